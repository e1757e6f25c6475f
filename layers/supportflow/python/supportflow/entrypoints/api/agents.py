"""The desk's agents (issue 20): who is on the desk and in which roles (any agent); adding an
agent, changing roles, disabling and enabling an account (admins).

    GET  /agents                          every agent: e-mail, name, roles, enabled
    POST /agents                          add one: {"email", "name", "roles"} (Cognito mails
                                          the temporary password)
    PUT  /agents/{email}/roles            {"roles": [...]}
    POST /agents/{email}/{disable,enable}
    GET  /agents/{email}/actions          who did what: one agent's actions over a period (admins)
    GET  /agents/me/notices               the notices I get, each kind on or off
    PUT  /agents/me/notices               {"off": [kind, ...]}: the kinds I turn off
"""

from typing import Annotated, Any, Literal
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.timeutil import parse_instant
from supportflow.entrypoints.api.callers import admin_calling, agent_calling, deps_of
from supportflow.entrypoints.api.responses import COMMON, answer, json_response, problems
from supportflow.services.desk.audit import AuditError
from supportflow.services.desk.notices import NoticeError, Recipients

router = Router()
# The address as the path carries it (`@` may come as %40: read with `_email`).
AgentEmail = Annotated[str, Path(pattern=r"^[^\s/]{3,300}$")]


def _email(path_value: str) -> str:
    return unquote(path_value).strip().lower()


class NewAgent(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(max_length=254)
    name: str = Field(default="", max_length=100)
    roles: list[str] = Field(default_factory=list, max_length=5)


class NoticesOff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    off: list[str] = Field(max_length=10)


class Roles(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: list[str] = Field(max_length=5)


@router.get(
    "/agents",
    summary="Who is on the desk, and in which roles (agents)",
    responses={200: answer("the agents and the roles"), **problems(401, *COMMON)},
)
def list_agents() -> dict[str, Any]:
    agent_calling(router)
    return deps_of(router).manage_agents().every()


@router.post(
    "/agents",
    summary="Add an agent to the desk (admins)",
    responses={201: answer("the agent"), **problems(401, 403, 422, *COMMON)},
)
def add_agent(agent: Annotated[NewAgent, Body()]) -> Response[dict[str, Any]]:
    admin_calling(router)
    added = deps_of(router).manage_agents().add(agent.email, agent.name, agent.roles)
    return json_response(201, added.as_dict())


@router.get(
    "/agents/me/notices",
    summary="The notices I get by mail, each kind on or off (the signed-in agent)",
    responses={200: answer("my notice settings"), **problems(401, *COMMON)},
)
def my_notices() -> dict[str, Any]:
    me = agent_calling(router)
    return _recipients().settings(me)


@router.put(
    "/agents/me/notices",
    summary="Turn kinds of notices off (the rest on) for the signed-in agent",
    description="The on-call notices of an outage or a standby call go to the contract's "
    "on-call address: they are not an agent's to turn off.",
    responses={200: answer("my notice settings"), **problems(401, 422, *COMMON)},
)
def set_my_notices(notices: Annotated[NoticesOff, Body()]) -> dict[str, Any]:
    me = agent_calling(router)
    return _recipients().set_off(me, notices.off)


def _recipients() -> Recipients:
    recipients: Recipients | None = deps_of(router).notice_recipients
    if recipients is None:  # no user pool configured: nobody's notices are kept
        raise NoticeError("this desk has no agent accounts to keep notice settings for")
    return recipients


@router.put(
    "/agents/<email>/roles",
    summary="An agent's roles (admins)",
    responses={200: answer("the agent"), **problems(401, 403, 404, 422, *COMMON)},
)
def set_roles(email: AgentEmail, roles: Annotated[Roles, Body()]) -> dict[str, Any]:
    admin = admin_calling(router)
    manage = deps_of(router).manage_agents()
    return manage.set_roles(_email(email), roles.roles, admin).as_dict()


@router.post(
    "/agents/<email>/<change>",
    summary="Disable or enable an agent's account (admins)",
    responses={200: answer("the agent"), **problems(401, 403, 404, 422, *COMMON)},
)
def enable_agent(
    email: AgentEmail, change: Annotated[Literal["disable", "enable"], Path()]
) -> dict[str, Any]:
    admin = admin_calling(router)
    manage = deps_of(router).manage_agents()
    return manage.set_enabled(_email(email), change == "enable", admin).as_dict()


Instant = Annotated[str, Query(max_length=40, description="ISO 8601 with its offset")]
After = Annotated[str | None, Query(max_length=120, pattern=r"^[0-9T:.Z-]+#T-[0-9A-Z]{10}#\d{8}$")]


@router.get(
    "/agents/<email>/actions",
    summary="Who did what: one agent's actions over a period (admins)",
    description="Every event of a ticket's log the agent caused in [since, until), oldest first, "
    "a page at a time (`after`: the `next` of the page before); at most 366 days at a time. Read "
    "from an index the table's stream keeps, never the whole table.",
    responses={200: answer("the agent's actions"), **problems(401, 403, 422, *COMMON)},
)
def agent_actions(
    email: AgentEmail,
    since: Instant,
    until: Instant,
    after: After = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    admin_calling(router)
    try:
        start, end = parse_instant(since), parse_instant(until)
    except ValueError as exc:
        raise AuditError(
            f"since and until must be ISO 8601 instants with an offset: {exc}"
        ) from None
    return deps_of(router).agent_actions().list(_email(email), start, end, after, limit)
