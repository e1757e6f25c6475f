"""Entitlements and charges with the seeds' own numbers, through the public CLI
(`supportflow assess`, `supportflow standby-fee`): R000-5, R000-6, R001-4, R001-5, R002-6,
R003-4, R003-5, R004-1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supportflow.entrypoints.cli.main import main

SAT = "2027-05-08"  # a Saturday
TUE = "2027-05-11"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else out), err


def assess(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, policy: str, document: dict[str, Any]
) -> dict[str, Any]:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document))
    code, out, err = run(capsys, "assess", "--policy", policy, str(path))
    assert code == 0, err
    assert set(out) == {"priority", "flags", "charges", "total_eur"}
    return out  # type: ignore[no-any-return]


def fee(capsys: pytest.CaptureFixture[str], start: str, end: str, rate: str = "90") -> Any:
    return run(
        capsys,
        "standby-fee",
        "--policy",
        "hosting-standby",
        "--from",
        start,
        "--to",
        end,
        "--rate",
        rate,
    )


def codes(result: dict[str, Any]) -> list[str]:
    return [f["code"] for f in result["flags"]]


# ----- R003-4: the fee of an agreed standby period ------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # weekend 08:30-18:00 at 50%, at least 4 h: 2 h are billed as 4 h at 45 EUR
        (f"{SAT}T10:00", f"{SAT}T12:00", ("weekend", 2, 4, 50, "180.00")),
        # the whole weekend day: 9.5 h at 45 EUR
        (f"{SAT}T08:30", f"{SAT}T18:00", ("weekend", 9.5, 9.5, 50, "427.50")),
        # evening and night 18:00-08:30 at 100%: 14.5 h at 90 EUR
        (f"{TUE}T18:00", "2027-05-12T08:30", ("evening_night", 14.5, 14.5, 100, "1305.00")),
        # one evening hour is billed as the minimum of 2 h
        (f"{TUE}T19:00", f"{TUE}T20:00", ("evening_night", 1, 2, 100, "180.00")),
        # a Saturday night is evening and night too
        (f"{SAT}T18:00", "2027-05-09T08:30", ("evening_night", 14.5, 14.5, 100, "1305.00")),
        # King's Day (Tuesday 27 April 2027) is a public holiday: 00:00-24:00 at 100%, min 8 h
        ("2027-04-27T10:00", "2027-04-27T12:00", ("holiday", 2, 8, 100, "720.00")),
        ("2027-04-27T00:00", "2027-04-28T00:00", ("holiday", 24, 24, 100, "2160.00")),
        # the night the clocks go back (31 October 2027) has an hour more: 15.5 h
        ("2027-10-30T18:00", "2027-10-31T08:30", ("evening_night", 15.5, 15.5, 100, "1395.00")),
    ],
)
def test_standby_fee_per_kind(
    capsys: pytest.CaptureFixture[str], start: str, end: str, expected: tuple[Any, ...]
) -> None:
    code, out, err = fee(capsys, start, end)
    assert code == 0, err
    part = dict(
        zip(("kind", "hours", "billed_hours", "percent", "amount_eur"), expected, strict=True)
    )
    assert out == {
        "parts": [part],  # one kind: one part, and the totals are its own
        "minimums": "per_kind",
        "hours": part["hours"],
        "billed_hours": part["billed_hours"],
        "amount_eur": part["amount_eur"],
    }


def test_standby_fee_rounds_like_an_invoice(capsys: pytest.CaptureFixture[str]) -> None:
    # 4 h at 50% of 87.45 = 174.90; 2.25 h (minimum 2) at 100% of 87.45 = 196.7625 -> 196.76
    assert fee(capsys, f"{SAT}T09:00", f"{SAT}T10:00", "87.45")[1]["amount_eur"] == "174.90"
    assert fee(capsys, f"{TUE}T19:00", f"{TUE}T21:15", "87.45")[1]["amount_eur"] == "196.76"


@pytest.mark.parametrize(
    ("start", "end", "rate", "reason"),
    [
        ("2027-05-10T10:00", "2027-05-10T12:00", "90", "office hours at Mon 2027-05-10 10:00"),
        # a weekend reaching into Monday morning: refused at the moment the office opens
        (f"{SAT}T18:00", "2027-05-10T09:00", "90", "office hours at Mon 2027-05-10 08:30"),
        (f"{SAT}T12:00", f"{SAT}T10:00", "90", "must end after it starts"),
        (f"{SAT}T10:00", f"{SAT}T12:00", "ninety", "not an amount"),
        (f"{SAT}T10:00", f"{SAT}T12:00", "-90", "negative"),
        (f"{SAT}T10:00", f"{SAT}T12:00", "90.001", "more than two decimals"),
        ("yesterday", f"{SAT}T12:00", "90", "--from"),
    ],
)
def test_standby_fee_refuses_bad_periods(
    capsys: pytest.CaptureFixture[str], start: str, end: str, rate: str, reason: str
) -> None:
    code, out, err = fee(capsys, start, end, rate)
    assert code == 2 and out == ""
    assert reason in err and err.count("\n") == 1


def test_a_pack_without_standby_has_no_fee(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "standby-fee", "--policy", "web-agency", "--from", f"{SAT}T10:00",
        "--to", f"{SAT}T12:00", "--rate", "90",
    )  # fmt: skip
    assert code == 2 and "no standby tariff" in err


# ----- R003-4 and R003-5: a standby call, work outside the contract ------------------------

STANDBY_CONTRACT = {
    "hourly_rate_eur": "90.00",
    "standby": [{"from": f"{SAT}T08:30:00+02:00", "to": f"{SAT}T18:00:00+02:00"}],
}


def _call(*work: dict[str, Any], at: str = f"{SAT}T10:00:00+02:00") -> list[dict[str, Any]]:
    return [{"at": at, "type": "opened"}, *work]


def test_a_standby_call_on_saturday_with_1_5_hours_of_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = assess(
        capsys,
        tmp_path,
        "hosting-standby",
        {
            "contract": STANDBY_CONTRACT,
            "ticket": {"channel": "phone"},
            "events": _call(
                {"at": f"{SAT}T10:20:00+02:00", "type": "responded"},
                {"at": f"{SAT}T11:40:00+02:00", "type": "work_logged", "minutes": 90},
            ),
            "now": f"{SAT}T12:00:00+02:00",
        },
    )
    assert out["priority"] == "standby"
    assert out["charges"] == [
        {
            "rule": "R003-4",
            "code": "standby_call_work",
            "hours": 1.5,
            "rate_eur": "90.00",
            "amount_eur": "135.00",
        }
    ]
    assert out["total_eur"] == "135.00"


def test_standby_work_is_billed_at_least_an_hour_and_outside_work_apart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = assess(
        capsys,
        tmp_path,
        "hosting-standby",
        {
            "contract": STANDBY_CONTRACT,
            "ticket": {"channel": "phone"},
            "events": _call(
                {"at": f"{SAT}T10:30:00+02:00", "type": "work_logged", "minutes": 20},
                {
                    "at": f"{SAT}T11:30:00+02:00",
                    "type": "work_logged",
                    "minutes": 45,
                    "outside_contract": True,
                },
            ),
            "now": f"{SAT}T12:00:00+02:00",
        },
    )
    assert [(c["code"], c["hours"], c["amount_eur"]) for c in out["charges"]] == [
        ("standby_call_work", 1, "90.00"),  # 20 minutes, billed as the minimum hour
        ("out_of_contract_work", 0.75, "67.50"),  # R003-5 at the hourly rate
    ]
    assert out["total_eur"] == "157.50"


def test_a_call_outside_the_agreed_periods_is_not_a_standby_call(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = assess(
        capsys,
        tmp_path,
        "hosting-standby",
        {
            "contract": STANDBY_CONTRACT,
            "ticket": {"channel": "phone"},
            "events": _call(
                {"at": "2027-05-09T11:00:00+02:00", "type": "work_logged", "minutes": 30},
                at="2027-05-09T10:00:00+02:00",  # Sunday: no standby agreed
            ),
            "now": "2027-05-09T12:00:00+02:00",
        },
    )
    assert out["priority"] == "normal" and out["charges"] == []


def test_without_its_hourly_rate_standby_work_cannot_be_billed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            {
                "contract": {},
                "ticket": {"channel": "phone"},
                "events": _call(
                    {"at": f"{SAT}T11:00:00+02:00", "type": "work_logged", "minutes": 30}
                ),
                "now": f"{SAT}T12:00:00+02:00",
            }
        )
    )
    code, _, err = run(capsys, "assess", "--policy", "hosting-standby", str(path))
    assert code == 2 and "hourly_rate_eur" in err


# ----- R000-5 emergencies and R000-6 fair use -------------------------------------------------

OPENED = "2027-05-03T11:00:00+02:00"


def _urgent(history: list[dict[str, Any]], category: str = "lost_password", **contract: Any) -> Any:
    return {
        "contract": contract,
        "ticket": {"priority": "urgent", "category": category, "channel": "email"},
        "events": [{"at": OPENED, "type": "opened"}],
        "history": history,
        "now": "2027-05-03T12:00:00+02:00",
    }


def test_a_security_emergency_is_always_free(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    earlier = [{"opened": "2027-04-01T10:00:00+02:00", "priority": "urgent", "category": "x"}]
    out = assess(capsys, tmp_path, "best-effort", _urgent(earlier, category="account_hacked"))
    assert out["priority"] == "urgent"
    assert out["flags"][0]["rule"] == "R000-5" and codes(out) == ["free_emergency"]
    assert "account_hacked" in out["flags"][0]["reason"]


def test_the_first_other_urgent_request_in_a_year_is_free(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = [
        # a year and a day ago, and a security emergency since: neither counts
        {"opened": "2026-05-02T11:00:00+02:00", "priority": "urgent", "category": "claims"},
        {"opened": "2027-01-10T10:00:00+01:00", "priority": "urgent", "category": "data_breach"},
        {"opened": "2027-02-10T10:00:00+01:00", "priority": "normal"},
    ]
    assert codes(assess(capsys, tmp_path, "best-effort", _urgent(history))) == ["free_emergency"]


def test_a_second_urgent_request_within_a_year_needs_an_additional_sla(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    history = [{"opened": "2026-09-01T10:00:00+02:00", "priority": "urgent", "category": "claims"}]
    out = assess(capsys, tmp_path, "best-effort", _urgent(history))
    assert out["priority"] == "urgent"  # never refused: still handled as urgent
    assert codes(out) == ["additional_sla_needed"]
    assert "2026-09-01" in out["flags"][0]["reason"]


def test_the_rolling_year_ends_at_the_same_local_time_a_year_earlier(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    at_the_edge = [{"opened": "2026-05-03T11:00:00+02:00", "priority": "urgent"}]
    just_inside = [{"opened": "2026-05-03T11:01:00+02:00", "priority": "urgent"}]
    assert codes(assess(capsys, tmp_path, "best-effort", _urgent(at_the_edge))) == [
        "free_emergency"
    ]
    assert codes(assess(capsys, tmp_path, "best-effort", _urgent(just_inside))) == [
        "additional_sla_needed"
    ]


def test_fair_use_flags_above_three_times_the_average(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def normal(history_size: int) -> dict[str, Any]:
        history = [
            {"opened": f"2027-0{1 + n % 4}-0{1 + n % 9}T10:00:00+01:00", "priority": "normal"}
            for n in range(history_size)
        ]
        history.append({"opened": "2026-04-01T10:00:00+02:00"})  # outside the 12 months
        return {
            "contract": {"average_tickets_per_org": 2.5},
            "ticket": {"channel": "email"},
            "events": [{"at": OPENED, "type": "opened"}],
            "history": history,
            "now": OPENED,
        }

    # 3x 2.5 = 7.5: the 7th ticket is within fair use, the 8th is not
    assert codes(assess(capsys, tmp_path, "best-effort", normal(6))) == []
    out = assess(capsys, tmp_path, "best-effort", normal(7))
    assert out["priority"] == "normal" and codes(out) == ["fair_use_review"]
    reason = out["flags"][0]["reason"]
    assert "8 tickets" in reason and "2.5" in reason and "7.5" in reason


# ----- R001-4, R001-5 and live support ----------------------------------------------------------

WED = "2027-05-05T10:00:00+02:00"


def _saas(ticket: dict[str, Any], *events: dict[str, Any], **contract: Any) -> dict[str, Any]:
    return {
        "contract": {"authorised_contacts": ["it@verband.example"], **contract},
        "ticket": ticket,
        "events": [{"at": WED, "type": "opened"}, *events],
        "now": "2027-05-05T12:00:00+02:00",
    }


def test_a_critical_case_from_a_contact_who_is_not_authorised_is_downgraded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ticket = {"category": "service_downtime", "contact": "redaktion@verband.example"}
    out = assess(capsys, tmp_path, "saas-basic", _saas(ticket))
    assert out["priority"] == "other"
    assert out["flags"][0]["rule"] == "R001-4"
    assert codes(out) == ["downgraded_not_authorised"]
    ticket["contact"] = "IT@verband.example"
    out = assess(capsys, tmp_path, "saas-basic", _saas(ticket))
    assert out["priority"] == "critical" and codes(out) == []


def test_advice_and_training_are_consultancy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = assess(capsys, tmp_path, "saas-basic", _saas({"type": "training"}))
    assert codes(out) == ["consultancy"] and out["flags"][0]["rule"] == "R001-5"
    turned = _saas(
        {"category": "how_to"},
        {"at": "2027-05-05T11:00:00+02:00", "type": "handled_as_consultancy", "reason": "a course"},
    )
    out = assess(capsys, tmp_path, "saas-basic", turned)
    assert codes(out) == ["consultancy"] and out["flags"][0]["reason"] == "a course"


@pytest.mark.parametrize(
    ("minutes", "rate", "hours", "amount"),
    [(45, None, 0.75, "112.50"), (20, None, 0.5, "75.00"), (60, "120", 1, "120.00")],
)
def test_live_support_is_billed_per_hour_at_least_half_an_hour(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    minutes: int,
    rate: str | None,
    hours: float,
    amount: str,
) -> None:
    session = {"at": "2027-05-05T11:00:00+02:00", "type": "work_logged", "minutes": minutes}
    contract = {} if rate is None else {"live_support_rate_eur": rate}
    out = assess(
        capsys, tmp_path, "saas-basic", _saas({"type": "live_booking"}, session, **contract)
    )
    assert out["charges"] == [
        {
            "rule": "R001-5",
            "code": "live_support",
            "hours": hours,
            "rate_eur": f"{rate or 150}.00",
            "amount_eur": amount,
        }
    ]


# ----- R004-1 ------------------------------------------------------------------------------


def test_a_change_request_leaves_standard_support(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = assess(
        capsys,
        tmp_path,
        "integration-9x5",
        {"ticket": {"type": "change"}, "events": [{"at": WED, "type": "opened"}], "now": WED},
    )
    assert out["priority"] is None
    assert codes(out) == ["outside_standard_support"] and out["flags"][0]["rule"] == "R004-1"


# ----- R002-6 --------------------------------------------------------------------------------


def _web(line: str, *choice: str, **contract: Any) -> dict[str, Any]:
    events: list[dict[str, Any]] = [{"at": WED, "type": "opened"}]
    for n, kind in enumerate(choice):
        events.append({"at": f"2027-05-05T10:1{n}:00+02:00", "type": kind})
    events.append(
        {"at": "2027-05-05T11:30:00+02:00", "type": "work_logged", "minutes": 60, "line": line}
    )
    return {
        "contract": {"warranty_until": "2027-04-30", **contract},
        "ticket": {"urgency": "medium", "impact": "small"},
        "events": events,
        "now": "2027-05-05T12:00:00+02:00",
    }


@pytest.mark.parametrize(
    ("document", "total"),
    [
        (_web("second", warranty_until="2027-05-05"), "0.00"),  # within the warranty
        (_web("first"), "0.00"),  # after it, solved directly by first line
        (_web("second"), "45.00"),  # after it, investigated by second line
        (_web("second", "investigation_offered", "investigation_accepted"), "45.00"),
        (_web("second", "investigation_offered", "investigation_declined"), "0.00"),  # lapses
        (_web("second", care_subscription=True), "0.00"),  # care: no fee
        (_web("second", investigation_fee_eur="50"), "50.00"),  # the contract's own fee
    ],
)
def test_after_the_warranty_second_line_costs_an_investigation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, document: dict[str, Any], total: str
) -> None:
    out = assess(capsys, tmp_path, "web-agency", document)
    assert out["total_eur"] == total
    for charge in out["charges"]:
        assert charge["rule"] == "R002-6" and charge["code"] == "investigation"
        assert charge["amount_eur"] == total


# ----- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"events": [{"at": WED, "type": "opened"}, {"at": WED, "type": "billed_twice"}]},
            "unknown type",
        ),
        (
            {
                "events": [
                    {"at": WED, "type": "opened"},
                    {"at": "2027-05-05T09:00:00+02:00", "type": "responded"},
                ]
            },
            "earlier than the event before",
        ),
        ({"contract": {"hourly_rate_eur": "12,50"}}, "not an amount"),
        ({"contract": {"hourly_rate": "90"}}, "unknown key 'hourly_rate'"),
        ({"contract": {"warranty_until": "May"}}, "not a date"),
        ({"contract": {"care_subscription": "yes"}}, "true or false"),
        (
            {
                "events": [
                    {"at": WED, "type": "opened"},
                    {"at": WED, "type": "work_logged", "minutes": -5},
                ]
            },
            "minutes",
        ),
        (
            {
                "events": [
                    {"at": WED, "type": "opened"},
                    {"at": WED, "type": "work_logged", "minutes": 5, "line": "third"},
                ]
            },
            "first or second",
        ),
        ({"history": [{"priority": "urgent"}]}, "history[0]"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    document = {
        "contract": {"hourly_rate_eur": "90"},
        "ticket": {},
        "events": [{"at": WED, "type": "opened"}],
        "now": "2027-05-05T12:00:00+02:00",
        **change,
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document))
    code, out, err = run(capsys, "assess", "--policy", "web-agency", str(path))
    assert code == 2 and out == ""
    assert reason in err and err.count("\n") == 1
