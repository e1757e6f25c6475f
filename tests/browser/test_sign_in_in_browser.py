"""Agents sign in as on the deployed desk (issue 19): the agent page sends them to the sign-in
pages (the local stand-in for Cognito's managed login, OAuth 2.0 code flow with PKCE), the API
checks their ID token the way API Gateway's Cognito authorizer does, admins are a Cognito group,
tokens are refreshed, and signing out leaves nothing behind."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from typing import Any
from urllib.error import HTTPError

from local.sign_in import DEMO_AGENTS

from tests.local.test_sign_in import mint

from .conftest import ROOT, Server, sign_in

ADMIN = next(a for a in DEMO_AGENTS if a.admin)
ARTIFACTS = ROOT / "test-artifacts"


def _status(server: Server, path: str, token: str | None, method: str = "GET") -> int:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    request = urllib.request.Request(server.base + path, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except HTTPError as exc:
        return exc.code


def _file_ticket(server: Server) -> str:
    body = {
        "contact_email": "info@bakker.example",
        "subject": "Betalen lukt niet",
        "description": "iDEAL geeft een foutmelding.",
    }
    request = urllib.request.Request(
        server.base + "/api/tickets",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": "sign-in-1"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["ticket_id"])


def _id_token(page: Any) -> str:
    return str(page.evaluate("JSON.parse(sessionStorage.getItem('supportflow.session')).id_token"))


def test_an_agent_signs_in_works_a_ticket_and_signs_out(server: Server, page: Any) -> None:
    ticket_id = _file_ticket(server)
    page.goto(server.base + "/agent")
    # Nothing of the desk without a session: the sign-in panel, no queue, no token in the page.
    page.wait_for_selector("#sign-in-button")
    assert page.locator("main").first.is_hidden()
    assert "local-agent-token" not in page.content()
    # The escalation mail's link: after signing in, the agent is at that ticket.
    sign_in(page, server.base, path=f"/agent#/tickets/{ticket_id}")
    assert page.inner_text("#who-am-i .name") == DEMO_AGENTS[0].email
    # the code and state are gone from the address; the ticket's place is kept
    assert page.url == f"{server.base}/agent#/tickets/{ticket_id}"
    page.wait_for_function(f"document.querySelector('#d-id')?.textContent === '{ticket_id}'")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signed-in-agent.png"), full_page=True)

    # Work a ticket: take it; the log names the signed-in agent (the token's email claim).
    page.click("#actions button[data-action='take'], #talk button[data-action='take']")
    page.wait_for_function(
        "document.querySelector('#detail').textContent.includes('anna@desk.example')"
    )
    token = _id_token(page)
    assert _status(server, f"/api/tickets/{ticket_id}", token) == 200

    # A token that ran out is refreshed (the refresh token), and the page goes on.
    expired = mint({"iss": "x", "aud": "y", "token_use": "id", "exp": int(time.time()) - 5})
    page.evaluate(
        "(t) => { const s = JSON.parse(sessionStorage.getItem('supportflow.session'));"
        " s.id_token = t; sessionStorage.setItem('supportflow.session', JSON.stringify(s)); }",
        expired,
    )
    page.reload()
    page.wait_for_selector("#who-am-i:not([hidden])")
    assert _id_token(page) not in (expired, "")

    # Signing out: back to the sign-in panel, the tab keeps no token.
    page.click("#who-am-i button")
    page.wait_for_selector("#sign-in-button")
    assert page.evaluate("sessionStorage.getItem('supportflow.session')") is None
    assert page.locator("#queue").is_hidden()


def test_the_api_refuses_requests_without_a_valid_id_token(server: Server, page: Any) -> None:
    sign_in(page, server.base)
    token = _id_token(page)
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==").decode())
    assert _status(server, "/api/queue", token) == 200
    refused = {
        "none": None,
        "not a token": "nonsense",
        "expired": mint({**claims, "exp": int(time.time()) - 1}),
        "another pool": mint({**claims, "iss": claims["iss"].rsplit("/", 1)[0] + "/other"}),
        "another client": mint({**claims, "aud": "another-app"}),
        "changed": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
    }
    for why, bad in refused.items():
        assert _status(server, "/api/queue", bad) == 401, why
        assert _status(server, "/api/forms", bad) == 401, why
    # Public routes need no token: the customer's form and the status page (its own link).
    assert _status(server, "/api/forms/webshop-bakker", None) == 200

    # An agent who is not an admin: 403 on the admin routes; an admin: 200.
    assert _status(server, "/api/contracts", token) == 403
    page.click("#who-am-i button")
    page.wait_for_selector("#sign-in-button")
    sign_in(page, server.base, ADMIN.email)
    assert page.inner_text("#who-am-i .name") == f"{ADMIN.email} (admin)"
    assert _status(server, "/api/contracts", _id_token(page)) == 200
