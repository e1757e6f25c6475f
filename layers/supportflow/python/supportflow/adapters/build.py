"""The desk's adapters, built once from a function's validated settings.

Each is built on first use, so a function builds only what its use case touches (Park never
creates an SES or Scheduler client) and nothing AWS is imported before it is needed; or given:
tests and the local stack pass fakes, moto-backed adapters or a simulated clock. The table's
models are bound to the configured table explicitly, once, before the first DynamoDB adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from supportflow.settings import Settings

LOCAL_DESK = "http://localhost:8080"  # the local stack's pages, when no desk URL is given

if TYPE_CHECKING:
    from supportflow.services.ports.agents import AgentDirectory, NoticePreferences
    from supportflow.services.ports.audit import ActionsIndex
    from supportflow.services.ports.external import Mailer, MailStore, Shards, Timers, Workflow
    from supportflow.services.ports.outbox import Outbox
    from supportflow.services.ports.portal import SignInCodes
    from supportflow.services.ports.privacy import ErasureLog, KeptMail
    from supportflow.services.ports.queue import Queue
    from supportflow.services.ports.search import SearchIndex
    from supportflow.services.ports.stores import (
        BookingStore,
        ContractStore,
        Filings,
        MailQuota,
        PolicyStore,
        VerdictStore,
    )
    from supportflow.services.ports.tickets import Tickets

    class TicketStore(Tickets, Outbox, Queue, Protocol):
        """One table holds the tickets, their outbox and the queue's index: one adapter implements
        the three ports, and each use case is handed the one it needs."""


class Adapters:
    """The adapters of one function (see the module)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        tickets: TicketStore | None = None,
        timers: Timers | None = None,
        mailer: Mailer | None = None,
        filings: Filings | None = None,
        quota: MailQuota | None = None,
        mail_store: MailStore | None = None,
        workflow: Workflow | None = None,
        contract_store: ContractStore | None = None,
        bookings: BookingStore | None = None,
        verdicts: VerdictStore | None = None,
        search_index: SearchIndex | None = None,
        notice_preferences: NoticePreferences | None = None,
        policy_store: PolicyStore | None = None,
        agents: AgentDirectory | None = None,
        sign_in_codes: SignInCodes | None = None,
        erasure_log: ErasureLog | None = None,
        actions_index: ActionsIndex | None = None,
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
            "search_index": search_index,
            "notice_preferences": notice_preferences,
            "policy_store": policy_store,
            "agents": agents,
            "sign_in_codes": sign_in_codes,
            "erasure_log": erasure_log,
            "actions_index": actions_index,
        }
        self.__dict__.update({k: v for k, v in given.items() if v is not None})
        self._table_bound = False

    def _bind_table(self) -> None:
        """Point the table's models at this function's table (once, before any DynamoDB
        adapter is built)."""
        if not self._table_bound:
            from supportflow.adapters.dynamodb.models import bind_models

            config = self.settings
            bind_models(config.table_name, config.region, config.dynamodb_host)
            self._table_bound = True

    @cached_property
    def tickets(self) -> TicketStore:
        from supportflow.adapters.dynamodb.tickets import DynamoTickets

        self._bind_table()
        return DynamoTickets(clock=self.clock)

    @property
    def outbox(self) -> Outbox:
        return self.tickets

    @property
    def queue(self) -> Queue:
        return self.tickets

    @cached_property
    def filings(self) -> Filings:
        from supportflow.adapters.dynamodb.filings import DynamoFilings

        self._bind_table()
        return DynamoFilings()

    @cached_property
    def quota(self) -> MailQuota:
        from supportflow.adapters.dynamodb.filings import DynamoMailQuota

        self._bind_table()
        return DynamoMailQuota()

    @cached_property
    def contract_store(self) -> ContractStore:
        from supportflow.adapters.dynamodb.contracts import DynamoContracts

        self._bind_table()
        return DynamoContracts()

    @cached_property
    def policy_store(self) -> PolicyStore:
        from supportflow.adapters.dynamodb.policies import DynamoPolicies

        self._bind_table()
        return DynamoPolicies()

    @cached_property
    def bookings(self) -> BookingStore:
        from supportflow.adapters.dynamodb.bookings import DynamoBookings

        self._bind_table()
        return DynamoBookings()

    @cached_property
    def verdicts(self) -> VerdictStore:
        from supportflow.adapters.dynamodb.verdicts import DynamoVerdicts

        self._bind_table()
        return DynamoVerdicts()

    @cached_property
    def search_index(self) -> SearchIndex:
        from supportflow.adapters.dynamodb.search import DynamoSearchIndex

        self._bind_table()
        return DynamoSearchIndex()

    @cached_property
    def notice_preferences(self) -> NoticePreferences:
        from supportflow.adapters.dynamodb.preferences import DynamoNoticePreferences

        self._bind_table()
        return DynamoNoticePreferences()

    @cached_property
    def sign_in_codes(self) -> SignInCodes:
        """The portal's sign-in codes (by their hash)."""
        from supportflow.adapters.dynamodb.sign_in import DynamoSignInCodes

        self._bind_table()
        return DynamoSignInCodes()

    @cached_property
    def erasure_log(self) -> ErasureLog:
        """The record of every erasure (privacy)."""
        from supportflow.adapters.dynamodb.privacy import DynamoErasureLog

        self._bind_table()
        return DynamoErasureLog()

    @cached_property
    def actions_index(self) -> ActionsIndex:
        """Who did what: the agents' actions, by agent."""
        from supportflow.adapters.dynamodb.audit import DynamoActionsIndex

        self._bind_table()
        return DynamoActionsIndex()

    @property
    def kept_mail(self) -> KeptMail | None:
        """Copies of sent mail the desk keeps: the local outbox (SES keeps none: no client is
        built to find that out)."""
        if not (self.settings.outbox_dir or "mailer" in self.__dict__):
            return None
        forget = getattr(self.mailer, "forget", None)
        return self.mailer if callable(forget) else None  # type: ignore[return-value]

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

    @cached_property
    def agents(self) -> AgentDirectory:
        """The desk's agents: the user pool's users and groups."""
        from supportflow.adapters.aws import CognitoAgents
        from supportflow.services.desk.agents import ROLES

        return CognitoAgents(self._client("cognito-idp"), self.settings.agent_pool_id, ROLES)

    def shards(self, function_name: str) -> Shards:
        """The reconciliation's shards: `function_name` (the reconciliation itself) again."""
        from supportflow.adapters.aws import LambdaShards

        return LambdaShards(self._client("lambda"), function_name)

    def token_secret(self) -> bytes:
        """The secret customer links are signed with: given, or from SSM (read on first use)."""
        config = self.settings
        if config.token_secret:
            return config.token_secret.encode()
        ssm = self._client("ssm")
        value = ssm.get_parameter(Name=config.token_secret_parameter, WithDecryption=True)
        return str(value["Parameter"]["Value"]).encode()

    def link_base(self) -> str:
        """Where the desk's pages are (mails link there): given, or from the SSM parameter the
        stack writes (its CloudFront URL, or the custom domain), read once, on first use."""
        known = self.__dict__.get("_link_base")
        if known is not None:
            return str(known)
        config = self.settings
        if config.link_base or not config.link_base_parameter:
            found = config.link_base or LOCAL_DESK
        else:
            value = self._client("ssm").get_parameter(Name=config.link_base_parameter)
            found = str(value["Parameter"]["Value"]).rstrip("/")
        self.__dict__["_link_base"] = found
        return found

    def _client(self, service: str) -> Any:
        import boto3

        if service == "s3":  # presigned URLs and posts signed with SigV4 (S3 refuses SigV2)
            from botocore.config import Config

            return boto3.client(
                "s3", region_name=self.settings.region, config=Config(signature_version="s3v4")
            )
        return boto3.client(service, region_name=self.settings.region)
