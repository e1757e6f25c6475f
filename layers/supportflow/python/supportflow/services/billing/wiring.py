"""Billing's use cases wired (a mixin of the composition root, bootstrap.Container): the charges
and the entitlement flags an action hooks in, statements, live-support sessions,
and the organisations' ledger."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.billing.bookings import LiveSupport
    from supportflow.services.billing.charges import Billing
    from supportflow.services.billing.entitlements import DecisionFlags, Ledger
    from supportflow.services.billing.statements import Statements
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def policies(self) -> PolicyRegistry: ...
        @property
        def deadlines(self) -> Deadlines: ...
        def live_support(self) -> LiveSupport: ...


class BillingUseCases:
    def billing(self: Needs) -> Billing:
        from supportflow.services.billing.charges import Billing

        return Billing(lambda: self.contracts, self.deadlines)

    def decision_flags(self: Needs) -> DecisionFlags:
        from supportflow.services.billing.entitlements import DecisionFlags

        return DecisionFlags(self.deadlines)

    def statements(self: Needs) -> Statements:
        from supportflow.services.billing.statements import Statements

        return Statements(
            lambda: self.contracts, self.tickets, self.queue, self.deadlines, self.live_support()
        )

    def live_support(self: Needs) -> LiveSupport:
        from supportflow.services.billing.bookings import LiveSupport

        return LiveSupport(self.bookings, lambda: self.contracts, self.policies, self.clock)

    @cached_property
    def ledger(self: Needs) -> Ledger:  # one per function: it keeps the averages a while
        from supportflow.services.billing.entitlements import Ledger

        return Ledger(self.queue)
