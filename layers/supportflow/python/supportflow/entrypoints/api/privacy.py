"""Privacy under the AVG/GDPR (admins; services/privacy/), the privacy function's own API: the
one function allowed to delete what the desk keeps (its statements in template.yaml).

    POST /privacy/exports             everything the desk holds about one person: the export's
                                      JSON, and a short-lived link to the archive (JSON + files)
    POST /privacy/erasures            erase one person's data, or one customer's (contract ended)
    GET  /privacy/erasures            the record of recent erasures (never what they erased)
    POST /privacy/retention           run the retention now (it also runs every night)
    PUT  /tickets/{id}/legal-hold     set or lift a legal hold (retention and erasure pass it by)

Every call is the admin's own (their identity is recorded); repeating one is harmless."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from supportflow.bootstrap import Container
from supportflow.domain.common.text import EmailAddress, OneLine
from supportflow.domain.privacy.redaction import exports_of, legal_hold
from supportflow.entrypoints.api.callers import admin_calling, deps_of
from supportflow.entrypoints.api.http_errors import install_error_handlers
from supportflow.entrypoints.api.responses import COMMON, answer, problems
from supportflow.observability import count

app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)
router = app  # the routes below read like the other routers'
ANSWER_WITHIN_S = 22.0  # an erasure stops between tickets before API Gateway's 29 s
TicketId = Annotated[str, Path(pattern=r"^T-[0-9A-Z]{10}$")]


def _deps() -> Container:
    return deps_of(router)


def _answer_in_time() -> Callable[[], float]:
    """The seconds left to answer in (API Gateway waits 29 s at most): long work stops in time
    and says it is not complete."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    return lambda: deadline - time.monotonic()


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailAddress = Field(description="the person's address")
    names: list[OneLine] = Field(default_factory=list, max_length=10, description="their names")
    phones: list[Annotated[str, Field(max_length=40, pattern=r"^[0-9 +()./-]+$")]] = Field(
        default_factory=list, max_length=10, description="their phone numbers"
    )


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailAddress | None = Field(default=None, description="a person's address")
    customer_id: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
        description="a customer whose contract ended: every person's data of it",
    )
    names: list[OneLine] = Field(default_factory=list, max_length=10)
    phones: list[Annotated[str, Field(max_length=40, pattern=r"^[0-9 +()./-]+$")]] = Field(
        default_factory=list, max_length=10
    )
    ground: OneLine = Field(
        min_length=3,
        max_length=500,
        description="why (e.g. 'art. 17(1)(a): request of 3 May', 'contract ended 2026-06-30')",
    )
    requested_by: OneLine = Field(
        min_length=2, max_length=200, description="who asked (the person, the customer, ...)"
    )

    @model_validator(mode="after")
    def _one(self) -> ErasureRequest:
        if (self.email is None) == (self.customer_id is None):
            raise ValueError("name either the person's email or the customer_id")
        return self


class HoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hold: bool = Field(description="true: set the hold; false: lift it")
    reason: OneLine = Field(min_length=3, max_length=500)


@router.post(
    "/privacy/exports",
    summary="Everything the desk holds about one person (admins)",
    description="The export's JSON (their tickets, messages, files named, held filings, the "
    "contracts that list them; nobody else's data) and `archive_url`: the archive (export.json "
    "and the files) for a few minutes. A person with more tickets than one answer can read "
    "gets `complete: false` and the ids left out (`missing`).",
    responses={200: answer("the export"), **problems(401, 403, 422, *COMMON)},
)
def export_person(request: Annotated[ExportRequest, Body()]) -> dict[str, Any]:
    admin = admin_calling(router)
    deps = _deps()
    export = deps.export_personal_data()(
        request.email,
        by=admin,
        names=request.names,
        phones=request.phones,
        time_left=_answer_in_time(),
    )
    key = f"{exports_of(request.email)}{secrets.token_hex(16)}/export.zip"
    reference = deps.mail_store.keep(key, export.archive(), "application/zip")
    count("PersonalDataExports")
    return {
        "document": export.document,
        "files": len(export.files),
        "archive_url": deps.mail_store.link(reference),
        "archive_expires_in_s": 300,
    }


@router.post(
    "/privacy/erasures",
    summary="Erase one person's data, or one customer's (admins)",
    description="A person: the tickets they filed erased whole, their part of others; a "
    "customer: every ticket of it whole. Times, figures and SLA outcomes stay; tickets under a "
    "legal hold are left alone (listed in `held`). The answer is the erasure's record; "
    "`complete: false` when it ran out of time (a large customer): send it again to go on.",
    responses={200: answer("the erasure's record"), **problems(401, 403, 404, 422, *COMMON)},
)
def erase(request: Annotated[ErasureRequest, Body()]) -> dict[str, Any]:
    admin = admin_calling(router)
    eraser = _deps().erase_personal_data()
    time_left = _answer_in_time()
    if request.email is not None:
        record = eraser.person(
            request.email,
            ground=request.ground,
            requested_by=request.requested_by,
            by=admin,
            names=request.names,
            phones=request.phones,
            time_left=time_left,
        )
    else:
        assert request.customer_id is not None
        record = eraser.customer(
            request.customer_id,
            ground=request.ground,
            requested_by=request.requested_by,
            by=admin,
            time_left=time_left,
        )
    count("PersonalDataErasures")
    return record.as_dict()


@router.get(
    "/privacy/erasures",
    summary="The record of recent erasures (admins)",
    responses={200: answer("the erasures, newest first"), **problems(401, 403, *COMMON)},
)
def list_erasures(
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    admin_calling(router)
    return {"erasures": [r.as_dict() for r in _deps().erasure_log.recent(limit)]}


@router.post(
    "/privacy/retention",
    summary="Run the retention now (admins; it also runs every night)",
    responses={200: answer("what the run erased and passed by"), **problems(401, 403, *COMMON)},
)
def run_retention() -> dict[str, Any]:
    admin_calling(router)
    return _deps().apply_retention().run(time_left=_answer_in_time()).as_dict()


@router.put(
    "/tickets/<ticket_id>/legal-hold",
    summary="Set or lift a legal hold on a ticket (admins)",
    responses={200: answer("the ticket's hold"), **problems(401, 403, 404, 422, *COMMON)},
)
def put_legal_hold(ticket_id: TicketId, request: Annotated[HoldRequest, Body()]) -> dict[str, Any]:
    admin = admin_calling(router)
    ticket = (
        _deps().legal_holds().set(ticket_id, hold=request.hold, reason=request.reason, by=admin)
    )
    hold = legal_hold(ticket)
    return {
        "ticket_id": ticket_id,
        "legal_hold": None
        if hold is None
        else {"reason": hold["reason"], "by": hold["by"], "at": hold["at"].isoformat()},
    }
