"""Problem management (R004-8) in the domain: the RCA report's month worked out on the calendar,
the RCA timed from the request (not from a root cause, R004-4), recurring production incidents,
and who may ask for an RCA."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from supportflow.domain.common.timeutil import add_months, calendar_months, parse_instant
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import load_policy_text
from supportflow.domain.policy.problems import ProblemSpec, Seen
from supportflow.domain.review.problems import (
    ProblemError,
    check_rca_request,
    needs_rca,
    problem_view,
    recurrence,
)
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.policies.registry import shipped
from tests.unit.sla.test_clock import run

RCA = {"type": "rca", "category": "requested"}


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        # a month of 30 days, no clock change
        ("2027-04-12T14:00:00+02:00", "2027-05-12T14:00:00+02:00"),
        # 31 January: the month after has no 31st, so its last day
        ("2027-01-31T10:00:00+01:00", "2027-02-28T10:00:00+01:00"),
        ("2028-01-31T10:00:00+01:00", "2028-02-29T10:00:00+01:00"),  # a leap year
        # across the change to summer time: the same wall-clock time, an hour less of real time
        ("2027-03-15T09:00:00+01:00", "2027-04-15T09:00:00+02:00"),
        # across the change back, and into the next year
        ("2027-10-20T16:30:00+02:00", "2027-11-20T16:30:00+01:00"),
        ("2027-12-24T08:00:00+01:00", "2028-01-24T08:00:00+01:00"),
    ],
)
def test_an_rca_report_is_due_a_calendar_month_after_the_request(asked: str, due: str) -> None:
    state = run("integration-9x5", [(asked, "opened")], asked, **RCA)
    metric = state.metrics["resolution"]
    assert state.priority == "rca"
    assert metric.due == parse_instant(due)
    real = (parse_instant(due) - parse_instant(asked)).total_seconds()
    assert metric.target_us == real * 1_000_000  # weekends, holidays and nights all count
    assert state.metrics["response"].target_us is None


def test_the_rca_month_is_timed_from_the_request_not_from_a_root_cause() -> None:
    # An incident's resolution waits for its root cause (R004-4); an RCA task's does not.
    incident = run("integration-9x5", [("2027-05-03T09:00:00+02:00", "opened")],
                   "2027-05-03T10:00:00+02:00", urgency="down", impact="several_users")  # fmt: skip
    assert incident.metrics["resolution"].state == "not_started"
    rca = run(
        "integration-9x5",
        [
            ("2027-05-03T09:00:00+02:00", "opened"),
            ("2027-05-20T09:00:00+02:00", "root_cause_found"),
        ],
        "2027-06-04T09:00:00+02:00",
        **RCA,
    )
    assert rca.metrics["resolution"].due == parse_instant("2027-06-03T09:00:00+02:00")
    assert rca.metrics["resolution"].breached  # a day late, still open


def test_an_rca_paused_on_the_customer_gets_the_pause_back() -> None:
    events = [
        ("2027-05-03T09:00:00+02:00", "opened"),
        ("2027-05-10T09:00:00+02:00", "waiting_on_customer"),
        ("2027-05-12T09:00:00+02:00", "customer_replied"),
    ]
    state = run("integration-9x5", events, "2027-05-20T09:00:00+02:00", **RCA)
    assert state.metrics["resolution"].due == parse_instant("2027-06-05T09:00:00+02:00")


def test_a_proactive_rca_and_a_problem_record_have_no_deadline() -> None:
    for ticket in ({"type": "rca", "category": "proactive"}, {"type": "problem"}):
        state = run("integration-9x5", [("2027-05-03T09:00:00+02:00", "opened")],
                    "2027-05-03T10:00:00+02:00", **ticket)  # fmt: skip
        assert state.priority is None and all(m.due is None for m in state.metrics.values())


def test_months_are_only_a_target_unit() -> None:
    assert calendar_months("1 month") == 1 and calendar_months("3 Months") == 3
    assert calendar_months("4h") is None and calendar_months(30) is None
    moved = add_months(parse_instant("2027-02-28T02:30:00+01:00"), 1)
    assert moved.isoformat() == "2027-03-28T02:30:00+01:00"  # a fixed offset keeps it
    pack = shipped().get("integration-9x5").model_dump(mode="json")
    pack["escalation"]["ladder"][2]["at"] = "breach + 1 month"
    with pytest.raises(PolicyError, match=r"escalation\.ladder"):
        load_policy_text(_yaml(pack), "test")
    pack = shipped().get("integration-9x5").model_dump(mode="json")
    pack["problems"]["rca"]["priorities"] = ["urgent"]
    with pytest.raises(PolicyError, match=r"problems\.rca\.priorities"):
        load_policy_text(_yaml(pack), "test")


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data)


# ----- recurrence ---------------------------------------------------------------------------

SPEC = shipped().get("integration-9x5").problems
DAY0 = parse_instant("2027-05-03T09:00:00+02:00")


def seen(n: int, day: float, **kw: Any) -> Seen:
    fields: dict[str, Any] = {
        "type": "incident",
        "channel": "portal",
        "priority": "high",
        "category": None,
    }
    fields.update(kw)
    return Seen(f"T{n}", DAY0 + timedelta(days=day), **fields)


def test_two_production_incidents_within_30_days_suggest_a_problem_record() -> None:
    found = recurrence(SPEC, seen(2, 29.9), [seen(1, 0)])
    assert found is not None and found.incidents == ("T1", "T2") and found.rule == "R004-8"
    assert "2 production incidents within 30 days" in found.reason
    assert recurrence(SPEC, seen(2, 30.1), [seen(1, 0)]) is None  # outside the window
    assert recurrence(SPEC, seen(2, 1, priority="medium"), [seen(1, 0)]) is None  # not production
    alert = seen(2, 1, priority="low", channel="monitoring")
    assert recurrence(SPEC, alert, [seen(1, 0)]) is not None  # a monitoring alert is production
    info = seen(1, 0, type="information", priority=None, channel="monitoring")
    assert recurrence(SPEC, seen(2, 1), [info]) is None
    assert recurrence(SPEC, seen(2, 1, suggested=True), [seen(1, 0)]) is None  # once


def test_incidents_one_problem_record_links_are_not_suggested_again() -> None:
    linked = [seen(1, 0, problems=("P1",)), seen(2, 1, problems=("P1", "P0"))]
    assert recurrence(SPEC, seen(3, 2, problems=("P1",)), linked) is None
    found = recurrence(SPEC, seen(3, 2), linked)  # a new one: the three, to link into P1
    assert found is not None and found.incidents == ("T1", "T2", "T3")


def test_recurrence_per_category_and_count() -> None:
    spec = ProblemSpec.model_validate(
        {"recurring": {"count": 3, "within_days": 7, "priorities": ["high"], "per": "category"}}
    )
    others = [seen(1, 0, category="mail"), seen(2, 1, category="portal")]
    assert recurrence(spec, seen(3, 2, category="mail"), others) is None  # two in "mail"
    others.append(seen(4, 1.5, category="mail"))
    found = recurrence(spec, seen(3, 2, category="mail"), others)
    assert (
        found is not None and found.incidents == ("T1", "T4", "T3") and " in mail" in found.reason
    )
    with pytest.raises(ValueError, match="greater than or equal to 2"):
        ProblemSpec.model_validate({"recurring": {"count": 1}})


def test_every_top_incident_gets_one_rca_and_a_request_needs_a_breach() -> None:
    assert needs_rca(SPEC, seen(1, 0, priority="top"))
    assert not needs_rca(SPEC, seen(1, 0, priority="top", rca_tasks=("T9",)))
    assert not needs_rca(SPEC, seen(1, 0, priority="high"))
    check_rca_request(SPEC, seen(1, 0), ["resolution"])
    with pytest.raises(ProblemError, match="breached none"):
        check_rca_request(SPEC, seen(1, 0), [])
    with pytest.raises(ProblemError, match="not an incident"):
        check_rca_request(SPEC, seen(1, 0, type="rca"), ["resolution"])
    with pytest.raises(ProblemError, match="no root-cause analysis"):
        check_rca_request(ProblemSpec(), seen(1, 0), ["resolution"])


def test_what_the_agent_page_shows() -> None:
    at = DAY0
    opened = LoggedEvent(1, at, "opened", "a", {"channel": "portal", "incidents": ["T1"]})
    linked = LoggedEvent(2, at, "incident_linked", "anna", {"ticket": "T2"})
    report = LoggedEvent(3, at, "rca_report_attached", "anna", {"report": "x", "rca": "T7"})
    view = problem_view("problem", [opened, linked, report])
    assert view is not None and view["incidents"] == ["T1", "T2"]
    assert view["reports"][0]["rca"] == "T7" and view["reports"][0]["by"] == "anna"
    plain = [LoggedEvent(1, at, "opened", "c", {"channel": "portal"})]
    assert problem_view("incident", plain) is None
    told = LoggedEvent(2, at, "linked_to_problem", "system", {"problem": "P1"})
    assert problem_view("incident", [*plain, told]) == {
        "suggested": None,
        "problems": ["P1"],
        "rca_tasks": [],
    }
    assert isinstance(at, datetime)


# ----- early warnings at the desk (in memory) ------------------------------------------------


def test_a_high_tier_at_risk_warns_the_service_manager_once() -> None:
    """R004-5 with R004-6: a high incident whose response breaches puts the tier at 0% of 80%:
    one mail to the service support manager (the contract's address), in the contract's
    language; the same breach seen again, or another in the tier, sends nothing more."""
    from supportflow.adapters.memory.stores import InMemoryVerdicts
    from tests.unit.desk.test_desk import form, make_world

    desk, clock, _, mailer, _ = make_world()
    desk.__dict__["verdicts"] = InMemoryVerdicts()
    keep, warn = desk.keep_verdicts(), desk.early_warnings()
    high = desk.open_ticket()(form(urgency="degraded"), None)
    ticket_id = high.ticket.ticket_id  # type: ignore[union-attr]
    keep(ticket_id)
    assert warn(ticket_id) == 0  # nothing breached
    clock.advance(days=2)  # past the 9 support hours of response (due Tue 1 April 09:30)
    keep(ticket_id)
    assert warn(ticket_id) == 1 and warn(ticket_id) == 0
    desk.dispatch().pending(ticket_id)
    (mail,) = [m for m in mailer.sent if "SLA" in str(m["Subject"])]
    assert mail["To"] == "j.blanke@supportdesk.example"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (
        "Hoog (2) reactietijd staat in 2025-04 op 0%: nog 4 op tijd nodig om 80% te halen" in text
    )
    other = desk.open_ticket()(form(urgency="degraded", subject="Nog een"), None)
    other_id = other.ticket.ticket_id  # type: ignore[union-attr]
    clock.advance(hours=1)
    assert warn(other_id) == 0  # not breached, and the tier's warning went already


def test_the_rca_level_is_given_only_by_its_rule() -> None:
    """A customer proposing `rca` for an incident gets the matrix or the default, never a
    month; an agent cannot set it by hand either."""
    from supportflow.domain.sla.priority import TicketError, check_settable

    proposed = run("integration-9x5", [("2027-05-03T09:00:00+02:00", "opened")],
                   "2027-05-03T10:00:00+02:00", priority="rca")  # fmt: skip
    assert proposed.priority == "medium"  # the pack's default
    pack = shipped().get("integration-9x5")
    with pytest.raises(TicketError, match="only by its rules"):
        check_settable(pack, "rca")
    check_settable(pack, "top")
