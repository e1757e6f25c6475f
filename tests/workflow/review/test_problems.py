"""Problem management (R004-8) through the API under moto: a top incident gets a problem record
and an RCA task from the table's stream; a second production incident within 30 days suggests
a problem record linking both; an agent registers it; a customer's request for an RCA report is
refused before a breach and, after one, opens an RCA task due one calendar month later, with
its escalation timers; its report goes onto the problem record. The desk's clock starts on
Monday 2025-03-31 09:00 in Amsterdam (integration-9x5)."""

from __future__ import annotations

import json
from typing import Any

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.review.problems import linked_incidents, rca_reports
from tests.workflow.conftest import Desk
from tests.workflow.review.test_review import AGENT, API, _act, _at, _body, _keep

CUSTOMER = "integratie-noord"


def _file(desk: Desk, urgency: str, key: str, impact: str = "several_users") -> tuple[str, str]:
    answer = desk.request(
        "IntakeFunction", "POST", "/tickets", "/tickets",
        {"customer": CUSTOMER, "contact_email": "servicedesk@noord.example",
         "subject": f"Storing {key}", "description": "Geen zaken meer.",
         "urgency": urgency, "impact": impact, "channel": "portal"},
        **{"Idempotency-Key": key},
    )  # fmt: skip
    assert answer["statusCode"] == 201, answer
    body = _body(answer)
    desk.parked_at(body["ticket_id"], "first_line")
    return str(body["ticket_id"]), str(body["customer_token"])


def _review(desk: Desk) -> None:
    """The stream to the review function and the outbox delivered, until both are quiet."""
    while _keep(desk):
        desk.settle()
    desk.settle()


def _events(desk: Desk, ticket_id: str, kind: str) -> list[dict[str, Any]]:
    return [dict(e.data) for e in desk.tickets.get(ticket_id).events if e.type == kind]


def _rca_request(desk: Desk, ticket_id: str, token: str | None) -> dict[str, Any]:
    if token is None:
        path = f"/tickets/{ticket_id}/rca_request"
        return desk.request(API, "POST", path, "/tickets/{ticket_id}/rca_request", {}, **AGENT)
    return desk.customer(ticket_id, "request_rca", token)


def test_problem_records_and_rca_tasks(desk: Desk) -> None:
    # A top incident: the stream opens a problem record and a proactive RCA task for it.
    top, _ = _file(desk, "down", "p-top")
    _review(desk)
    (task,) = _events(desk, top, "rca_task_opened")
    (linked,) = _events(desk, top, "linked_to_problem")
    first_problem = linked["problem"]
    proactive = desk.tickets.get(task["ticket"])
    assert proactive.attributes["type"] == "rca" and proactive.attributes["category"] == "proactive"
    assert proactive.events[0].data["about"] == top
    assert proactive.sla.get("priority") is None  # no deadline in the contract for these
    assert linked_incidents(desk.tickets.get(first_problem).events) == [top]
    assert _events(desk, top, "problem_suggested") == []  # one incident does not recur

    # Again from the stream: nothing new (the watch is safe to repeat).
    customer_tickets = {t.ticket_id for t in desk.tickets.by_customer(CUSTOMER)}
    _review(desk)
    assert {t.ticket_id for t in desk.tickets.by_customer(CUSTOMER)} == customer_tickets

    # A high incident two days later: two production incidents within 30 days.
    _at(desk, "2025-04-02T10:00:00+02:00")
    high, token = _file(desk, "degraded", "p-high")
    _review(desk)
    (suggested,) = _events(desk, high, "problem_suggested")
    assert suggested["incidents"] == [top, high] and suggested["rule"] == "R004-8"
    assert desk.view(high)["problems"]["suggested"]["incidents"] == [top, high]

    # The agent registers the problem record; the same incidents again give the same record.
    path, resource = f"/customers/{CUSTOMER}/problems", "/customers/{customer_id}/problems"
    body = {"incidents": [top, high], "subject": "Certificaten verlopen"}
    registered = desk.request(API, "POST", path, resource, body, **AGENT)
    assert registered["statusCode"] == 201, registered
    problem = _body(registered)["ticket_id"]
    again = desk.request(API, "POST", path, resource, body, **AGENT)
    assert again["statusCode"] == 200 and _body(again)["ticket_id"] == problem
    desk.settle()
    assert {e["problem"] for e in _events(desk, top, "linked_to_problem")} == {
        first_problem,
        problem,
    }
    assert [e["problem"] for e in _events(desk, high, "linked_to_problem")] == [problem]
    renamed = desk.request(API, "POST", path, resource, {**body, "subject": "Anders"}, **AGENT)
    assert renamed["statusCode"] == 200 and _body(renamed)["ticket_id"] == problem
    assert desk.view(problem)["problems"]["incidents"] == [top, high]

    # Bad registrations: another customer's ticket and a non-incident are 422, not linked.
    stranger = desk.request(API, "POST", "/customers/hosting-acme/problems", resource,
                            body, **AGENT)  # fmt: skip
    assert stranger["statusCode"] == 422 and top in stranger["body"]
    assert desk.request(API, "POST", path, resource, {"incidents": [problem], "subject": "x"},
                        **AGENT)["statusCode"] == 422  # fmt: skip
    assert desk.request(API, "POST", path, resource, {"subject": "x"}, **AGENT)["statusCode"] == 422
    assert desk.request(API, "POST", path, resource, body)["statusCode"] == 401

    # An RCA report on request: refused while the high incident has breached nothing.
    early = _rca_request(desk, high, token)
    assert early["statusCode"] == 422 and "breached" in early["body"]
    assert _rca_request(desk, high, "not-the-token")["statusCode"] == 401

    # Its 9 support hours of response run out on Thursday 3 April 10:00; at 11:00 the
    # customer asks in writing: the RCA task is due a calendar month later, 3 May 11:00.
    _at(desk, "2025-04-03T11:00:00+02:00")
    asked = _rca_request(desk, high, token)
    assert asked["statusCode"] == 201, asked
    rca = _body(asked)["ticket_id"]
    assert _body(asked)["details"]["rca"] == "requested"
    assert _rca_request(desk, high, None)["statusCode"] == 200  # the agent's copy: the same
    desk.parked_at(rca, "first_line")
    view = desk.view(rca)
    resolution = view["metrics"]["resolution"]
    assert view["priority"] == "rca"
    assert parse_instant(resolution["due"]) == parse_instant("2025-05-03T11:00:00+02:00")
    assert resolution["target_business_seconds"] == 30 * 24 * 3600  # April has 30 days
    assert view["metrics"]["response"]["target_business_seconds"] is None
    ladder = [(e["notify"], e["due"]) for e in resolution["escalations"]]
    assert ladder == [
        ("support_coordinator", "2025-04-25T23:00:00+02:00"),  # 75% of 30 days: 22.5 days
        ("service_support_manager", "2025-05-03T11:00:00+02:00"),
        ("cto", "2025-05-03T15:00:00+02:00"),  # 4 hours of the RCA's own calendar later
    ]
    timers = desk.tickets.get(rca).timers
    assert sorted(timers.values()) == [  # the ladder's timers, like any ticket's
        "2025-04-25T23:00:00+02:00",
        "2025-05-03T11:00:01+02:00",  # a breach fires the second after the deadline
        "2025-05-03T15:00:00+02:00",
    ]
    desk.settle()
    assert {e["ticket"] for e in _events(desk, high, "rca_task_opened")} == {rca}

    # The RCA task's report resolves it and goes onto the incident's problem record.
    _at(desk, "2025-04-20T10:00:00+02:00")
    _act(desk, rca, "resolve", message="Oorzaak: certificaatbeheer. Voortaan bewaakt.")
    desk.settle()
    (report,) = rca_reports(desk.tickets.get(problem).events)
    assert report["rca"] == rca and report["about"] == high and "certificaat" in report["report"]
    met = desk.view(rca)["metrics"]["resolution"]
    assert met["state"] == "met"

    # The month's review lists the problem records open in April, with incidents and reports.
    _review(desk)
    path = f"/customers/{CUSTOMER}/report"
    month = desk.request(API, "GET", path, "/customers/{customer_id}/report",
                         query={"period": "2025-04"}, **AGENT)  # fmt: skip
    listed = {p["id"]: p for p in _body(month)["problems"]}
    assert listed[problem]["incidents"] == [top, high]
    assert [r["rca"] for r in listed[problem]["reports"]] == [rca]
    assert first_problem in listed  # the top incident's own record, open since March
    html = desk.request(API, "GET", path, "/customers/{customer_id}/report",
                        query={"period": "2025-04", "format": "html"}, **AGENT)  # fmt: skip
    assert "Problem records, R004-8 (2)" in html["body"] and problem in html["body"]

    # Actions of a problem record are refused on other tickets, and checked on it.
    wrong = desk.agent(high, "link_incident", {"ticket": top}, **AGENT)
    assert wrong["statusCode"] == 422 and "not a problem record" in wrong["body"]
    twice = desk.agent(problem, "link_incident", {"ticket": top}, **AGENT)
    assert twice["statusCode"] == 422 and "already" in twice["body"]
    _act(desk, problem, "attach_rca_report", message="Gedeeld met de klant.")
    assert len(rca_reports(desk.tickets.get(problem).events)) == 2
    assert desk.agent(problem, "link_incident", {}, **AGENT)["statusCode"] == 409  # needs one

    # The problem record is the desk's own: resolving it mails the customer nothing, while the
    # requested RCA task confirmed the request and mailed its report.
    _act(desk, problem, "resolve", message="Oorzaak weggenomen.")
    desk.settle()
    to_customer = [
        str(m["Subject"]) for m in desk.sent_mail() if m["To"] == "servicedesk@noord.example"
    ]
    assert not [s for s in to_customer if problem in s]
    assert sum(rca in s for s in to_customer) == 2  # the confirmation and the report
    assert not [s for s in to_customer if proactive.ticket_id in s]


def test_an_rca_request_needs_a_breach_and_the_contract(desk: Desk) -> None:
    # hosting-standby offers no RCA on request; a breach there is still a 422, saying why.
    answer = desk.post_ticket(
        customer="hosting-acme", contact_email="ops@acme.example", urgency=None, impact=None
    )
    assert answer["statusCode"] == 201, answer
    body = json.loads(answer["body"])
    desk.parked_at(body["ticket_id"], "first_line")
    desk.clock.advance(days=30)
    refused = _rca_request(desk, body["ticket_id"], body["customer_token"])
    assert refused["statusCode"] == 422 and "no root-cause analysis" in refused["body"]
