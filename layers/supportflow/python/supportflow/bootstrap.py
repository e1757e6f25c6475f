"""The composition root: the adapters (adapters/build.py, built from settings on first use or
given by tests and the local stack), the services the use cases share, the hooks capabilities
register on an action, and the use cases, wired next to their capability
(`services/<capability>/wiring.py`) and mixed in here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from supportflow.adapters.build import Adapters
from supportflow.contracts.directory import ContractDirectory
from supportflow.policies.registry import LivePolicies, PolicyRegistry
from supportflow.services.admin.wiring import AdminUseCases
from supportflow.services.billing.wiring import BillingUseCases
from supportflow.services.desk.wiring import DeskUseCases
from supportflow.services.intake.wiring import IntakeUseCases
from supportflow.services.outbox.wiring import OutboxUseCases
from supportflow.services.review.wiring import ReviewUseCases
from supportflow.services.workflow.wiring import WorkflowUseCases
from supportflow.settings import Settings, load_settings

if TYPE_CHECKING:
    from supportflow.observability import Handler
    from supportflow.services.admin.contracts import ContractBook
    from supportflow.services.admin.policies import PolicyBook
    from supportflow.services.billing.entitlements import Ledger
    from supportflow.services.desk.record_action import ActionHook
    from supportflow.services.mail.conversation import CustomerMail
    from supportflow.services.mail.tokens import CustomerTokens, Links
    from supportflow.services.sla.deadlines import Deadlines


def system_clock() -> datetime:
    return datetime.now(UTC)


class Container(
    Adapters,
    OutboxUseCases,
    WorkflowUseCases,
    DeskUseCases,
    IntakeUseCases,
    BillingUseCases,
    ReviewUseCases,
    AdminUseCases,
):
    """What one function needs: its adapters, the shared services, and its use cases."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = system_clock,
        contracts: ContractDirectory | None = None,
        policies: PolicyRegistry | None = None,
        token_secret: bytes | None = None,
        **adapters: Any,
    ) -> None:
        super().__init__(settings, clock=clock, **adapters)
        if policies is not None:
            self.__dict__["policies"] = policies
        if token_secret is not None:
            from supportflow.services.mail.tokens import CustomerTokens

            self.__dict__["tokens"] = CustomerTokens(token_secret)
        self._fixed_contracts = contracts

    def action_hooks(self) -> Sequence[ActionHook]:
        """What capabilities add to an action on a ticket, in order (see ActionHook)."""
        return (self.decision_flags(), self.billing(), self.problem_links())

    @property
    def contracts(self) -> ContractDirectory:
        """Given (tests), a fixed file (CONTRACTS_FILE), or the stored versions."""
        if self._fixed_contracts is not None:
            return self._fixed_contracts
        if self.settings.contracts_file:
            self._fixed_contracts = ContractDirectory.from_file(self.settings.contracts_file)
            return self._fixed_contracts
        self.policies.ids()  # the published packs first: a stored contract may name one
        return self.contract_book.directory()

    def use_contracts(self, directory: ContractDirectory) -> None:
        """A fixed set of contracts from now on (tests)."""
        self._fixed_contracts = directory

    @cached_property
    def contract_book(self) -> ContractBook:  # the stored versions, read again when one is added
        from supportflow.services.admin.contracts import ContractBook

        return ContractBook(self.contract_store, self.clock)

    @cached_property
    def policy_book(self) -> PolicyBook:  # the published packs, read again when one is added
        from supportflow.services.admin.policies import PolicyBook

        return PolicyBook(self.policy_store)

    @cached_property
    def policies(self) -> PolicyRegistry:
        """The shipped packs and the published versions (read again when one is published)."""
        return LivePolicies(self.policy_book.registry)

    @cached_property
    def tokens(self) -> CustomerTokens:
        from supportflow.services.mail.tokens import CustomerTokens

        return CustomerTokens(self.token_secret)  # read on first use

    @cached_property
    def links(self) -> Links:
        from supportflow.services.mail.tokens import Links

        return Links.under(self.settings.link_base)

    @cached_property
    def deadlines(self) -> Deadlines:
        from supportflow.services.sla.deadlines import Deadlines

        return Deadlines(self.policies)

    @cached_property
    def ledger(self) -> Ledger:  # one per function: it keeps the averages a while
        from supportflow.services.billing.entitlements import Ledger

        return Ledger(self.queue)

    @property
    def customer_mail(self) -> CustomerMail:
        from supportflow.services.mail.conversation import CustomerMail

        return CustomerMail(self.contracts, self.deadlines, self.tokens, self.links)


Build = Callable[[Container], "Handler"]


def entry(build: Build, settings: type[Settings]) -> Handler:
    """A function's Lambda entry point: settings checked at cold start, dependencies built at
    the first invocation and kept while the instance is warm."""
    config = load_settings(settings)
    built: dict[str, Handler] = {}

    def lambda_handler(event: Any, context: Any) -> Any:
        if "handler" not in built:
            from supportflow.observability import trace_aws_calls

            trace_aws_calls()
            built["handler"] = build(Container(config))
        return built["handler"](event, context)

    return lambda_handler
