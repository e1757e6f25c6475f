"""The SLA review through the API under moto (R004-5, R004-10, R004-12): tickets worked through
the desk, their verdicts kept from the table's stream, a customer's month read with one query,
an agent's exclusion with its reason and who decided, and the same numbers rebuilt from the
event log. The desk's clock starts on Monday 2025-03-31 09:00 in Amsterdam (integration-9x5:
Mon-Fri 08:30-17:30)."""

from __future__ import annotations

import json
from typing import Any

import boto3
from local.stack import REGION

from supportflow.domain.common.periods import Month
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.common.vocabulary import METRICS
from supportflow.domain.review.compliance import build_report
from supportflow.policies.registry import shipped
from supportflow.services.review.keep_verdicts import ticket_verdicts
from tests.workflow.billing.test_contracts_and_charges import ACME as CHARGED_ACME
from tests.workflow.conftest import Desk, signed_in

AGENT = signed_in("anna")
API = "TicketApiFunction"
REPORT = "/customers/{customer_id}/report"


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def _at(desk: Desk, when: str) -> None:
    desk.clock.now = parse_instant(when)


def _report(desk: Desk, period: str, customer: str = "integratie-noord", **query: str) -> Any:
    path = f"/customers/{customer}/report"
    return desk.request(API, "GET", path, REPORT, query={"period": period, **query}, **AGENT)


def _act(desk: Desk, ticket_id: str, action: str, **body: Any) -> None:
    answer = desk.agent(ticket_id, action, body, **AGENT)
    assert answer["statusCode"] == 200, answer


def _keep(desk: Desk) -> int:
    """Deliver the stream's new ticket events to the review-tickets function until none is left."""
    pump = getattr(desk, "_verdict_pump", None) or desk.stack.verdict_pump()
    desk._verdict_pump = pump  # type: ignore[attr-defined]
    delivered = 0
    while True:
        n = pump.pump()
        if not n:
            return delivered
        delivered += n


def _file(desk: Desk, urgency: str, key: str) -> str:
    answer = desk.request(
        "IntakeFunction", "POST", "/tickets", "/tickets",
        {"customer": "integratie-noord", "contact_email": "servicedesk@noord.example",
         "subject": f"Storing {key}", "description": "Geen zaken meer.",
         "urgency": urgency, "impact": "several_users", "channel": "portal"},
        **{"Idempotency-Key": key},
    )  # fmt: skip
    assert answer["statusCode"] in (200, 201, 202), answer
    ticket_id = str(_body(answer)["ticket_id"])
    desk.parked_at(ticket_id, "first_line")
    return ticket_id


def test_a_month_reviewed_from_the_stream_and_rebuilt_from_the_log(desk: Desk) -> None:
    # A top incident: answered in 30 minutes (met); the root cause at 10:00 starts the 4h
    # resolution clock (R004-4): due 14:00, resolved 15:00, 1h late.
    top = _file(desk, "down", "r-top")
    _at(desk, "2025-03-31T09:30:00+02:00")
    _act(desk, top, "respond", message="We kijken ernaar.")
    _at(desk, "2025-03-31T10:00:00+02:00")
    _act(desk, top, "record_root_cause", message="Certificaat verlopen.")
    _at(desk, "2025-03-31T15:00:00+02:00")
    _act(desk, top, "resolve", message="Certificaat vernieuwd.")

    # A high incident on Tuesday 1 April: 9h to respond, due Wed 09:00, answered 10:00. The
    # customer gave no access until then: the coordinator excludes the breach (R004-10).
    _at(desk, "2025-04-01T09:00:00+02:00")
    high = _file(desk, "degraded", "r-high")
    _at(desk, "2025-04-02T10:00:00+02:00")
    _act(desk, high, "respond", message="Nu hebben we toegang.")
    refused = desk.agent(high, "exclude_from_compliance", {"metric": "response"}, **AGENT)
    assert refused["statusCode"] in (409, 422) and "reason" in _body(refused)["message"]
    _act(desk, high, "exclude_from_compliance", metric="response",
         reason="geen toegang tot de omgeving van de klant")  # fmt: skip
    assert _keep(desk) > 0

    march = _report(desk, "2025-03")
    assert march["statusCode"] == 200, march
    report = _body(march)
    assert report["customer_id"] == "integratie-noord" and report["policy"] == "integration-9x5"
    top_tier = report["tiers"]["top"]
    assert (top_tier["response"]["met"], top_tier["response"]["breached"]) == (1, 0)
    assert top_tier["response"]["median_business_seconds"] == 30 * 60
    assert (top_tier["resolution"]["met"], top_tier["resolution"]["breached"]) == (0, 1)
    assert top_tier["resolution"]["threshold_met"] is False
    (breach,) = report["breaches"]
    assert breach["id"] == top and breach["metric"] == "resolution"
    assert breach["due"] == "2025-03-31T14:00:00+02:00"
    assert breach["late_business_seconds"] == 3600
    assert any("100% target was missed for March 2025" in w for w in report["warnings"])

    april = _body(_report(desk, "2025-04"))
    response = april["tiers"]["high"]["response"]
    assert (response["tickets"], response["excluded"], response["compliance_percent"]) == (
        1,
        1,
        None,
    )
    (excluded,) = april["excluded"]
    assert excluded["id"] == high and excluded["by"] == "anna"
    assert excluded["reason"] == "geen toegang tot de omgeving van de klant"

    # The same numbers from the event log itself, with no stored verdicts.
    policy = shipped().get("integration-9x5", None)
    now = desk.clock()
    rows = [
        row
        for ticket_id in (top, high)
        for row in ticket_verdicts(desk.tickets.get(ticket_id), policy, now)
    ]
    for period, answered in (("2025-03", report), ("2025-04", april)):
        rebuilt = build_report(
            policy_id=policy.id, period=Month.parse(period), zone=policy.calendar().zone,
            now=now, verdicts=[r.verdict for r in rows if r.verdict],
            priorities=policy.priorities.reviewed,
            metrics=METRICS, threshold=policy.compliance_target,
        ).as_dict()  # fmt: skip
        assert rebuilt["tiers"] == answered["tiers"]
        assert rebuilt["breaches"] == answered["breaches"]

    # The stream delivered again from its start (a redelivery): the same report.
    again = desk.stack.verdict_pump()
    while again.pump():
        pass
    assert _body(_report(desk, "2025-03"))["tiers"] == report["tiers"]

    # Withdrawn, the breach counts again.
    _act(desk, high, "withdraw_exclusion", metric="response", reason="toch onze fout")
    _keep(desk)
    response = _body(_report(desk, "2025-04"))["tiers"]["high"]["response"]
    assert (response["breached"], response["excluded"]) == (1, 0)

    # For people: text, CSV and a printable page carry the same numbers.
    page = _report(desk, "2025-03", format="html")
    assert page["statusCode"] == 200 and "text/html" in str(
        page.get("multiValueHeaders") or page.get("headers")
    )
    assert top in page["body"] and "@media print" in page["body"]
    assert "top,resolution,1,0,1,0" in _report(desk, "2025-03", format="csv")["body"]


def test_a_running_metric_counts_once_breached(desk: Desk) -> None:
    """No event after the deadline: the stored verdict is aged when the month is read."""
    ticket = _file(desk, "down", "r-silent")
    _keep(desk)
    assert _body(_report(desk, "2025-03"))["tiers"]["top"]["response"]["tickets"] == 0
    _at(desk, "2025-03-31T11:30:00+02:00")  # due 10:00: 1h30m late, no event since
    report = _body(_report(desk, "2025-03"))
    assert report["tiers"]["top"]["response"]["breached"] == 1
    (breach,) = report["breaches"]
    assert breach["id"] == ticket and breach["late_business_seconds"] == 5400
    assert "the 100% target is lost for March 2025" in " ".join(report["warnings"])


def test_the_review_is_for_agents_and_checks_its_input(desk: Desk) -> None:
    path = "/customers/integratie-noord/report"
    anonymous = desk.request(API, "GET", path, REPORT, query={"period": "2025-03"})
    assert anonymous["statusCode"] == 401
    assert _report(desk, "2025-13")["statusCode"] == 422
    assert _report(desk, "March")["statusCode"] == 422
    unknown = _report(desk, "2025-03", customer="nobody-here")
    assert unknown["statusCode"] == 422 and "nobody-here" in _body(unknown)["message"]


def test_a_customer_month_is_one_query(desk: Desk) -> None:
    """The report reads one partition (Query), never the table (Scan)."""
    _file(desk, "down", "r-query")
    _keep(desk)
    calls: list[str] = []
    client = boto3.client("dynamodb", region_name=REGION)
    assert client  # the table exists

    from pynamodb.connection.base import Connection

    original = Connection.dispatch

    def spy(self: Any, operation_name: str, operation_kwargs: Any, *a: Any, **k: Any) -> Any:
        calls.append(operation_name)
        return original(self, operation_name, operation_kwargs, *a, **k)

    Connection.dispatch = spy  # type: ignore[method-assign]
    try:
        assert _report(desk, "2025-03")["statusCode"] == 200
    finally:
        Connection.dispatch = original  # type: ignore[method-assign]
    assert "Scan" not in calls and calls.count("Query") >= 1


def test_early_warnings_reach_the_service_manager_once(desk: Desk) -> None:
    """R004-12 with R004-6: while the month runs, the service support manager gets one mail per
    tier whose threshold is lost or at risk; a second breach in that tier, a redelivered stream
    and a retried delivery send nothing more."""

    def warnings() -> list[Any]:
        return [m for m in desk.sent_mail() if "SLA-waarschuwing" in str(m["Subject"])]

    # A top incident resolved an hour late (root cause 10:00, 4h, resolved 15:00).
    top = _file(desk, "down", "w-top")
    _at(desk, "2025-03-31T09:20:00+02:00")
    _act(desk, top, "respond", message="We kijken ernaar.")
    _at(desk, "2025-03-31T10:00:00+02:00")
    _act(desk, top, "record_root_cause", message="Certificaat verlopen.")
    _keep(desk)
    desk.settle()
    assert warnings() == []  # nothing breached yet
    _at(desk, "2025-03-31T15:00:00+02:00")
    _act(desk, top, "resolve", message="Nieuw certificaat.")
    _keep(desk)
    desk.settle()
    (mail,) = warnings()
    assert mail["To"] == "j.blanke@supportdesk.example"  # the contract's service support manager
    assert (
        str(mail["Subject"])
        == "[SLA-waarschuwing] Gemeente Noord servicedesk: Top (1) oplostijd, 2025-03"
    )
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "al 1 keer overschreden" in text and "100%" in text and top in text
    assert "/review?customer=integratie-noord&period=2025-03" in text
    logged = [e.data for e in desk.tickets.get(top).events if e.type == "compliance_warning"]
    assert [d["key"] for d in logged] == ["warning:2025-03:top.resolution.lost"]

    # A second top breach the same month: the target was lost already, no second mail.
    second = _file(desk, "down", "w-top-2")
    _at(desk, "2025-03-31T15:30:00+02:00")
    _act(desk, second, "respond", message="Ook deze.")
    _at(desk, "2025-03-31T17:00:00+02:00")  # the response target ran out at 16:15+1h
    _act(desk, second, "note", message="kijken")
    _keep(desk)
    desk.settle()
    assert len(warnings()) == 1
    again = desk.stack.verdict_pump()  # the whole stream once more
    while again.pump():
        pass
    desk.settle()
    assert len(warnings()) == 1


# the charges tests' ACME contract, with its monitoring's key, "local-alert-key-acme" (as in
# the demo contract)
ACME = {
    **CHARGED_ACME,
    "alert_keys": ["9a739e7b95c504deaaa8eeee92ece5e202c5850b26877db83d25256db91a7406"],
}


def test_the_month_shows_its_volume(desk: Desk) -> None:
    """R004-12 with R003-1 and R003-4: hosting-standby sets no office-hours targets, yet its month
    shows what came in: tickets by channel and priority, the outage an alert opened, the standby
    call and the fees (the agreed Saturday's 427.50 and the call's work 135.00)."""
    admin = signed_in("ada", "admins")
    path = "/contracts/hosting-acme"
    put = desk.request(API, "PUT", path, "/contracts/{customer_id}", ACME, **admin)
    assert put["statusCode"] == 201, put
    call = {
        "customer": "hosting-acme", "caller_name": "Piet de Vries",
        "caller_phone": "+31 6 1234 5678", "subject": "Portal down",
        "description": "Nobody can log in.", "called_at": "2025-03-29T10:00:00+01:00",
    }  # fmt: skip
    answer = desk.request(API, "POST", "/tickets/phone", "/tickets/phone", call,
                          **AGENT, **{"Idempotency-Key": "v-call"})  # fmt: skip
    assert answer["statusCode"] == 201, answer
    standby = str(_body(answer)["ticket_id"])
    desk.parked_at(standby, "first_line")
    _act(desk, standby, "log_work", minutes=90)
    alert = {"alerts": [{"title": "Portal down", "fingerprint": "v-1", "status": "firing"}]}
    key = {"Authorization": "Bearer local-alert-key-acme"}
    fired = desk.request("IntakeFunction", "POST", "/alerts", "/alerts", alert, **key)
    assert fired["statusCode"] == 200, fired
    outage = _body(fired)["alerts"][0]["ticket_id"]
    filed = desk.request(
        "IntakeFunction", "POST", "/tickets", "/tickets",
        {"customer": "hosting-acme", "contact_email": "ops@acme.example", "subject": "Export",
         "description": "Slow.", "channel": "portal"},
        **{"Idempotency-Key": "v-portal"},
    )  # fmt: skip
    assert filed["statusCode"] in (200, 201, 202), filed
    portal = str(_body(filed)["ticket_id"])
    _keep(desk)

    report = _body(_report(desk, "2025-03", customer="hosting-acme"))
    volume = report["volume"]
    assert volume["tickets"] == 3 and volume["desk_tickets"] == 0
    assert volume["by_channel"] == {"portal": 1, "email": 0, "phone": 1, "monitoring": 1, "web": 0}
    assert volume["by_priority"] == {"standby": 1, "normal": 2}
    assert (volume["outages"], volume["standby_calls"]) == (1, 1)
    assert [t["id"] for t in volume["outage_tickets"]] == [outage]
    (call_row,) = volume["standby_tickets"]
    assert call_row["id"] == standby and call_row["opened_text"] == "Sat 29 Mar 10:00 CET"
    assert volume["standby_fees"] == {
        "periods_eur": "427.50",
        "call_work_eur": "135.00",
        "total_eur": "562.50",
        "rule": "R003-4",
    }
    assert portal not in {t["id"] for t in volume["outage_tickets"] + volume["standby_tickets"]}
    assert report["now_text"] == "Mon 31 Mar 09:00 CEST"

    # The month before and after: nothing came in.
    assert _body(_report(desk, "2025-04", customer="hosting-acme"))["volume"]["tickets"] == 0

    # CSV, text and PDF carry the same volume.
    csv_text = _report(desk, "2025-03", customer="hosting-acme", format="csv")["body"]
    assert csv_text.startswith("period,policy,priority,metric,")
    assert "volume,2025-03,channel,monitoring,1" in csv_text
    assert "volume,2025-03,standby_fees,total_eur,562.50" in csv_text
    text = _report(desk, "2025-03", customer="hosting-acme", format="text")["body"]
    assert "Volume: 3 tickets in, 1 outages, 1 standby calls" in text
    pdf = _report(desk, "2025-03", customer="hosting-acme", format="pdf")
    assert pdf["statusCode"] == 200
    assert "application/pdf" in str(pdf.get("multiValueHeaders") or pdf.get("headers"))
    body = pdf["body"].encode("ascii")
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    assert b"(SLA review March 2025: ACME Logistics portal) Tj" in body
