"""Contracts and packs as published data, wired (a mixin of the composition root,
bootstrap.Container): the books every function reads, and the admin's use cases."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.admin.contracts import ContractBook, ManageContracts
    from supportflow.services.admin.policies import PolicyBook, PublishPolicies
    from supportflow.services.ports.provided import Provided

    class Needs(Provided, Protocol):
        @property
        def contract_book(self) -> ContractBook: ...
        @property
        def policy_book(self) -> PolicyBook: ...
        @property
        def policies(self) -> PolicyRegistry: ...


class AdminUseCases:
    @cached_property
    def contract_book(
        self: Needs,
    ) -> ContractBook:  # the stored versions, read again when one is added
        from supportflow.services.admin.contracts import ContractBook

        return ContractBook(self.contract_store, self.clock)

    @cached_property
    def policy_book(self: Needs) -> PolicyBook:  # read again when a version is published
        from supportflow.services.admin.policies import PolicyBook

        return PolicyBook(self.policy_store)

    @cached_property
    def policies(self: Needs) -> PolicyRegistry:
        """The shipped packs and the published versions (read again when one is published)."""
        from supportflow.policies.registry import LivePolicies

        return LivePolicies(self.policy_book.registry)

    def manage_contracts(self: Needs) -> ManageContracts:
        from supportflow.services.admin.contracts import ManageContracts

        return ManageContracts(self.contract_store, self.contract_book, self.clock)

    def publish_policies(self: Needs) -> PublishPolicies:
        from supportflow.services.admin.policies import PublishPolicies

        return PublishPolicies(self.policy_store, self.policy_book, self.clock)
