"""Notices to agents (issue 20): each kind once, to the agent it concerns, in the desk's
language, never for one's own action; the on-call address at once for an outage or a standby
call (R003-1, R003-4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import supportflow.policies
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import load_policy_text
from tests.unit.desk.test_desk import form, make_world

PACKS = Path(supportflow.policies.__file__).parent


def _act(
    desk: Any, ticket_id: str, action: str, actor: str, role: str = "agent", **data: Any
) -> Any:
    return desk.record_action()(ticket_id, action, actor=actor, role=role, data=data).ticket


def _notices(mailer: Any) -> list[tuple[str, str]]:
    return [
        (str(m["To"]), str(m["Subject"])) for m in mailer.sent if ".notice." in str(m["Message-ID"])
    ]


def test_each_notice_goes_once_to_the_agent_it_concerns() -> None:
    desk, clock, timers, mailer, workflow = make_world()
    ticket_id = desk.open_ticket()(form(), None).ticket.ticket_id  # integration-9x5 (nl)
    _act(desk, ticket_id, "take", "anna@desk.example")
    _act(desk, ticket_id, "assign", "anna@desk.example", agent="anna@desk.example")  # herself
    assert _notices(mailer) == []  # nobody is told of their own action
    _act(desk, ticket_id, "take_over", "ben@desk.example")
    _act(desk, ticket_id, "assign", "ben@desk.example", agent="carla@desk.example")
    sent = _notices(mailer)
    assert sent[0][0] == "anna@desk.example" and sent[0][1].startswith("[Overgenomen] ")
    assert sent[1][0] == "carla@desk.example" and "[Toegewezen aan jou]" in sent[1][1]
    assert len(sent) == 2
    # The customer writes (by mail or on the status page): the holder hears of it.
    _act(desk, ticket_id, "customer_message", "servicedesk@noord.example", "customer",
         message="Het werkt nog steeds niet.")  # fmt: skip
    last = mailer.sent[-1]
    assert (
        ".notice.customer." in str(last["Message-ID"]) and str(last["To"]) == "carla@desk.example"
    )
    assert "Het werkt nog steeds niet." in last.get_body(("plain",)).get_content()
    # To second line, to a specialist by name.
    _act(desk, ticket_id, "respond", "carla@desk.example", message="We kijken ernaar.")
    _act(desk, ticket_id, "hand_to_second_line", "carla@desk.example", agent="sam@desk.example")
    assert _notices(mailer)[-1][0] == "sam@desk.example"
    assert len(_notices(mailer)) == 4  # each once


def test_an_outage_and_a_standby_call_reach_the_on_call_address_at_once() -> None:
    # Saturday 07:20, before the standby day starts: hosting-standby's monitoring fires.
    desk, clock, timers, mailer, workflow = make_world("2025-04-05T07:20:00+02:00")
    alert = form(
        customer="hosting-acme", contact_email="ops@acme.example", channel="monitoring",
        subject="Portal down", fingerprint="portal", urgency=None, impact=None,
    )  # fmt: skip
    opened = desk.open_ticket()(alert, None)
    told = [m for m in mailer.sent if ".notice.outage." in str(m["Message-ID"])]
    assert [str(m["To"]) for m in told] == ["oncall@supportdesk.example"]
    assert str(told[0]["Subject"]) == f"[Storing] {opened.ticket.ticket_id}: Portal down"
    assert "za 05-04-2025 07:20" in told[0].get_body(("plain",)).get_content()
    # The same alert again (its ticket open): logged on it, nobody is called twice.
    desk.open_ticket()(alert, None)
    assert len([m for m in mailer.sent if ".notice." in str(m["Message-ID"])]) == 1


@pytest.mark.parametrize(
    ("on_call", "reason"),
    [
        ("{ role: boss, channels: [monitoring] }", "escalation: on_call.role: 'boss'"),
        ("{ role: on_call_lead, priorities: [p9] }", "escalation.on_call.priorities"),
        ("{ role: on_call_lead, channels: [fax] }", "escalation.on_call.channels"),
    ],
)
def test_a_pack_names_a_role_priorities_and_channels_it_has(on_call: str, reason: str) -> None:
    text = (PACKS / "hosting-standby.yaml").read_text()
    broken = re.sub(r"  on_call: \{[^}]*\}", f"  on_call: {on_call}", text)
    assert broken != text
    with pytest.raises(PolicyError) as refused:
        load_policy_text(broken, "hosting-standby.yaml")
    assert reason.split(":")[0] in str(refused.value)


def _line_world() -> tuple[Any, Any, Any]:
    from supportflow.adapters.memory.fakes import InMemoryAgents, InMemoryNoticePreferences
    from supportflow.services.ports.agents import Agent

    desk, clock, timers, mailer, workflow = make_world()
    desk.__dict__["agents"] = InMemoryAgents(
        [
            Agent("anna@desk.example", "Anna", ("first_line",)),
            Agent("dave@desk.example", "Dave", ("first_line",)),
            Agent("eve@desk.example", "Eve", ("first_line",), enabled=False),
            Agent("carla@desk.example", "Carla", ("second_line",)),
        ]
    )
    preferences = InMemoryNoticePreferences()
    desk.__dict__["notice_preferences"] = preferences
    return desk, mailer, preferences


def test_a_new_ticket_is_told_to_its_lines_agents_who_want_to_hear() -> None:
    desk, mailer, preferences = _line_world()
    first = desk.open_ticket()(form(), None).ticket.ticket_id
    told = [(to, subject) for to, subject in _notices(mailer) if "[Nieuwe melding]" in subject]
    assert sorted(to for to, _ in told) == ["anna@desk.example", "dave@desk.example"]
    assert all(first in subject for _, subject in told)  # not the disabled, not second line
    new_mail = next(m for m in mailer.sent if "[Nieuwe melding]" in str(m["Subject"]))
    assert "Sinds 08:50" in new_mail.get_body(("plain",)).get_content()  # what it is about

    recipients = desk.notice_recipients
    assert recipients.set_off("Dave@desk.example", ["new_ticket"])["off"] == ["new_ticket"]
    with pytest.raises(Exception, match="no notice kind 'outage'"):
        recipients.set_off("dave@desk.example", ["outage"])  # the on-call's is not a choice
    before = len(mailer.sent)
    desk.open_ticket()(form(subject="Tweede storing"), None)
    newer = [str(m["To"]) for m in mailer.sent[before:] if "[Nieuwe melding]" in str(m["Subject"])]
    assert newer == ["anna@desk.example"]
    settings = recipients.settings("dave@desk.example")
    assert {k["kind"]: k["on"] for k in settings["kinds"]}["new_ticket"] is False


def test_a_customers_message_on_a_ticket_nobody_holds_goes_to_its_line() -> None:
    desk, mailer, preferences = _line_world()
    ticket_id = desk.open_ticket()(form(), None).ticket.ticket_id
    preferences.set_off("anna@desk.example", frozenset({"customer"}))
    before = len(mailer.sent)
    _act(desk, ticket_id, "customer_message", "servicedesk@noord.example", "customer",
         message="Nog een screenshot erbij.")  # fmt: skip
    told = [
        str(m["To"]) for m in mailer.sent[before:] if ".notice.customer." in str(m["Message-ID"])
    ]
    assert told == ["dave@desk.example"]  # anna turned it off; eve is disabled
    ids = [str(m["Message-ID"]) for m in mailer.sent if ".notice." in str(m["Message-ID"])]
    assert len(ids) == len(set(ids))  # a key per agent: each mail once
