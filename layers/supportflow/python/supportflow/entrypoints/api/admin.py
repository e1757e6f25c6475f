"""The admin API (agents with the admin role): contracts as versioned data; and a customer's
monthly statement (any agent).

    GET /contracts                    every customer: name, pack, the version in force, the next
    GET /contracts/{customer_id}      every version of one customer's contract
    PUT /contracts/{customer_id}      record a new version (with `effective_from`, default today)
    GET /customers/{customer_id}/statement?period=YYYY-MM&format=json|csv|text
    GET /customers/{customer_id}/report?period=YYYY-MM&format=json|csv|text|html|pdf
                                      the SLA review of a month (any agent)
    GET /policies                     every pack: its versions (shipped and published)
    GET /policies/{policy_id}         one pack's versions
    PUT /policies/{policy_id}         publish the pack's next version (the pack as JSON)

A bad contract or pack is a 422 naming the field and the reason; nothing is stored.
"""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from supportflow.bootstrap import Container
from supportflow.contracts.contract import ContractError
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.review.report_pdf import render_pdf
from supportflow.domain.review.report_text import render_csv, render_html, render_text
from supportflow.entrypoints.api.callers import admin_calling, agent_calling, deps_of
from supportflow.entrypoints.api.responses import COMMON, answer, json_response, problems
from supportflow.services.admin.contracts import read_contract

router = Router()
CustomerId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
PolicyId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Period = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="the month, YYYY-MM")]


def _deps() -> Container:
    return deps_of(router)


def _admin() -> str:
    return admin_calling(router)


@router.get(
    "/contracts",
    summary="Every customer's contract: the version in force and the next (admins)",
    responses={200: answer("the contracts"), **problems(401, 403, *COMMON)},
)
def list_contracts() -> dict[str, Any]:
    _admin()
    return {"contracts": _deps().manage_contracts().list()}


@router.get(
    "/contracts/<customer_id>",
    summary="Every version of one customer's contract (admins)",
    responses={200: answer("the versions"), **problems(401, 403, 422, *COMMON)},
)
def show_contract(customer_id: CustomerId) -> dict[str, Any]:
    _admin()
    return _deps().manage_contracts().show(customer_id)


@router.put(
    "/contracts/<customer_id>",
    summary="Record a new version of a customer's contract (admins)",
    responses={
        201: answer("the version recorded"),
        200: answer("the same contract again: the version that holds it"),
        **problems(401, 403, 409, 422, *COMMON),
    },
)
def put_contract(
    customer_id: CustomerId,
    contract: Annotated[dict[str, Any], Body(description="the contract, with effective_from")],
) -> Response[dict[str, Any]]:
    admin = _admin()
    _deps().policies.ids()  # the published packs too: a contract may name one
    given = dict(contract)
    named = given.setdefault("customer_id", customer_id)
    if named != customer_id:
        raise ContractError(f"customer_id: {named!r} is not the customer in the path")
    manage = _deps().manage_contracts()
    before = len(manage.book.directory().versions(customer_id))
    version = manage.put(read_contract(given), admin)
    created = version.version > before
    return json_response(201 if created else 200, {**version.as_dict(), "created": created})


@router.get(
    "/customers/<customer_id>/statement",
    summary="A customer's monthly statement: every charge and standby fee (agents)",
    responses={200: answer("the statement"), **problems(401, 422, *COMMON)},
)
def get_statement(
    customer_id: CustomerId,
    period: Period,
    format: Annotated[Literal["json", "csv", "text"], Query()] = "json",
) -> Response[Any]:
    agent_calling(router)
    statement = _deps().statements()(customer_id, period)
    if format == "csv":
        return Response(200, "text/csv; charset=utf-8", statement.as_csv())
    if format == "text":
        return Response(200, "text/plain; charset=utf-8", statement.as_text())
    return json_response(200, statement.as_dict())


@router.get(
    "/customers/<customer_id>/report",
    summary="A customer's SLA review of a month: compliance per priority and metric, breaches, "
    "exclusions, warnings, availability, volume (agents)",
    description="`format=pdf` is an A4 PDF of the report for the meeting (its bytes are ASCII).",
    responses={200: answer("the report"), **problems(401, 422, *COMMON)},
)
def get_report(
    customer_id: CustomerId,
    period: Period,
    format: Annotated[Literal["json", "csv", "text", "html", "pdf"], Query()] = "json",
) -> Response[Any]:
    agent_calling(router)
    report = _deps().compliance_review()(customer_id, period)
    if format == "csv":
        return Response(200, "text/csv; charset=utf-8", render_csv(report))
    if format == "text":
        return Response(200, "text/plain; charset=utf-8", render_text(report))
    if format == "html":
        return Response(200, "text/html; charset=utf-8", render_html(report))
    if format == "pdf":  # ASCII only: a text body, as API Gateway passes it unchanged
        return Response(200, "application/pdf", render_pdf(report).decode("ascii"))
    return json_response(200, report)


@router.get(
    "/policies",
    summary="Every policy pack and its versions, shipped and published (admins)",
    responses={200: answer("the packs"), **problems(401, 403, *COMMON)},
)
def list_policies() -> dict[str, Any]:
    _admin()
    return {"policies": _deps().publish_policies().list()}


@router.get(
    "/policies/<policy_id>",
    summary="One policy pack's versions (admins)",
    responses={200: answer("the versions"), **problems(401, 403, 422, *COMMON)},
)
def show_policy(policy_id: PolicyId) -> dict[str, Any]:
    _admin()
    return _deps().publish_policies().show(policy_id)


@router.put(
    "/policies/<policy_id>",
    summary="Publish a policy pack's next version (admins)",
    description="The pack as JSON (a YAML pack converted), with `version` the next number and "
    "`effective_from` today or later: tickets opened from then on are judged by it, earlier "
    "ones keep theirs.",
    responses={
        201: answer("the version published"),
        200: answer("the same pack again: the version that holds it"),
        **problems(401, 403, 409, 422, *COMMON),
    },
)
def publish_policy(
    policy_id: PolicyId,
    pack: Annotated[dict[str, Any], Body(description="the pack (id, version, effective_from...)")],
) -> Response[dict[str, Any]]:
    admin = _admin()
    publish = _deps().publish_policies()
    policy, text = publish.read(pack, f"policy {policy_id}")
    if policy.id != policy_id:
        raise PolicyError(f"policy {policy_id}", "id", f"{policy.id!r} is not the pack in the path")
    published, created = publish.publish(policy, text, admin)
    body = {
        "id": policy.id,
        "version": policy.version,
        "effective_from": policy.effective_from.isoformat(),
        "recorded_at": published.recorded_at.isoformat(),
        "recorded_by": published.recorded_by,
        "created": created,
    }
    return json_response(201 if created else 200, body)
