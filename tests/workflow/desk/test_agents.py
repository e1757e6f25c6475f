"""The desk's agents through the ticket API and the user pool (moto's Cognito), as on AWS: who is
on the desk and in which roles; admins add agents, change roles, disable accounts; the calls are
checked against the function's role in template.yaml."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, signed_in

API = "TicketApiFunction"
ADMIN = signed_in("admin@desk.example", "admins", "service_manager")
ANNA = signed_in("anna@desk.example", "first_line")


def _call(desk: Desk, method: str, path: str, resource: str, body: Any = None, **h: str) -> Any:
    answer = desk.request(API, method, path, resource, body, **h)
    return answer["statusCode"], json.loads(answer["body"] or "null")


def test_the_desk_lists_its_agents_and_admins_manage_them(desk: Desk) -> None:
    status, listed = _call(desk, "GET", "/agents", "/agents", **ANNA)
    assert status == 200
    roles = {a["email"]: a["roles"] for a in listed["agents"]}
    assert roles["anna@desk.example"] == ["first_line"]
    assert roles["ben@desk.example"] == ["second_line"]
    assert roles["admin@desk.example"] == ["service_manager", "admins"]
    assert listed["roles"] == [
        "first_line",
        "second_line",
        "coordinator",
        "service_manager",
        "admins",
    ]

    new = {"email": "Sam@Desk.example", "name": "Sam Specialist", "roles": ["second_line"]}
    assert _call(desk, "POST", "/agents", "/agents", new, **ANNA)[0] == 403  # not an admin
    status, added = _call(desk, "POST", "/agents", "/agents", new, **ADMIN)
    assert status == 201, added
    assert added["email"] == "sam@desk.example" and added["roles"] == ["second_line"]
    assert added["status"] == "FORCE_CHANGE_PASSWORD"  # Cognito mailed a temporary password
    again = _call(desk, "POST", "/agents", "/agents", new, **ADMIN)
    assert again[0] == 422 and "already" in again[1]["message"]
    bad = _call(
        desk,
        "POST",
        "/agents",
        "/agents",
        {**new, "email": "x@y.example", "roles": ["boss"]},
        **ADMIN,
    )
    assert bad[0] == 422 and "boss" in bad[1]["message"]

    path = "/agents/sam@desk.example/roles"
    status, changed = _call(
        desk,
        "PUT",
        path,
        "/agents/{email}/roles",
        {"roles": ["second_line", "coordinator"]},
        **ADMIN,
    )
    assert status == 200 and changed["roles"] == ["second_line", "coordinator"]
    status, changed = _call(
        desk, "PUT", path, "/agents/{email}/roles", {"roles": ["coordinator"]}, **ADMIN
    )
    assert changed["roles"] == ["coordinator"]

    resource = "/agents/{email}/{change}"
    status, disabled = _call(
        desk, "POST", "/agents/sam@desk.example/disable", resource, {}, **ADMIN
    )
    assert status == 200 and disabled["enabled"] is False
    status, enabled = _call(desk, "POST", "/agents/sam@desk.example/enable", resource, {}, **ADMIN)
    assert enabled["enabled"] is True
    own = _call(desk, "POST", "/agents/admin@desk.example/disable", resource, {}, **ADMIN)
    assert own[0] == 422  # an admin cannot lock themselves out
    unknown = _call(desk, "POST", "/agents/nobody@desk.example/disable", resource, {}, **ADMIN)
    assert unknown[0] == 404
