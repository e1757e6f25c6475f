"""Worked examples from every shipped pack, with the seed documents' own numbers.

Each expected instant was worked out by hand from the pack's hours, holidays and targets."""

from __future__ import annotations

import json

import pytest

from supportflow.entrypoints.cli.main import main
from supportflow.policies.registry import shipped

PACKS = ["best-effort", "hosting-standby", "integration-9x5", "saas-basic", "web-agency"]


def deadlines(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["deadlines", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    result: dict[str, object] = json.loads(out)
    assert set(result) == {"policy", "priority", "opened", "response_due", "resolution_due"}
    return result


def test_the_five_packs_ship_under_their_ids() -> None:
    assert shipped().ids() == PACKS


@pytest.mark.parametrize("pack", PACKS)
def test_every_pack_names_its_rules_and_gaps(pack: str) -> None:
    policy = shipped().get(pack)
    assert policy.known_gaps, "what a pack cannot express is listed, not dropped"
    assert all(gap.rule.startswith("R00") for gap in policy.known_gaps)


# ----- 000 best-effort: workdays 10:00-17:00 NL; e-mail/chat 0.5 workday, phone 2 workdays ----


@pytest.mark.parametrize(
    ("opened", "channel", "due"),
    [
        # R000-3 e-mail: Mon 15:00 + 3.5 h: 2 h Monday, 1.5 h Tuesday -> Tue 11:30.
        ("2025-11-03T15:00:00+01:00", "email", "2025-11-04T11:30:00+01:00"),
        # R000-3 chat, opened before hours: counting starts at 10:00 -> 13:30.
        ("2025-11-03T08:00:00+01:00", "chat", "2025-11-03T13:30:00+01:00"),
        # R000-3 phone message: 2 workdays = 14 h from Mon 09:00 (start 10:00) -> Tue 17:00.
        ("2025-11-03T09:00:00+01:00", "phone", "2025-11-04T17:00:00+01:00"),
        # Fri 2025-04-11 16:00 + 3.5 h: 1 h Friday, Monday 10:00 + 2.5 h -> 12:30.
        ("2025-04-11T16:00:00+02:00", "email", "2025-04-14T12:30:00+02:00"),
        # Thu 2025-04-17 16:00 + 3.5 h: Good Friday and Easter Monday are NL holidays -> Tue 12:30.
        ("2025-04-17T16:00:00+02:00", "email", "2025-04-22T12:30:00+02:00"),
    ],
)
def test_best_effort_first_response(
    capsys: pytest.CaptureFixture[str], opened: str, channel: str, due: str
) -> None:
    result = deadlines(capsys, "--policy", "best-effort", "--opened", opened, "--channel", channel)
    assert result["priority"] == "normal"
    assert result["response_due"] == due
    assert result["resolution_due"] is None  # R000-3: best effort, no resolution target


def test_best_effort_screen_share_appointment_has_no_time_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # R000-1, R000-3: "kijken op afspraak met je mee": the appointment is the time.
    opened = "2025-11-03T11:00:00+01:00"
    result = deadlines(
        capsys, "--policy", "best-effort", "--opened", opened, "--channel", "screen_share"
    )
    assert result["response_due"] is None and result["resolution_due"] is None


def test_best_effort_security_incident_is_urgent(capsys: pytest.CaptureFixture[str]) -> None:
    result = deadlines(
        capsys,
        "--policy",
        "best-effort",
        "--opened",
        "2025-11-03T16:30:00+01:00",
        "--category",
        "data_breach",
    )
    assert result["priority"] == "urgent"  # R000-5
    assert result["response_due"] == "2025-11-04T10:30:00+01:00"


# ----- 001 saas-basic: Mon-Fri 08:00-18:00 Europe/Berlin, DE-RP holidays; 10 h / 30 h --------


@pytest.mark.parametrize(
    ("opened", "args", "priority", "due"),
    [
        # R001-2 critical 10 h: Wed 17:00 + 1 h, Thu 19 June is Corpus Christi (RP) -> Fri 17:00.
        (
            "2025-06-18T17:00:00+02:00",
            ["--priority", "critical"],
            "critical",
            "2025-06-20T17:00:00+02:00",
        ),
        # R001-3 a critical category gets 'critical'.
        (
            "2025-06-18T17:00:00+02:00",
            ["--category", "service_downtime"],
            "critical",
            "2025-06-20T17:00:00+02:00",
        ),
        # R001-2 other 30 h: Thu 2024-10-31 10:00: 8 h Thu, Fri 1 Nov All Saints (RP),
        # Mon 10 h, Tue 10 h, Wed 08:00 + 2 h -> Wed 10:00.
        ("2024-10-31T10:00:00+01:00", [], "other", "2024-11-06T10:00:00+01:00"),
        # Across the autumn DST change: Fri 2025-10-24 14:00 CEST: 4 h, Mon 10, Tue 10,
        # Wed 08:00 + 6 h -> 14:00 CET.
        ("2025-10-24T14:00:00+02:00", [], "other", "2025-10-29T14:00:00+01:00"),
        # R001-2 live-support booking requests: 30 h.
        (
            "2025-06-02T08:00:00+02:00",
            ["--type", "live_booking"],
            "other",
            "2025-06-04T18:00:00+02:00",
        ),
    ],
)
def test_saas_basic_first_response(
    capsys: pytest.CaptureFixture[str], opened: str, args: list[str], priority: str, due: str
) -> None:
    result = deadlines(capsys, "--policy", "saas-basic", "--opened", opened, *args)
    assert (result["priority"], result["response_due"]) == (priority, due)
    assert result["opened"] == opened


def test_saas_basic_reads_an_instant_in_another_zone(capsys: pytest.CaptureFixture[str]) -> None:
    # 16:00 UTC = 18:00 CEST: just closed -> counting starts Thursday 08:00 (Corpus Christi is
    # 19 June 2025, so use the week after): Tue 2025-06-24 16:00Z -> Wed 08:00 + 10 h = 18:00.
    result = deadlines(
        capsys,
        "--policy",
        "saas-basic",
        "--opened",
        "2025-06-24T16:00:00Z",
        "--priority",
        "critical",
    )
    assert result["opened"] == "2025-06-24T18:00:00+02:00"
    assert result["response_due"] == "2025-06-25T18:00:00+02:00"


# ----- 002 web-agency: 08:30-17:00 NL, workday 8.5 h; matrix; 2h/1wd, 1wd/3wd, 2wd/7wd -------


@pytest.mark.parametrize(
    ("urgency", "impact", "priority", "response", "resolution"),
    [
        # R002-4 high x large = high; R002-3 2 h / 1 workday (8.5 h).
        ("high", "large", "high", "2025-04-14T11:00:00+02:00", "2025-04-15T09:00:00+02:00"),
        # high x small = medium: 1 workday / 3 workdays (25.5 h): Mon 09:00 + 8 h, Tue 8.5,
        # Wed 8.5 -> 25 h, Thu 08:30 + 0.5 h -> 09:00.
        ("high", "small", "medium", "2025-04-15T09:00:00+02:00", "2025-04-17T09:00:00+02:00"),
        # medium x medium = medium.
        ("medium", "medium", "medium", "2025-04-15T09:00:00+02:00", "2025-04-17T09:00:00+02:00"),
        # low x small = low: 2 workdays (17 h) / 7 workdays (59.5 h); Good Friday 18 April and
        # Easter Monday 21 April 2025 are skipped: 17 h -> Wed 16 09:00; 59.5 h -> Fri 25 09:00.
        ("low", "small", "low", "2025-04-16T09:00:00+02:00", "2025-04-25T09:00:00+02:00"),
        # medium x large = high.
        ("medium", "large", "high", "2025-04-14T11:00:00+02:00", "2025-04-15T09:00:00+02:00"),
    ],
)
def test_web_agency_matrix_and_targets(
    capsys: pytest.CaptureFixture[str],
    urgency: str,
    impact: str,
    priority: str,
    response: str,
    resolution: str,
) -> None:
    result = deadlines(
        capsys,
        "--policy",
        "web-agency",
        "--opened",
        "2025-04-14T09:00:00+02:00",
        "--urgency",
        urgency,
        "--impact",
        impact,
    )
    assert result == {
        "policy": "web-agency",
        "priority": priority,
        "opened": "2025-04-14T09:00:00+02:00",
        "response_due": response,
        "resolution_due": resolution,
    }


def test_web_agency_kings_day(capsys: pytest.CaptureFixture[str]) -> None:
    # Medium, Fri 2026-04-24 15:00: 2 h Friday, Mon 27 April is King's Day, Tue 08:30 + 6.5 h.
    result = deadlines(
        capsys,
        "--policy",
        "web-agency",
        "--opened",
        "2026-04-24T15:00:00+02:00",
        "--priority",
        "medium",
    )
    assert result["response_due"] == "2026-04-28T15:00:00+02:00"


# ----- 003 hosting-standby: a standby call is acted on within 30 minutes -----------------------


def test_hosting_standby_call_across_the_autumn_dst_night(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # R003-4: 02:45 CEST on the night the clocks go back + 30 real minutes = 02:15 CET.
    result = deadlines(
        capsys,
        "--policy",
        "hosting-standby",
        "--opened",
        "2025-10-26T02:45:00+02:00",
        "--priority",
        "standby",
        "--channel",
        "phone",
    )
    assert result["response_due"] == "2025-10-26T02:15:00+01:00"
    assert result["resolution_due"] is None


def test_hosting_standby_on_a_public_holiday(capsys: pytest.CaptureFixture[str]) -> None:
    result = deadlines(
        capsys,
        "--policy",
        "hosting-standby",
        "--opened",
        "2025-12-25T11:50:00+01:00",
        "--priority",
        "standby",
    )
    assert result["response_due"] == "2025-12-25T12:20:00+01:00"


def test_hosting_standby_office_tickets_have_no_stated_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = deadlines(
        capsys, "--policy", "hosting-standby", "--opened", "2025-12-22T10:00:00+01:00"
    )
    assert result["priority"] == "normal"
    assert result["response_due"] is None and result["resolution_due"] is None


# ----- 004 integration-9x5: Mon-Fri 08:30-17:30 NL; P1-P4 -----------------------------------


@pytest.mark.parametrize(
    ("priority", "opened", "response"),
    [
        # R004-3 top 1 h: Fri 17:00 CET + 1 h -> 30 min Friday, Mon 08:30 CEST + 30 min.
        ("top", "2025-03-28T17:00:00+01:00", "2025-03-31T09:00:00+02:00"),
        # high 9 h: Fri 16:00 + 9 h -> 1.5 h Friday + Mon 08:30 + 7.5 h = 16:00 CEST.
        ("high", "2025-03-28T16:00:00+01:00", "2025-03-31T16:00:00+02:00"),
        # medium 18 h: Wed 2025-12-24 12:00: 5.5 h, 25/26 Dec holidays, Mon 29 9 h (14.5),
        # Tue 30 08:30 + 3.5 h -> 12:00.
        ("medium", "2025-12-24T12:00:00+01:00", "2025-12-30T12:00:00+01:00"),
        # low 18 h: Mon 08:30 -> two full days -> Tue 17:30 (ends at closing time).
        ("low", "2025-06-02T08:30:00+02:00", "2025-06-03T17:30:00+02:00"),
    ],
)
def test_integration_response(
    capsys: pytest.CaptureFixture[str], priority: str, opened: str, response: str
) -> None:
    result = deadlines(
        capsys, "--policy", "integration-9x5", "--opened", opened, "--priority", priority
    )
    assert result["response_due"] == response
    # R004-4: resolution is timed from the root cause, which a new ticket does not have yet.
    assert result["resolution_due"] is None


@pytest.mark.parametrize(
    ("urgency", "impact", "priority"),
    [
        ("down", "several_users", "top"),
        ("degraded", "several_users", "high"),
        ("down", "one_user", "medium"),
        ("degraded", "one_user", "low"),
    ],
)
def test_integration_criteria(
    capsys: pytest.CaptureFixture[str], urgency: str, impact: str, priority: str
) -> None:
    result = deadlines(
        capsys,
        "--policy",
        "integration-9x5",
        "--opened",
        "2025-06-02T09:00:00+02:00",
        "--urgency",
        urgency,
        "--impact",
        impact,
    )
    assert result["priority"] == priority


@pytest.mark.parametrize("request_type", ["information", "change"])
def test_integration_information_and_change_have_no_priority(
    capsys: pytest.CaptureFixture[str], request_type: str
) -> None:
    result = deadlines(
        capsys,
        "--policy",
        "integration-9x5",
        "--opened",
        "2025-06-02T09:00:00+02:00",
        "--type",
        request_type,
    )
    assert result["priority"] is None  # R004-1
    assert result["response_due"] is None and result["resolution_due"] is None


@pytest.mark.parametrize(
    ("opened", "channel", "priority", "due"),
    [
        # R003-4: a phone call on a Saturday (weekend standby 08:30-18:00) -> 30 minutes.
        ("2025-06-21T10:00:00+02:00", "phone", "standby", "2025-06-21T10:30:00+02:00"),
        # Evening standby (18:00-08:30) on a Monday, and early morning before office hours.
        ("2025-06-23T18:10:00+02:00", "phone", "standby", "2025-06-23T18:40:00+02:00"),
        ("2025-06-23T08:20:00+02:00", "phone", "standby", "2025-06-23T08:50:00+02:00"),
        # R003-2: in office hours (Mon-Fri 08:30-18:00) a call is an ordinary ticket.
        ("2025-06-23T10:00:00+02:00", "phone", "normal", None),
        ("2025-06-20T17:55:00+02:00", "phone", "normal", None),
        # Christmas Day is a holiday standby period (00:00-24:00).
        ("2025-12-25T11:50:00+01:00", "phone", "standby", "2025-12-25T12:20:00+01:00"),
        # An e-mail at the weekend is not a call on the standby desk.
        ("2025-06-21T10:00:00+02:00", "email", "normal", None),
    ],
)
def test_hosting_standby_calls_during_standby_hours(
    capsys: pytest.CaptureFixture[str], opened: str, channel: str, priority: str, due: str | None
) -> None:
    result = deadlines(
        capsys, "--policy", "hosting-standby", "--opened", opened, "--channel", channel
    )
    assert (result["priority"], result["response_due"]) == (priority, due)
