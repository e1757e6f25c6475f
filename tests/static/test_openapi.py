"""The checked-in OpenAPI document is what the code generates (`make openapi` refreshes it)."""

from __future__ import annotations

import json

from local.openapi import TARGET, generate


def test_openapi_json_is_up_to_date() -> None:
    assert json.loads(TARGET.read_text()) == generate(), "run `make openapi`"


def test_every_route_is_documented() -> None:
    paths = generate()["paths"]
    assert set(paths) == {
        "/tickets",
        "/alerts",
        "/uploads",
        "/tickets/phone",
        "/tickets/{ticket_id}/attachments/{number}",
        "/tickets/{ticket_id}",
        "/tickets/{ticket_id}/status",
        "/tickets/{ticket_id}/actions/{action}",
        "/tickets/{ticket_id}/customer/{action}",
        "/queue",
        "/search",
        "/customers/{customer_id}/tickets",
        "/agents",
        "/agents/{email}/roles",
        "/agents/{email}/actions",
        "/agents/me/notices",
        "/agents/{email}/{change}",
        "/forms",
        "/forms/{customer_id}",
        "/filings",
        "/filings/{filing_id}/{decision}",
        "/contracts",
        "/contracts/{customer_id}",
        "/customers/{customer_id}/statement",
        "/customers/{customer_id}/report",
        "/privacy/exports",
        "/privacy/erasures",
        "/privacy/retention",
        "/tickets/{ticket_id}/legal-hold",
        "/customers/{customer_id}/problems",
        "/tickets/{ticket_id}/rca_request",
        "/customers/{customer_id}/bookings",
        "/policies",
        "/policies/{policy_id}",
        "/customers/{customer_id}/bookings/{booking_id}/cancel",
        "/customers/{customer_id}/bookings/{booking_id}/no_show",
        "/tickets/{ticket_id}/links/revoke",
        "/portal/sign-in",
        "/portal/session",
        "/portal/tickets",
        "/portal/fresh-link",
    }
    body = paths["/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/NewTicket")


def test_a_held_filing_is_documented() -> None:
    responses = generate()["paths"]["/tickets"]["post"]["responses"]
    assert {"200", "201", "202"} <= set(responses)
    assert "held for an agent" in responses["202"]["description"]


def test_the_ticket_api_serves_the_same_document() -> None:
    from supportflow.entrypoints.api.ticket_api import openapi

    assert openapi() == generate()
