"""The composition root: the use cases wired to their dependencies.

Dependencies are parameters (as in Cosmic Python's `bootstrap`): tests and the local stack pass
fakes, moto-backed adapters or a simulated clock; on Lambda each is built from the function's
validated settings on first use, so a function builds only what its use case touches (Park never
creates an SES or Scheduler client) and nothing AWS is imported before it is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from supportflow.contracts import ContractDirectory
from supportflow.policies import LivePolicies, PolicyRegistry
from supportflow.services.ports.ports import (
    BookingStore,
    Clock,
    ContractStore,
    Filings,
    Mailer,
    MailQuota,
    MailStore,
    PolicyStore,
    TicketRepository,
    Timers,
    VerdictStore,
    Workflow,
)
from supportflow.settings import Settings, load_settings

if TYPE_CHECKING:  # the use cases are imported when a function first builds one
    from supportflow.observability import Handler
    from supportflow.services.admin.contracts import ContractBook, ManageContracts
    from supportflow.services.admin.policies import PolicyBook, PublishPolicies
    from supportflow.services.billing.billing import Billing, Statements
    from supportflow.services.billing.bookings import LiveSupport
    from supportflow.services.billing.entitlements import Ledger
    from supportflow.services.desk.record_action import RecordAction
    from supportflow.services.desk.views import Attachments, TicketViews
    from supportflow.services.intake.alerts import ReceiveAlerts
    from supportflow.services.intake.filings import HeldFilings
    from supportflow.services.intake.open_ticket import OpenTicket
    from supportflow.services.intake.phone import FileCall
    from supportflow.services.intake.receive_mail import ReceiveMail
    from supportflow.services.mail.conversation import CustomerMail
    from supportflow.services.mail.tokens import CustomerTokens, Links
    from supportflow.services.outbox.dispatch import Dispatcher
    from supportflow.services.review.problems import Problems
    from supportflow.services.review.review_tickets import (
        ComplianceReview,
        EarlyWarnings,
        KeepVerdicts,
        ReviewTicket,
    )
    from supportflow.services.sla.deadlines import Deadlines
    from supportflow.services.workflow.escalate import Escalate
    from supportflow.services.workflow.fire_timer import FireTimer
    from supportflow.services.workflow.park import Park
    from supportflow.services.workflow.reconcile import Reconcile
    from supportflow.services.workflow.record_failure import RecordFailure
    from supportflow.services.workflow.triage import Triage


def _tokens(secret: bytes) -> CustomerTokens:
    from supportflow.services.mail.tokens import CustomerTokens

    return CustomerTokens(secret)


def system_clock() -> datetime:
    return datetime.now(UTC)


class Container:
    """What one function needs, each piece built on first use unless given."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = system_clock,
        tickets: TicketRepository | None = None,
        timers: Timers | None = None,
        mailer: Mailer | None = None,
        filings: Filings | None = None,
        quota: MailQuota | None = None,
        mail_store: MailStore | None = None,
        workflow: Workflow | None = None,
        contracts: ContractDirectory | None = None,
        contract_store: ContractStore | None = None,
        bookings: BookingStore | None = None,
        verdicts: VerdictStore | None = None,
        policy_store: PolicyStore | None = None,
        policies: PolicyRegistry | None = None,
        token_secret: bytes | None = None,
    ) -> None:
        self.settings, self.clock = settings, clock
        given = {
            "tickets": tickets,
            "timers": timers,
            "mailer": mailer,
            "filings": filings,
            "quota": quota,
            "mail_store": mail_store,
            "workflow": workflow,
            "contract_store": contract_store,
            "bookings": bookings,
            "verdicts": verdicts,
            "policy_store": policy_store,
            "policies": policies,
            "tokens": _tokens(token_secret) if token_secret is not None else None,
        }
        self.__dict__.update({k: v for k, v in given.items() if v is not None})
        self._fixed_contracts = contracts

    # ----- adapters (built from settings on first use) ----------------------------------------

    @cached_property
    def tickets(self) -> TicketRepository:
        from supportflow.adapters.dynamodb.items import bind_models
        from supportflow.adapters.dynamodb.tickets import DynamoTickets

        config = self.settings
        bind_models(config.table_name, config.region, config.dynamodb_host)
        return DynamoTickets(clock=self.clock)

    @cached_property
    def filings(self) -> Filings:
        from supportflow.adapters.dynamodb.filings import DynamoFilings

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoFilings()

    @cached_property
    def quota(self) -> MailQuota:
        from supportflow.adapters.dynamodb.filings import DynamoMailQuota

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoMailQuota()

    @cached_property
    def timers(self) -> Timers:
        from supportflow.adapters.aws import SchedulerTimers

        config = self.settings
        return SchedulerTimers(
            self._client("scheduler"),
            config.schedule_group,
            config.fire_timer_arn,
            config.scheduler_role_arn,
            config.timer_dead_letters_arn,
        )

    @cached_property
    def mail_store(self) -> MailStore:
        from supportflow.adapters.aws import S3MailStore

        config = self.settings
        return S3MailStore(self._client("s3"), config.mail_bucket, config.attachment_base)

    @cached_property
    def mailer(self) -> Mailer:
        if self.settings.outbox_dir:
            from supportflow.adapters.file_outbox import FileOutbox

            return FileOutbox(self.settings.outbox_dir)
        from supportflow.adapters.aws import SesMailer

        return SesMailer(self._client("ses"))

    @cached_property
    def workflow(self) -> Workflow:
        from supportflow.adapters.aws import StepFunctionsWorkflow

        return StepFunctionsWorkflow(self._client("stepfunctions"), self.settings.state_machine_arn)

    @property
    def contracts(self) -> ContractDirectory:
        """The contracts as they stand: given (tests), a fixed file (CONTRACTS_FILE), or the
        stored versions (reloaded when one is added)."""
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
    def contract_store(self) -> ContractStore:
        from supportflow.adapters.dynamodb.contracts import DynamoContracts

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoContracts()

    @cached_property
    def bookings(self) -> BookingStore:
        from supportflow.adapters.dynamodb.bookings import DynamoBookings

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoBookings()

    @cached_property
    def verdicts(self) -> VerdictStore:
        from supportflow.adapters.dynamodb.verdicts import DynamoVerdicts

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoVerdicts()

    def keep_verdicts(self) -> KeepVerdicts:
        from supportflow.services.review.review_tickets import KeepVerdicts

        return KeepVerdicts(self.policies, self.tickets, self.verdicts, self.clock)

    def early_warnings(self) -> EarlyWarnings:
        from supportflow.services.review.review_tickets import EarlyWarnings

        return EarlyWarnings(
            self.compliance_review(), self.tickets, self.policies, self.links, self.clock
        )

    def review_ticket(self) -> ReviewTicket:
        from supportflow.services.review.review_tickets import ReviewTicket

        return ReviewTicket(
            self.keep_verdicts(), self.early_warnings(), self.problems(), self.tickets
        )

    def problems(self) -> Problems:
        from supportflow.services.review.problems import Problems

        return Problems(
            self.tickets, self.open_ticket(), lambda: self.contracts, self.deadlines, self.clock
        )

    def compliance_review(self) -> ComplianceReview:
        from supportflow.services.review.review_tickets import ComplianceReview

        return ComplianceReview(lambda: self.contracts, self.policies, self.verdicts, self.clock)

    def live_support(self) -> LiveSupport:
        from supportflow.services.billing.bookings import LiveSupport

        return LiveSupport(self.bookings, lambda: self.contracts, self.policies, self.clock)

    @cached_property
    def contract_book(self) -> ContractBook:
        from supportflow.services.admin.contracts import ContractBook

        return ContractBook(self.contract_store, self.clock)

    def manage_contracts(self) -> ManageContracts:
        from supportflow.services.admin.contracts import ManageContracts

        return ManageContracts(self.contract_store, self.contract_book, self.clock)

    @cached_property
    def policy_store(self) -> PolicyStore:
        from supportflow.adapters.dynamodb.policies import DynamoPolicies

        self.tickets  # noqa: B018 (binds the table's models)
        return DynamoPolicies()

    @cached_property
    def policy_book(self) -> PolicyBook:
        from supportflow.services.admin.policies import PolicyBook

        return PolicyBook(self.policy_store)

    @cached_property
    def policies(self) -> PolicyRegistry:
        """The shipped packs and the published versions (read again when one is published);
        a fixed registry when given."""
        return LivePolicies(self.policy_book.registry)

    def publish_policies(self) -> PublishPolicies:
        from supportflow.services.admin.policies import PublishPolicies

        return PublishPolicies(self.policy_store, self.policy_book, self.clock)

    @cached_property
    def tokens(self) -> CustomerTokens:
        from supportflow.services.mail.tokens import CustomerTokens

        return CustomerTokens(self._token_secret)  # read on first use

    def _token_secret(self) -> bytes:
        config = self.settings
        if config.token_secret:
            return config.token_secret.encode()
        ssm = self._client("ssm")
        value = ssm.get_parameter(Name=config.token_secret_parameter, WithDecryption=True)
        return str(value["Parameter"]["Value"]).encode()

    def _client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=self.settings.region)

    # ----- the pieces the use cases share -----------------------------------------------------

    @cached_property
    def links(self) -> Links:
        from supportflow.services.mail.tokens import Links

        return Links.under(self.settings.link_base)

    @cached_property
    def deadlines(self) -> Deadlines:
        from supportflow.services.sla.deadlines import Deadlines

        return Deadlines(self.policies)

    @cached_property
    def ledger(self) -> Ledger:
        from supportflow.services.billing.entitlements import Ledger

        return Ledger(self.tickets)

    @property
    def customer_mail(self) -> CustomerMail:
        from supportflow.services.mail.conversation import CustomerMail

        return CustomerMail(self.contracts, self.deadlines, self.tokens, self.links)

    def dispatcher(self) -> Dispatcher:
        from supportflow.services.outbox.dispatch import Dispatcher

        return Dispatcher(self.tickets, self)

    # ----- the use cases ----------------------------------------------------------------------

    def open_ticket(self) -> OpenTicket:
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
        )

    def held_filings(self) -> HeldFilings:
        from supportflow.services.intake.filings import HeldFilings

        return HeldFilings(self.filings, self.contracts, self.open_ticket(), self.clock)

    def file_call(self) -> FileCall:
        from supportflow.services.intake.phone import FileCall

        return FileCall(self.contracts, self.open_ticket(), self.clock)

    def receive_alerts(self) -> ReceiveAlerts:
        from supportflow.services.intake.alerts import ReceiveAlerts

        return ReceiveAlerts(self.open_ticket(), self.tickets, self.clock)

    def receive_mail(self) -> ReceiveMail:
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

    def triage(self) -> Triage:
        from supportflow.services.workflow.triage import Triage

        return Triage(self.deadlines, self.tickets, self.clock)

    def park(self) -> Park:
        from supportflow.services.workflow.park import Park

        return Park(self.tickets)

    def record_action(self) -> RecordAction:
        from supportflow.services.desk.record_action import RecordAction

        return RecordAction(
            self.deadlines, self.tickets, self.clock, self.customer_mail, self.billing()
        )

    def billing(self) -> Billing:
        from supportflow.services.billing.billing import Billing

        return Billing(lambda: self.contracts, self.deadlines)

    def statements(self) -> Statements:
        from supportflow.services.billing.billing import Statements

        return Statements(lambda: self.contracts, self.tickets, self.deadlines, self.live_support())

    def fire_timer(self) -> FireTimer:
        from supportflow.services.workflow.fire_timer import FireTimer

        return FireTimer(self.deadlines, self.tickets, self.record_action(), self.clock)

    def escalate(self) -> Escalate:
        from supportflow.services.workflow.escalate import Escalate

        return Escalate(self.contracts, self.deadlines, self.links, self.tickets, self.clock)

    def record_failure(self) -> RecordFailure:
        from supportflow.services.workflow.record_failure import RecordFailure

        return RecordFailure(self.tickets)

    def reconcile(self) -> Reconcile:
        from supportflow.services.workflow.reconcile import Reconcile

        return Reconcile(self.tickets, self.deadlines, self, self.dispatcher(), self.clock)

    def views(self) -> TicketViews:
        from supportflow.services.desk.views import TicketViews

        return TicketViews(self.tickets, self.contracts, self.deadlines, self.clock)

    def attachments(self) -> Attachments:
        from supportflow.services.desk.views import Attachments

        return Attachments(self.tickets, lambda: self.mail_store)


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
            built["handler"] = build(Container(config))
        return built["handler"](event, context)

    return lambda_handler
