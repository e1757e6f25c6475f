"""The composition root: the adapters (adapters/build.py: built from settings on first use, or
given by tests and the local stack), the contracts as they stand, the hooks capabilities
register on an action, and the services and use cases of every capability, each wired next to
it (`services/<capability>/wiring.py`) and mixed in here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from supportflow.adapters.build import Adapters
from supportflow.contracts.directory import ContractDirectory
from supportflow.services.admin.wiring import AdminUseCases
from supportflow.services.billing.wiring import BillingUseCases
from supportflow.services.desk.wiring import DeskUseCases
from supportflow.services.intake.wiring import IntakeUseCases
from supportflow.services.mail.wiring import MailServices
from supportflow.services.outbox.wiring import OutboxUseCases
from supportflow.services.portal.wiring import PortalUseCases
from supportflow.services.ports.tickets import TemporarilyUnavailable
from supportflow.services.privacy.wiring import PrivacyUseCases
from supportflow.services.review.wiring import ReviewUseCases
from supportflow.services.sla.wiring import SlaServices
from supportflow.services.workflow.wiring import WorkflowUseCases
from supportflow.settings import Settings, load_settings

if TYPE_CHECKING:
    from supportflow.observability import Handler
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.desk.record_action import ActionHook


def system_clock() -> datetime:
    return datetime.now(UTC)


class Container(
    Adapters,
    SlaServices,
    MailServices,
    AdminUseCases,
    OutboxUseCases,
    WorkflowUseCases,
    DeskUseCases,
    IntakeUseCases,
    BillingUseCases,
    ReviewUseCases,
    PortalUseCases,
    PrivacyUseCases,
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
        """What capabilities add to an action on a ticket, in order (see ActionHook): the flags
        an agent's decision raises, the charges worked out again, problem management's links,
        the notices to the agents it concerns."""
        return (self.decision_flags(), self.billing(), self.problem_links(), self.agent_notices())

    @property
    def contracts(self) -> ContractDirectory:
        """The contracts as they stand: given (tests), a fixed file (CONTRACTS_FILE), or the
        stored versions (read again when one is added)."""
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


Build = Callable[[Container], "Handler"]


def entry(build: Build, settings: type[Settings]) -> Handler:
    """A function's Lambda entry point: its settings are checked now (cold start), its
    dependencies are built at the first invocation and kept while the instance is warm."""
    config = load_settings(settings)
    built: dict[str, Handler] = {}

    def lambda_handler(event: Any, context: Any) -> Any:
        if "handler" not in built:
            from supportflow.observability import trace_aws_calls

            trace_aws_calls()
            built["handler"] = serving(build, Container(config))
        return built["handler"](event, context)

    return lambda_handler


def serving(build: Build, deps: Container) -> Handler:
    """A function's handler as Lambda runs it (and the local stack): built with its
    dependencies; an AWS error that is only for now (throttled, a 5xx, a dropped connection,
    past botocore's retries) leaves it as TemporarilyUnavailable, the name the workflow's Retry
    and the timers' retry policy know."""
    handler = build(deps)

    def run(event: Any, context: Any) -> Any:
        try:
            return handler(event, context)
        except TemporarilyUnavailable:
            raise
        except Exception as exc:
            from supportflow.adapters.transient import is_transient

            if is_transient(exc):
                raise TemporarilyUnavailable(f"AWS is busy: {exc}") from exc
            raise

    return run
