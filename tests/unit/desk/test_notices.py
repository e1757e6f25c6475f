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
