"""Privacy wired (a mixin of the composition root, bootstrap.Container): finding a person's
data, exporting and erasing it, retention and legal holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.services.desk.search import KeepSearchWords
    from supportflow.services.ports.provided import Provided
    from supportflow.services.privacy.erase import ErasePersonalData
    from supportflow.services.privacy.export import ExportPersonalData
    from supportflow.services.privacy.locate import FindPerson
    from supportflow.services.privacy.retention import ApplyRetention, LegalHolds

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        def keep_search_words(self) -> KeepSearchWords: ...
        def find_person(self) -> FindPerson: ...
        def erase_personal_data(self) -> ErasePersonalData: ...


class PrivacyUseCases:
    def find_person(self: Needs) -> FindPerson:
        from supportflow.services.privacy.locate import FindPerson

        return FindPerson(lambda: self.contracts, self.search_index, self.queue, self.tickets)

    def erase_personal_data(self: Needs) -> ErasePersonalData:
        from supportflow.services.privacy.erase import ErasePersonalData

        return ErasePersonalData(
            find=self.find_person(),
            tickets=self.tickets,
            files=self.mail_store,
            filings=self.filings,
            sign_ins=self.sign_in_codes,
            contract_store=self.contract_store,
            bookings=self.bookings,
            search=self.keep_search_words(),
            log=self.erasure_log,
            clock=self.clock,
            contracts=lambda: self.contracts,
            kept_mail=self.kept_mail,
        )

    def export_personal_data(self: Needs) -> ExportPersonalData:
        from supportflow.services.privacy.export import ExportPersonalData

        return ExportPersonalData(
            self.find_person(),
            self.mail_store,
            self.filings,
            self.clock,
            lambda: self.contracts,
            self.bookings,
        )

    def apply_retention(self: Needs) -> ApplyRetention:
        from supportflow.services.privacy.retention import ApplyRetention

        return ApplyRetention(
            self.queue, self.tickets, self.erase_personal_data(), lambda: self.contracts, self.clock
        )

    def legal_holds(self: Needs) -> LegalHolds:
        from supportflow.services.privacy.retention import LegalHolds

        return LegalHolds(self.tickets, self.clock)
