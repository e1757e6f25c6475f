"""The intake's use cases wired (a mixin of the composition root, bootstrap.Container): one per
channel's entry, all opening tickets through one `OpenTicket`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.billing.entitlements import Ledger
    from supportflow.services.desk.record_action import RecordAction
    from supportflow.services.intake.alerts import ReceiveAlerts
    from supportflow.services.intake.filings import HeldFilings
    from supportflow.services.intake.forms import CustomerForms
    from supportflow.services.intake.open_ticket import OpenTicket
    from supportflow.services.intake.phone import FileCall
    from supportflow.services.intake.receive_mail import ReceiveMail
    from supportflow.services.intake.uploads import Uploads
    from supportflow.services.mail.conversation import CustomerMail
    from supportflow.services.mail.tokens import CustomerTokens, Links
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def policies(self) -> PolicyRegistry: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def tokens(self) -> CustomerTokens: ...
        @property
        def links(self) -> Links: ...
        @property
        def customer_mail(self) -> CustomerMail: ...
        @property
        def ledger(self) -> Ledger: ...
        def record_action(self) -> RecordAction: ...
        def open_ticket(self) -> OpenTicket: ...
        def uploads(self) -> Uploads: ...


class IntakeUseCases:
    def open_ticket(self: Needs) -> OpenTicket:
        from supportflow.services.intake.open_ticket import OpenTicket

        return OpenTicket(
            self.contracts,
            self.deadlines,
            self.tokens,
            self.links,
            self.tickets,
            self.filings,
            self.quota,
            self.clock,
            self.customer_mail,
            self.settings.mails_per_customer_hour,
            ledger=self.ledger,
            uploads=self.uploads(),
        )

    def uploads(self: Needs) -> Uploads:
        from supportflow.services.intake.uploads import Uploads

        return Uploads(lambda: self.mail_store, self.clock)

    def held_filings(self: Needs) -> HeldFilings:
        from supportflow.services.intake.filings import HeldFilings

        return HeldFilings(self.filings, self.contracts, self.open_ticket(), self.clock)

    def customer_forms(self: Needs) -> CustomerForms:
        from supportflow.services.intake.forms import CustomerForms

        return CustomerForms(self.contracts, self.policies)

    def file_call(self: Needs) -> FileCall:
        from supportflow.services.intake.phone import FileCall

        return FileCall(self.contracts, self.open_ticket(), self.clock)

    def receive_alerts(self: Needs) -> ReceiveAlerts:
        from supportflow.services.intake.alerts import ReceiveAlerts

        return ReceiveAlerts(self.open_ticket(), self.tickets, self.clock)

    def receive_mail(self: Needs) -> ReceiveMail:
        from supportflow.services.intake.receive_mail import ReceiveMail

        return ReceiveMail(
            self.contracts,
            self.tickets,
            self.open_ticket(),
            self.record_action(),
            self.filings,
            self.mail_store,
            self.clock,
            frozenset({self.settings.desk_domain.casefold()}),
        )
