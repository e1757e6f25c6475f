"""Typed settings from the environment, validated once at cold start (fail fast, one message)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    pass


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    state_machine_arn: str = Field(default="", alias="STATE_MACHINE_ARN")
    schedule_group: str = Field(default="default", alias="SCHEDULE_GROUP")
    scheduler_role_arn: str = Field(default="", alias="SCHEDULER_ROLE_ARN")
    fire_timer_arn: str = Field(default="", alias="FIRE_TIMER_ARN")
    token_secret: str = Field(default="", alias="TOKEN_SECRET")
    token_secret_parameter: str = Field(default="", alias="TOKEN_SECRET_PARAMETER")
    agent_token: str = Field(default="", alias="AGENT_TOKEN", description="local bearer token")
    link_base: str = Field(default="http://localhost:8080", alias="LINK_BASE")
    contracts_file: str = Field(default="", alias="CONTRACTS_FILE")
    region: str = Field(default="eu-west-1", alias="AWS_REGION")
    dynamodb_host: str | None = Field(default=None, alias="DYNAMODB_HOST")
    outbox_dir: str = Field(default="", alias="OUTBOX_DIR", description="local: keep mail as .eml")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    try:
        return Settings.model_validate(dict(environ if environ is not None else os.environ))
    except ValidationError as exc:
        missing = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise SettingsError(f"bad or missing settings: {missing}") from None


@cache
def settings() -> Settings:
    return load_settings()
