"""Notices to agents through the real functions (issue 20): an outage alert at 07:20 on a
Saturday under hosting-standby reaches the on-call address within the minute (R003-1, R003-4),
once; a take-over tells the colleague who held the ticket."""

from __future__ import annotations

import json
import time

from supportflow.domain.common.timeutil import parse_instant
from tests.workflow.conftest import Desk, signed_in
from tests.workflow.review.test_review import _file


def test_an_outage_on_saturday_morning_calls_the_on_call_lead_at_once(desk: Desk) -> None:
    desk.clock.now = parse_instant("2025-04-05T07:20:00+02:00")  # Saturday, before standby hours
    alert = {"alerts": [{"status": "firing", "fingerprint": "portal-down", "title": "Portal down"}]}
    began = time.monotonic()
    answer = desk.request(
        "IntakeFunction", "POST", "/alerts", "/alerts", alert,
        Authorization="Bearer local-alert-key-acme",
    )  # fmt: skip
    assert answer["statusCode"] == 200, answer
    (opened,) = json.loads(answer["body"])["alerts"]
    desk.wait_for(lambda: any("oncall@" in str(m["To"]) for m in desk.sent_mail(notices=True)), 60)
    assert time.monotonic() - began < 60  # within the minute
    called = [m for m in desk.sent_mail(notices=True) if "oncall@" in str(m["To"])]
    assert len(called) == 1 and str(called[0]["Subject"]).startswith("[Storing] ")
    assert opened["ticket_id"] in str(called[0]["Subject"])
    # The same alert again while its ticket is open: logged on it, nobody called twice.
    desk.request(
        "IntakeFunction", "POST", "/alerts", "/alerts", alert,
        Authorization="Bearer local-alert-key-acme",
    )  # fmt: skip
    desk.settle()
    assert len([m for m in desk.sent_mail(notices=True) if "oncall@" in str(m["To"])]) == 1


def test_a_take_over_tells_the_colleague_who_held_it(desk: Desk) -> None:
    filed = json.loads(desk.post_ticket()["body"])
    ticket_id = filed["ticket_id"]
    desk.parked_at(ticket_id, "first_line")
    assert desk.agent(ticket_id, "take", {}, **signed_in("anna@desk.example"))["statusCode"] == 200
    assert desk.agent(ticket_id, "take", {}, **signed_in("ben@desk.example"))["statusCode"] == 409
    over = desk.agent(ticket_id, "take_over", {}, **signed_in("ben@desk.example"))
    assert over["statusCode"] == 200
    desk.settle()
    told = [
        m
        for m in desk.sent_mail(notices=True)
        if str(m["To"]) == "anna@desk.example" and "[Nieuwe melding]" not in str(m["Subject"])
    ]
    assert len(told) == 1 and "[Overgenomen]" in str(told[0]["Subject"])
    assert "ben@desk.example" in told[0].get_body(("plain",)).get_content()


NOTICES = "/agents/me/notices"


def test_a_new_ticket_is_told_to_first_line_once_and_an_agent_may_turn_it_off(desk: Desk) -> None:
    anna = signed_in("anna@desk.example", "first_line")

    def new_ticket_mails() -> list[str]:
        return [
            str(m["Subject"])
            for m in desk.sent_mail(notices=True)
            if str(m["To"]) == "anna@desk.example" and "[Nieuwe melding]" in str(m["Subject"])
        ]

    first = json.loads(desk.post_ticket()["body"])["ticket_id"]
    desk.parked_at(first, "first_line")
    desk.settle()
    assert len(new_ticket_mails()) == 1 and first in new_ticket_mails()[0]
    desk.reconcile()  # a second look at the ticket tells nobody twice
    assert len(new_ticket_mails()) == 1
    ben = [m for m in desk.sent_mail(notices=True) if str(m["To"]) == "ben@desk.example"]
    assert ben == []  # second line hears of it when it is handed there

    answer = desk.request("TicketApiFunction", "GET", NOTICES, NOTICES, **anna)
    settings = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and settings["off"] == []
    assert {k["kind"] for k in settings["kinds"]} >= {"new_ticket", "customer", "assigned"}
    turned = desk.request(
        "TicketApiFunction", "PUT", NOTICES, NOTICES, {"off": ["new_ticket"]}, **anna
    )
    assert turned["statusCode"] == 200 and json.loads(turned["body"])["off"] == ["new_ticket"]
    bad = desk.request("TicketApiFunction", "PUT", NOTICES, NOTICES, {"off": ["outage"]}, **anna)
    assert bad["statusCode"] == 422 and "outage" in json.loads(bad["body"])["message"]

    desk.clock.advance(minutes=15)
    second = _file(desk, "degraded", "notice-2")
    desk.settle()
    assert [s for s in new_ticket_mails() if second in s] == []  # turned off: not told


def test_assigned_handed_and_customer_notices_go_once_to_the_agent_concerned(desk: Desk) -> None:
    anna, ben = signed_in("anna@desk.example", "first_line"), signed_in("ben@desk.example")
    ticket_id = _file(desk, "degraded", "notice-kinds")

    def told(to: str, subject: str) -> int:
        return sum(
            1
            for m in desk.sent_mail(notices=True)
            if str(m["To"]) == to and subject in str(m["Subject"])
        )

    assigned = {"agent": "carla@desk.example"}
    assert desk.agent(ticket_id, "assign", assigned, **anna)["statusCode"] == 200
    desk.settle()
    assert told("carla@desk.example", "[Toegewezen aan jou]") == 1
    assert desk.agent(ticket_id, "take_over", {}, **anna)["statusCode"] == 200
    desk.settle()
    assert told("carla@desk.example", "[Overgenomen]") == 1
    answer = {"message": "We kijken ernaar."}
    assert desk.agent(ticket_id, "respond", answer, **anna)["statusCode"] == 200
    handed = {"agent": "ben@desk.example"}
    assert desk.agent(ticket_id, "hand_to_second_line", handed, **anna)["statusCode"] == 200
    desk.settle()
    assert told("ben@desk.example", "[Tweede lijn: voor jou]") == 1
    message = {"message": "Het gebeurt ook op de tweede locatie."}
    assert desk.agent(ticket_id, "customer_message", message, **ben)["statusCode"] == 200
    desk.settle()
    assert told("ben@desk.example", "[Klant schreef]") == 0  # his own typing-up: not told
    receipt = next(m for m in desk.sent_mail() if ticket_id in str(m["Subject"]))
    token = receipt.get_body(("plain",)).get_content().split("token=", 1)[1].split()[0]
    reply = {"message": "Nog een schermafbeelding volgt."}
    assert desk.customer(ticket_id, "reply", token, reply)["statusCode"] == 200
    desk.settle()
    assert told("ben@desk.example", "[Klant schreef]") == 1  # the holder, once
    filed = desk.tickets.get(ticket_id)
    assert filed.assignee == "ben@desk.example"
