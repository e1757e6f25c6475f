"""Contracts and packs as published data, wired (a mixin of the composition root,
bootstrap.Container): the books every function reads, and the admin's use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.services.admin.contracts import ContractBook, ManageContracts
    from supportflow.services.admin.policies import PolicyBook, PublishPolicies
    from supportflow.services.ports.provided import Provided

    class Needs(Provided, Protocol):
        @property
        def contract_book(self) -> ContractBook: ...
        @property
        def policy_book(self) -> PolicyBook: ...


class AdminUseCases:
    def manage_contracts(self: Needs) -> ManageContracts:
        from supportflow.services.admin.contracts import ManageContracts

        return ManageContracts(self.contract_store, self.contract_book, self.clock)

    def publish_policies(self: Needs) -> PublishPolicies:
        from supportflow.services.admin.policies import PublishPolicies

        return PublishPolicies(self.policy_store, self.policy_book, self.clock)
