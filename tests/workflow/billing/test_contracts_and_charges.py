"""Contracts and policy packs as versioned data through the admin API, and the entitlement and
charge rules per family through the API under moto: R002-6 (investigation), R003-4 (standby call
and fee), R000-5 (urgent requests), R000-6 (fair use), R001-4 (downgrade), R004-1 and R001-5
(out of standard support), R004-9 (vendor). Live-support sessions: test_bookings.py."""

from __future__ import annotations

import json
from typing import Any

from supportflow.domain.common.timeutil import parse_instant
from tests.workflow.conftest import Desk, sample, set_headers, signed_in

ADMIN = signed_in("ada", "admins")
AGENT = signed_in("anna")
API = "TicketApiFunction"

BAKKER = {
    "customer_id": "webshop-bakker",
    "name": "Bakkerij Bakker webshop",
    "policy": "web-agency",
    "language": "nl",
    "contacts": ["info@bakker.example"],
    "escalation": {"desk_lead": "lead@supportdesk.example"},
    "warranty_until": "2025-02-28",
    "care_subscription": False,
    "rates": {"hourly_eur": "85", "investigation_fee_eur": "45.00"},
    "effective_from": "2025-03-01",
}


def _put(
    desk: Desk, body: dict[str, Any], *, customer: str | None = None, **headers: str
) -> dict[str, Any]:
    path = f"/contracts/{customer or body['customer_id']}"
    return desk.request(API, "PUT", path, "/contracts/{customer_id}", body, **headers)


def _show(desk: Desk, customer: str, **headers: str) -> dict[str, Any]:
    return desk.request(API, "GET", f"/contracts/{customer}", "/contracts/{customer_id}", **headers)


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def _statement(desk: Desk, customer: str, period: str, form: str = "json") -> dict[str, Any]:
    path = f"/customers/{customer}/statement"
    return desk.request(
        API, "GET", path, "/customers/{customer_id}/statement",
        query={"period": period, "format": form}, **AGENT,
    )  # fmt: skip


def _file(desk: Desk, key: str, **changes: Any) -> dict[str, Any]:
    """A form post with its own Idempotency-Key."""
    event = sample("intake/post_json")
    event["body"] = json.dumps({**json.loads(event["body"]), **changes})
    set_headers(event, **{"Idempotency-Key": key})
    return desk.call("IntakeFunction", event)


def _events(desk: Desk, ticket_id: str, kind: str) -> list[dict[str, Any]]:
    return [dict(e.data) for e in desk.tickets.get(ticket_id).events if e.type == kind]


def test_only_admins_manage_contracts_and_bad_ones_store_nothing(desk: Desk) -> None:
    assert _put(desk, BAKKER)["statusCode"] == 401
    refused = _put(desk, BAKKER, **AGENT)
    assert refused["statusCode"] == 403 and "admin" in _body(refused)["message"]
    assert desk.request(API, "GET", "/contracts", "/contracts", **AGENT)["statusCode"] == 403
    bad = _put(desk, {**BAKKER, "rates": {"hourly_eur": "12,50"}}, **ADMIN)
    assert bad["statusCode"] == 422 and "rates.hourly_eur" in _body(bad)["message"]
    wrong = _put(
        desk, {**BAKKER, "customer_id": "verband-digital"}, customer="webshop-bakker", **ADMIN
    )
    assert wrong["statusCode"] == 422 and "path" in _body(wrong)["message"]
    assert len(_body(_show(desk, "webshop-bakker", **ADMIN))["versions"]) == 1  # nothing stored

    stored = _put(desk, BAKKER, **ADMIN)
    assert stored["statusCode"] == 201, stored
    assert _body(stored)["version"] == 2 and _body(stored)["recorded_by"] == "ada"
    again = _put(desk, BAKKER, **ADMIN)  # the same contract sent twice: one version
    assert again["statusCode"] == 200 and _body(again)["version"] == 2
    earlier = _put(
        desk, {**BAKKER, "care_subscription": True, "effective_from": "2024-01-01"}, **ADMIN
    )
    assert earlier["statusCode"] == 422 and "history" in _body(earlier)["message"]
    shown = _body(_show(desk, "webshop-bakker", **ADMIN))
    assert shown["current_version"] == 2 and [v["version"] for v in shown["versions"]] == [1, 2]
    listed = _body(desk.request(API, "GET", "/contracts", "/contracts", **ADMIN))["contracts"]
    assert {c["customer_id"] for c in listed} >= {"webshop-bakker", "hosting-acme"}


def test_after_the_warranty_second_line_work_costs_the_investigation(desk: Desk) -> None:
    assert _put(desk, BAKKER, **ADMIN)["statusCode"] == 201
    filed = desk.post_ticket(
        customer="webshop-bakker",
        contact_email="info@bakker.example",
        urgency="medium",
        impact="small",
    )
    ticket_id = _body(filed)["ticket_id"]
    assert desk.tickets.get(ticket_id).contract_version == 2
    desk.parked_at(ticket_id, "first_line")
    assert desk.agent(ticket_id, "take", **AGENT)["statusCode"] == 200
    assert desk.agent(ticket_id, "hand_to_second_line", **AGENT)["statusCode"] == 200
    desk.parked_at(ticket_id, "second_line")
    logged = desk.agent(ticket_id, "log_work", {"minutes": 90}, **AGENT)
    assert logged["statusCode"] == 200, logged
    assert _events(desk, ticket_id, "work_logged")[0]["line"] == "second"
    (charge,) = _events(desk, ticket_id, "charged")
    assert charge == {"rule": "R002-6", "code": "investigation", "hours": None,
                      "rate": "45.00", "amount": "45.00"}  # fmt: skip
    # A care subscription from today on does not change a ticket judged by version 2.
    later = {**BAKKER, "care_subscription": True, "effective_from": "2025-03-31"}
    assert _put(desk, later, **ADMIN)["statusCode"] == 201
    assert desk.agent(ticket_id, "log_work", {"minutes": 30}, **AGENT)["statusCode"] == 200
    assert len(_events(desk, ticket_id, "charged")) == 1  # still one charge: nothing repeated

    statement = _statement(desk, "webshop-bakker", "2025-03")
    assert statement["statusCode"] == 200, statement
    body = _body(statement)
    assert body["total_eur"] == "45.00"
    assert body["lines"] == [
        {"date": "2025-03-31", "ticket_id": ticket_id, "rule": "R002-6", "code": "investigation",
         "hours": None, "rate_eur": "45.00", "amount_eur": "45.00", "booking_id": None}
    ]  # fmt: skip
    csv_text = _statement(desk, "webshop-bakker", "2025-03", "csv")["body"]
    assert csv_text.splitlines()[0].endswith(",amount_eur,booking_id")
    assert f"2025-03-31,{ticket_id},R002-6,investigation,,45.00,45.00,\n" in csv_text
    assert "45.00" in _statement(desk, "webshop-bakker", "2025-03", "text")["body"]
    assert _body(_statement(desk, "webshop-bakker", "2025-04"))["total_eur"] == "0.00"
    assert _statement(desk, "webshop-bakker", "2025-13")["statusCode"] == 422


ACME = {
    "customer_id": "hosting-acme",
    "name": "ACME Logistics portal",
    "policy": "hosting-standby",
    "language": "en",
    "contacts": ["ops@acme.example"],
    "escalation": {"on_call_lead": "oncall@supportdesk.example"},
    "rates": {"hourly_eur": "90"},
    # R003-4: standby agreed for Saturday 29 March 2025 daytime only
    "standby": [{"from": "2025-03-29T08:30:00+01:00", "to": "2025-03-29T18:00:00+01:00"}],
    "effective_from": "2025-03-01",
}


def _call(desk: Desk, called_at: str, key: str) -> dict[str, Any]:
    body = {
        "customer": "hosting-acme",
        "caller_name": "Piet de Vries",
        "caller_phone": "+31 6 1234 5678",
        "subject": "Portal down",
        "description": "Nobody can log in.",
        "called_at": called_at,
    }
    return desk.request(
        API, "POST", "/tickets/phone", "/tickets/phone", body, **AGENT,
        **{"Idempotency-Key": key},
    )  # fmt: skip


def test_a_standby_call_in_an_agreed_period_is_billed_on_top_of_the_fee(desk: Desk) -> None:
    assert _put(desk, ACME, **ADMIN)["statusCode"] == 201
    inside = _body(_call(desk, "2025-03-29T10:00:00+01:00", "call-in"))["ticket_id"]
    outside = _body(_call(desk, "2025-03-29T20:00:00+01:00", "call-out"))["ticket_id"]
    desk.parked_at(inside, "first_line")
    desk.parked_at(outside, "first_line")
    assert desk.view(inside)["priority"] == "standby"
    assert desk.view(outside)["priority"] == "normal"  # the evening was not agreed
    assert desk.agent(inside, "log_work", {"minutes": 90}, **AGENT)["statusCode"] == 200
    (charge,) = _events(desk, inside, "charged")
    assert charge == {"rule": "R003-4", "code": "standby_call_work", "hours": "1.5",
                      "rate": "90.00", "amount": "135.00"}  # fmt: skip
    outside_work = {"minutes": 45, "outside_contract": True}
    assert desk.agent(outside, "log_work", outside_work, **AGENT)["statusCode"] == 200
    (extra,) = _events(desk, outside, "charged")
    assert (extra["rule"], extra["code"], extra["amount"]) == (
        "R003-5",
        "out_of_contract_work",
        "67.50",
    )
    body = _body(_statement(desk, "hosting-acme", "2025-03"))
    codes = {(line["code"], line["amount_eur"]) for line in body["lines"]}
    # the agreed Saturday 08:30-18:00: 9.5 h at 50% of 90 = 427.50
    assert codes == {
        ("standby_weekend", "427.50"),
        ("standby_call_work", "135.00"),
        ("out_of_contract_work", "67.50"),
    }
    assert body["total_eur"] == "630.00"


def test_a_second_urgent_request_within_a_year_is_flagged_not_refused(desk: Desk) -> None:
    common = {
        "customer": "cliendo-zorg",
        "contact_email": "eigenaar@delinde.example",
        "channel": "email",
        "priority": "urgent",
        "urgency": None,
        "impact": None,
    }
    first = _body(_file(desk, "urgent-1", **common, subject="Wachtwoord kwijt"))["ticket_id"]
    second = _body(
        _file(desk, "urgent-2", **common, subject="Declaratie vraag", description="Morgen vrij.")
    )["ticket_id"]
    assert [f["code"] for f in _events(desk, first, "entitlement_flagged")] == ["free_emergency"]
    (flag,) = _events(desk, second, "entitlement_flagged")
    assert flag["rule"] == "R000-5" and flag["code"] == "additional_sla_needed"
    desk.parked_at(second, "first_line")
    assert desk.view(second)["priority"] == "urgent"


def test_an_organisation_above_three_times_the_average_is_flagged_for_a_conversation(
    desk: Desk,
) -> None:
    # Four organisations on best-effort: cliendo-zorg and three quiet ones.
    shown = _body(_show(desk, "cliendo-zorg", **ADMIN))["versions"][-1]["contract"]
    for n in range(3):
        quiet = {
            **shown,
            "customer_id": f"stil-{n}",
            "name": f"Stil {n}",
            "contacts": [f"info@stil{n}.example"],
            "other_contacts": [],
            "effective_from": "2025-03-31",
        }
        assert _put(desk, quiet, **ADMIN)["statusCode"] == 201
    common = {
        "customer": "cliendo-zorg",
        "contact_email": "eigenaar@delinde.example",
        "channel": "email",
        "urgency": None,
        "impact": None,
    }
    earlier = [
        _body(_file(desk, f"vraag-{n}", **common, subject=f"Vraag {n}"))["ticket_id"]
        for n in range(4)
    ]
    assert all(not _events(desk, t, "entitlement_flagged") for t in earlier)
    # The next day: 4 tickets over 4 organisations is an average of 1; a fifth is above 3x.
    desk.clock.now = parse_instant("2025-04-01T10:00:00+02:00")
    fifth = _body(_file(desk, "vraag-5", **common, subject="Vraag 5"))["ticket_id"]
    (flag,) = _events(desk, fifth, "entitlement_flagged")
    assert (flag["rule"], flag["code"]) == ("R000-6", "fair_use_review")
    assert "5 tickets" in flag["reason"] and "average of 1 per organisation" in flag["reason"]
    desk.parked_at(fifth, "first_line")  # flagged, never cut off
    quiet = _file(
        desk, "stil", customer="stil-0", contact_email="info@stil0.example", channel="email",
        urgency=None, impact=None, subject="Eerste vraag",
    )  # fmt: skip
    assert not _events(desk, _body(quiet)["ticket_id"], "entitlement_flagged")


def test_a_critical_case_from_another_contact_is_downgraded_with_a_flag(desk: Desk) -> None:
    ticket_id = _body(
        desk.post_ticket(
            customer="verband-digital",
            contact_email="redaktion@verband.example",
            category="service_downtime",
            urgency=None,
            impact=None,
        )
    )["ticket_id"]
    (flag,) = _events(desk, ticket_id, "entitlement_flagged")
    assert (flag["rule"], flag["code"]) == ("R001-4", "downgraded_not_authorised")
    desk.parked_at(ticket_id, "first_line")
    assert desk.view(ticket_id)["priority"] == "other"


def test_tickets_leave_standard_support_with_a_reason(desk: Desk) -> None:
    change = _body(desk.post_ticket(type="change", urgency=None, impact=None))["ticket_id"]
    (flag,) = _events(desk, change, "entitlement_flagged")
    assert (flag["rule"], flag["code"]) == ("R004-1", "outside_standard_support")
    advice = _body(
        desk.post_ticket(
            customer="verband-digital",
            contact_email="it@verband.example",
            subject="Wie richte ich Rollen ein?",
            urgency=None,
            impact=None,
        )
    )["ticket_id"]
    desk.parked_at(advice, "first_line")
    refused = desk.agent(advice, "handle_as_consultancy", {}, **AGENT)
    assert refused["statusCode"] == 409  # a reason is needed
    turned = desk.agent(advice, "handle_as_consultancy", {"reason": "a training need"}, **AGENT)
    assert turned["statusCode"] == 200
    (flag,) = _events(desk, advice, "entitlement_flagged")
    assert flag == {"rule": "R001-5", "code": "consultancy", "reason": "a training need"}
    assert desk.tickets.get(advice).stage == "first_line"  # never silently closed


def test_a_vendor_defect_is_escalated_and_followed_up(desk: Desk) -> None:
    ticket_id = _body(desk.post_ticket())["ticket_id"]
    desk.parked_at(ticket_id, "first_line")
    assert desk.agent(ticket_id, "take", **AGENT)["statusCode"] == 200
    missing = desk.agent(ticket_id, "escalate_to_vendor", {"reason": "their API"}, **AGENT)
    assert missing["statusCode"] == 409  # the vendor is named
    handed = {"vendor": "Zaaksysteem BV", "reason": "their API returns 500", "reference": "ZS-1"}
    assert desk.agent(ticket_id, "escalate_to_vendor", handed, **AGENT)["statusCode"] == 200
    assert desk.view(ticket_id)["track"] == "at_vendor"
    chased = {"message": "Vendor confirms, fix expected tomorrow"}
    assert desk.agent(ticket_id, "vendor_follow_up", chased, **AGENT)["statusCode"] == 200
    fixed = {"message": "Vendor deployed the fix"}
    assert desk.agent(ticket_id, "vendor_resolved", fixed, **AGENT)["statusCode"] == 200
    assert desk.view(ticket_id)["track"] == "support"
    kinds = [e.type for e in desk.tickets.get(ticket_id).events]
    assert kinds[-3:] == ["vendor_escalated", "vendor_followed_up", "vendor_resolved"]


def _pack(**changes: Any) -> dict[str, Any]:
    """The shipped web-agency pack as JSON, changed."""
    from pathlib import Path

    import yaml

    import supportflow.policies as packs

    text = (Path(packs.__file__).parent / "web-agency.yaml").read_text()
    return {**json.loads(json.dumps(yaml.safe_load(text), default=str)), **changes}


def _publish(desk: Desk, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    path = f"/policies/{body.get('id', 'web-agency')}"
    return desk.request(API, "PUT", path, "/policies/{policy_id}", body, **headers)


def test_a_policy_version_is_published_as_data_and_judges_tickets_from_its_date(
    desk: Desk,
) -> None:
    # The next version: high-priority response in 1 h instead of 2, from Monday 7 April.
    faster = _pack(version=2, effective_from="2025-04-07")
    faster["targets"]["high"]["response"] = "1h"
    assert _publish(desk, faster)["statusCode"] == 401
    assert _publish(desk, faster, **AGENT)["statusCode"] == 403
    skipped = _publish(desk, {**faster, "version": 3}, **ADMIN)
    assert skipped["statusCode"] == 422 and "next version is 2" in _body(skipped)["message"]
    past = _publish(desk, {**faster, "effective_from": "2025-03-01"}, **ADMIN)
    assert past["statusCode"] == 422 and "history" in _body(past)["message"]
    broken = _publish(desk, {**faster, "targets": {"high": {"response": "soon"}}}, **ADMIN)
    assert broken["statusCode"] == 422 and "targets" in _body(broken)["message"]
    listed = desk.request(API, "GET", "/policies/web-agency", "/policies/{policy_id}", **ADMIN)
    assert [v["version"] for v in _body(listed)["versions"]] == [1]  # nothing stored

    published = _publish(desk, faster, **ADMIN)
    assert published["statusCode"] == 201, published
    assert _body(published)["recorded_by"] == "ada"
    again = _publish(desk, faster, **ADMIN)
    assert again["statusCode"] == 200 and _body(again)["created"] is False
    shown = _body(
        desk.request(API, "GET", "/policies/web-agency", "/policies/{policy_id}", **ADMIN)
    )
    assert shown["current_version"] == 1
    assert [(v["version"], v["source"]) for v in shown["versions"]] == [
        (1, "shipped"),
        (2, "published"),
    ]

    # Before its date a ticket keeps version 1 (2 h); from it, version 2 (1 h).
    def file(key: str) -> dict[str, Any]:
        filed = _file(
            desk, key, customer="webshop-bakker", contact_email="info@bakker.example",
            urgency="high", impact="large",
        )  # fmt: skip
        assert filed["statusCode"] == 201, filed
        return desk.view(json.loads(filed["body"])["ticket_id"])

    before = file("before")
    assert before["policy"] == "web-agency v1"
    assert before["metrics"]["response"]["due"] == "2025-03-31T11:00:00+02:00"
    desk.clock.now = parse_instant("2025-04-07T09:00:00+02:00")  # Monday
    after = file("after")
    assert after["policy"] == "web-agency v2"
    assert after["metrics"]["response"]["due"] == "2025-04-07T10:00:00+02:00"
    assert desk.view(before["ticket_id"])["policy"] == "web-agency v1"  # history stays


def test_a_contract_may_name_a_published_pack(desk: Desk) -> None:
    plus = _pack(id="web-agency-plus", name="Website support plus", effective_from="2025-03-31")
    assert _publish(desk, plus, **ADMIN)["statusCode"] == 201
    moved = _put(
        desk, {**BAKKER, "policy": "web-agency-plus", "effective_from": "2025-03-31"}, **ADMIN
    )
    assert moved["statusCode"] == 201, moved
    filed = _file(
        desk, "plus", customer="webshop-bakker", contact_email="info@bakker.example",
        urgency="high", impact="large",
    )  # fmt: skip
    assert filed["statusCode"] == 201, filed
    assert desk.view(_body(filed)["ticket_id"])["policy"] == "web-agency-plus v1"
