"""The admin API (agents with the admin role): contracts as versioned data; and a customer's
monthly statement (any agent).

    GET /contracts                    every customer: name, pack, the version in force, the next
    GET /contracts/{customer_id}      every version of one customer's contract
    PUT /contracts/{customer_id}      record a new version (with `effective_from`, default today)
    GET /customers/{customer_id}/statement?period=YYYY-MM&format=json|csv|text

A bad contract is a 422 naming the field and the reason; nothing is stored.
"""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from supportflow.api import admin_of, agent_or_admin
from supportflow.api.responses import COMMON, answer, json_response, problems
from supportflow.bootstrap import Container
from supportflow.contracts import ContractError
from supportflow.services.contracts import read_contract

router = Router()
CustomerId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]


def _deps() -> Container:
    return router.context["deps"]  # type: ignore[no-any-return]


def _admin() -> str:
    settings = _deps().settings
    return admin_of(
        router.current_event.raw_event,
        settings.agent_token,
        settings.admin_token,
        settings.admin_group,
    )


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
    period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="the month, YYYY-MM")],
    format: Annotated[Literal["json", "csv", "text"], Query()] = "json",
) -> Response[Any]:
    settings = _deps().settings
    agent_or_admin(router.current_event.raw_event, settings.agent_token, settings.admin_token)
    statement = _deps().statements()(customer_id, period)
    if format == "csv":
        return Response(200, "text/csv; charset=utf-8", statement.as_csv())
    if format == "text":
        return Response(200, "text/plain; charset=utf-8", statement.as_text())
    return json_response(200, statement.as_dict())
