"""Monitoring alerts through the API (R003-1): a customer's own key, the generic shape and
Alertmanager's webhook; a firing alert opens one outage ticket, repeats are logged on it while it
is open, a resolved alert records the recovery, and nobody without a key gets in."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk

KEY = "local-alert-key-acme"  # the demo contract's key (its SHA-256 is in demo.yaml)


def _post(desk: Desk, body: Any, key: str | None = KEY) -> dict[str, Any]:
    auth = {} if key is None else {"Authorization": f"Bearer {key}"}
    return desk.request("IntakeFunction", "POST", "/alerts", "/alerts", body, **auth)


def _alertmanager(status: str, starts: str = "2025-03-31T07:00:00Z") -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="PortalDown"}',
        "status": status,
        "receiver": "supportflow",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "PortalDown", "instance": "portal-1", "severity": "page"},
                "annotations": {"summary": "Tracking portal is down", "description": "HTTP 502"},
                "startsAt": starts,
                "endsAt": "2025-03-31T07:20:00Z"
                if status == "resolved"
                else "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example/graph",
                "fingerprint": "c0ffee1234",
            }
        ],
    }


def test_an_outage_opens_one_ticket_repeats_are_logged_and_recovery_recorded(desk: Desk) -> None:
    first = _post(desk, _alertmanager("firing"))
    assert first["statusCode"] == 200, first
    (opened,) = json.loads(first["body"])["alerts"]
    assert opened["outcome"] == "opened"
    ticket_id = opened["ticket_id"]
    again = json.loads(_post(desk, _alertmanager("firing", "2025-03-31T07:05:00Z"))["body"])
    assert again["alerts"][0] == {
        "fingerprint": "c0ffee1234",
        "outcome": "repeated",
        "ticket_id": ticket_id,
    }
    duplicate = json.loads(_post(desk, _alertmanager("firing", "2025-03-31T07:05:00Z"))["body"])
    assert duplicate["alerts"][0]["outcome"] == "duplicate"
    recovered = json.loads(_post(desk, _alertmanager("resolved"))["body"])
    assert recovered["alerts"][0]["outcome"] == "recovered"
    ticket = desk.tickets.get(ticket_id)
    assert ticket.events[0].data["channel"] == "monitoring"
    assert ticket.subject == "Tracking portal is down"
    assert [e.type for e in ticket.events if e.type.startswith("alert_")] == [
        "alert_repeated",
        "alert_recovered",
    ]
    assert ticket.contact_email == "ops@acme.example"
    # Closed, the same alert firing again is a new outage.
    desk.parked_at(ticket_id, "first_line")
    desk.agent(ticket_id, "close", {"reason": "recovered"})
    later = json.loads(_post(desk, _alertmanager("firing", "2025-04-01T07:00:00Z"))["body"])
    assert later["alerts"][0]["outcome"] == "opened"
    assert later["alerts"][0]["ticket_id"] != ticket_id


def test_the_generic_shape(desk: Desk) -> None:
    body = {"alerts": [{"status": "firing", "fingerprint": "disk-full-db1",
                        "title": "Disk full on db1", "description": "98% used"}]}  # fmt: skip
    (result,) = json.loads(_post(desk, body)["body"])["alerts"]
    assert result["outcome"] == "opened"
    assert desk.tickets.get(result["ticket_id"]).customer_id == "hosting-acme"


def test_no_key_a_wrong_key_or_a_bad_body_gets_nowhere(desk: Desk) -> None:
    for key in (None, "guess", "", "local-alert-key-acme2", "é"):
        response = _post(desk, _alertmanager("firing"), key)
        assert response["statusCode"] == 401, response
        assert json.loads(response["body"])["message"]
    bad = _post(desk, {"alerts": [{"status": "firing"}]})
    assert bad["statusCode"] == 422 and "fingerprint" in json.loads(bad["body"])["message"]
    assert desk.tickets.by_customer("hosting-acme") == []
