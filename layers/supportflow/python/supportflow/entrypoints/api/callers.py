"""Who is asking: an agent or an admin, and the function's dependencies in a router's context.

The agent is who the ID token says (the Cognito claims API Gateway's authorizer hands on): never
a name the caller chooses. The local stack's script tokens (`local-agent-token`,
`local-admin-token`; no such setting exists on AWS) stand for one fixed identity each."""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

from supportflow.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from supportflow.bootstrap import Container

LOCAL_AGENT = "local-agent"  # who the local stack's script token stands for
LOCAL_ADMIN = "local-admin"


def agent_of(event: dict[str, Any], agent_token: str) -> str:
    """The agent behind a request: the Cognito claims on AWS, a bearer token locally."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims:
        return str(claims.get("email") or claims.get("cognito:username") or claims.get("sub"))
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if agent_token and hmac.compare_digest(given, f"Bearer {agent_token}".encode()):
        return LOCAL_AGENT
    raise Unauthorized("an agent login is needed")


def agent_or_admin(event: dict[str, Any], agent_token: str, admin_token: str) -> str:
    """An agent, or an admin (who is an agent too)."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if admin_token and hmac.compare_digest(given, f"Bearer {admin_token}".encode()):
        return LOCAL_ADMIN
    return agent_of(event, agent_token)


def admin_of(event: dict[str, Any], agent_token: str, admin_token: str, group: str) -> str:
    """The agent behind a request if they hold the admin role: the Cognito group on AWS, the
    admin bearer token locally. An agent without the role is Forbidden, no login Unauthorized."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims:
        groups = re.split(r"[\s,\[\]]+", str(claims.get("cognito:groups") or ""))
        if group in groups:
            return str(claims.get("email") or claims.get("cognito:username") or claims.get("sub"))
        raise Forbidden("this needs the admin role")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if admin_token and hmac.compare_digest(given, f"Bearer {admin_token}".encode()):
        return LOCAL_ADMIN
    agent_of(event, agent_token)  # an agent without the role, or no login at all
    raise Forbidden("this needs the admin role")


def deps_of(app: APIGatewayRestResolver | Router) -> Container:
    return app.context["deps"]  # type: ignore[no-any-return]


def agent_calling(router: Router) -> str:
    """The agent or admin behind the router's current request (401 without a login)."""
    settings = deps_of(router).settings
    return agent_or_admin(
        router.current_event.raw_event, settings.agent_token, settings.admin_token
    )


def admin_calling(router: Router | APIGatewayRestResolver) -> str:
    """The admin behind the router's current request (403 for an agent without the role)."""
    settings = deps_of(router).settings
    return admin_of(
        router.current_event.raw_event,
        settings.agent_token,
        settings.admin_token,
        settings.admin_group,
    )
