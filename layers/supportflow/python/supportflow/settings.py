"""Typed settings from the environment: one model per function, validated at cold start, so a
missing value fails there with one message naming it, not at the first AWS call."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class SettingsError(RuntimeError):
    pass


class Settings(BaseModel):
    """Everything a function may read; each function's model below requires what it uses."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    state_machine_arn: str = Field(default="", alias="STATE_MACHINE_ARN")
    schedule_group: str = Field(default="default", alias="SCHEDULE_GROUP")
    scheduler_role_arn: str = Field(default="", alias="SCHEDULER_ROLE_ARN")
    fire_timer_arn: str = Field(default="", alias="FIRE_TIMER_ARN")
    timer_dead_letters_arn: str = Field(default="", alias="TIMER_DEAD_LETTERS_ARN")
    token_secret: str = Field(default="", alias="TOKEN_SECRET")
    token_secret_parameter: str = Field(default="", alias="TOKEN_SECRET_PARAMETER")
    agent_token: str = Field(default="", alias="AGENT_TOKEN", description="local bearer token")
    admin_token: str = Field(
        default="",
        alias="ADMIN_TOKEN",
        description="local admin bearer token",
    )
    agent_pool_id: str = Field(
        default="", alias="AGENT_POOL_ID", description="the agents' Cognito user pool"
    )
    admin_group: str = Field(
        default="admins", alias="ADMIN_GROUP", description="the Cognito group of the admin role"
    )
    desk_language: str = Field(
        default="",
        alias="DESK_LANGUAGE",
        pattern="^(|nl|en|de)$",
        description="the language of the desk's mails to its own people (escalations, notices); "
        "empty: each pack's own",
    )
    link_base: str = Field(default="", alias="LINK_BASE", description="the desk's URL, if given")
    link_base_parameter: str = Field(
        default="",
        alias="LINK_BASE_PARAMETER",
        description="AWS: the SSM parameter holding the desk's URL (the stack writes it)",
    )
    contracts_file: str = Field(default="", alias="CONTRACTS_FILE")
    region: str = Field(default="eu-west-1", alias="AWS_REGION")
    dynamodb_host: str | None = Field(default=None, alias="DYNAMODB_HOST")
    outbox_dir: str = Field(default="", alias="OUTBOX_DIR", description="local: keep mail as .eml")
    mails_per_customer_hour: int = Field(default=20, alias="MAILS_PER_CUSTOMER_HOUR", ge=1)
    mail_bucket: str = Field(default="", alias="MAIL_BUCKET", description="received mail (SES)")
    attachment_base: str = Field(
        default="",
        alias="ATTACHMENT_BASE",
        description="local: where the local stack serves kept attachments (AWS: presigned URLs)",
    )
    desk_domain: str = Field(
        default="supportflow.example", alias="DESK_DOMAIN", description="the desk's mail domain"
    )
    # The customer portal and the customers' ticket links (services/portal/).
    ticket_link_days: int = Field(
        default=30,
        alias="TICKET_LINK_DAYS",
        ge=1,
        le=3650,
        description="days a ticket's links keep working after it closed",
    )
    portal_sign_in_minutes: int = Field(
        default=15, alias="PORTAL_SIGN_IN_MINUTES", ge=1, le=60, description="a sign-in link"
    )
    portal_session_hours: int = Field(
        default=8, alias="PORTAL_SESSION_HOURS", ge=1, le=24, description="a portal session"
    )
    portal_sign_ins_per_hour: int = Field(
        default=5,
        alias="PORTAL_SIGN_INS_PER_HOUR",
        ge=1,
        le=100,
        description="sign-in mails one address may be sent in an hour",
    )


class _SetsTimers(Settings):
    schedule_group: str = Field(alias="SCHEDULE_GROUP", min_length=1)
    scheduler_role_arn: str = Field(alias="SCHEDULER_ROLE_ARN", min_length=1)
    fire_timer_arn: str = Field(alias="FIRE_TIMER_ARN", min_length=1)


class _SignsLinks(Settings):
    @model_validator(mode="after")
    def _a_token_secret(self) -> _SignsLinks:
        if not (self.token_secret or self.token_secret_parameter):
            raise ValueError("TOKEN_SECRET or TOKEN_SECRET_PARAMETER")
        return self


class IntakeSettings(_SignsLinks):
    pass


class TicketApiSettings(_SignsLinks):
    pass


class PortalSettings(_SignsLinks):  # signs sessions with a key derived from the link secret
    pass


class PrivacySettings(Settings):
    mail_bucket: str = Field(alias="MAIL_BUCKET", min_length=3)


class ReceiveMailSettings(_SignsLinks):
    mail_bucket: str = Field(alias="MAIL_BUCKET", min_length=3)


class TriageSettings(Settings):
    pass


class ParkSettings(Settings):
    pass


class EscalateSettings(Settings):
    pass


class FireTimerSettings(_SignsLinks):  # the auto-close mail carries the customer's link
    pass


class RecordFailureSettings(Settings):
    pass


class ReviewTicketsSettings(_SignsLinks):  # an RCA task is confirmed with its link
    pass


class DispatchSettings(_SetsTimers):
    state_machine_arn: str = Field(alias="STATE_MACHINE_ARN", min_length=1)


class ReconcileSettings(DispatchSettings):
    shard_size: int = Field(
        default=1000,  # services/workflow/reconcile.SHARD_SIZE
        alias="RECONCILE_SHARD_SIZE",
        ge=1,
        description="open tickets per shard of a round (more: the round fans out)",
    )


S = TypeVar("S", bound=Settings)


def load_settings(kind: type[S] = Settings, environ: Mapping[str, str] | None = None) -> S:  # type: ignore[assignment]
    try:
        return kind.model_validate(dict(environ if environ is not None else os.environ))
    except ValidationError as exc:
        missing = ", ".join(str(e["loc"][0]) if e["loc"] else e["msg"] for e in exc.errors())
        raise SettingsError(f"{kind.__name__}: bad or missing settings: {missing}") from None
