"""R003-4, standby periods as agreed (issue 21): one agreed period may span evening/night,
weekend and holiday; each kind is billed at its share of the rate for its real hours, at least
its minimum, the minimums applied as the pack's `charges.standby.minimums` says (hosting-standby:
per_kind, the desk's own choice where R003-4 is silent). A period reaching into office hours is
refused, naming where.

The seed's tariff (seeds/003): weekend 08:30-18:00 at 50% (minimum 4 h), evening/night
18:00-08:30 at 100% (minimum 2 h), public holiday 00:00-24:00 at 100% (minimum 8 h). The rate is
the demo contract hosting-acme's EUR 95.00 an hour: weekend 47.50/h, the rest 95.00/h. All
times are Europe/Amsterdam."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.contracts.directory import ContractDirectory
from supportflow.contracts.loading import contracts_from_yaml
from supportflow.domain.billing.charges import ChargeError, StandbyFee, standby_fee
from supportflow.domain.policy.policy import Policy, PolicyError, load_policy_text
from supportflow.policies.registry import PolicyRegistry, shipped
from supportflow.services.billing.statements import Statements
from supportflow.services.sla.deadlines import Deadlines
from tests.unit.conftest import ams

RATE = Decimal("95.00")
PACK = Path(str(resources.files("supportflow.policies") / "hosting-standby.yaml"))


def hosting() -> Policy:
    return shipped().get("hosting-standby")


def per_piece() -> Policy:
    """The pack with the other choice for the minimums."""
    text = PACK.read_text().replace("minimums: per_kind", "minimums: per_piece")
    return load_policy_text(text, "per-piece.yaml")


def parts(fee: StandbyFee) -> list[tuple[str, float, float, int, str]]:
    return [
        (p.kind, float(p.hours), float(p.billed_hours), int(p.percent), f"{p.amount:.2f}")
        for p in fee.parts
    ]


def test_the_rate_is_the_demo_contracts() -> None:
    text = (resources.files("supportflow.contracts") / "demo.yaml").read_text()
    (acme,) = [c for c in contracts_from_yaml(text, "demo.yaml") if c.customer_id == "hosting-acme"]
    assert acme.policy == "hosting-standby" and acme.rates.standby_base() == RATE


def test_the_pack_states_its_choice_for_the_minimums() -> None:
    tariff = hosting().charges.standby
    assert tariff is not None and tariff.minimums == "per_kind"
    assert "minimums: per_kind" in PACK.read_text()  # explicit, not the model's default


def test_a_weekend_from_friday_evening_to_monday_morning_is_one_period() -> None:
    # Friday 7 May 2027 18:00 to Monday 10 May 08:30 (no holiday in it), 62.5 h:
    #   evening/night Fri 18:00-Sat 08:30 14.5 h, Sat 18:00-Sun 08:30 14.5 h,
    #                 Sun 18:00-Mon 08:30 14.5 h           = 43.5 h x 95.00 = 4132.50
    #   weekend       Sat 08:30-18:00 9.5 h, Sun 9.5 h     = 19 h   x 47.50 =  902.50
    #   total                                                                 5035.00
    fee = standby_fee(hosting(), ams(2027, 5, 7, 18, 0), ams(2027, 5, 10, 8, 30), RATE)
    assert parts(fee) == [
        ("evening_night", 43.5, 43.5, 100, "4132.50"),
        ("weekend", 19, 19, 50, "902.50"),
    ]
    assert (fee.hours, fee.billed_hours, fee.amount) == (62.5, 62.5, Decimal("5035.00"))
    assert fee.kinds == ("evening_night", "weekend") and fee.rule == "R003-4"
    # per_piece: every piece is above its minimum, so the same 5035.00 in five parts
    pieces = standby_fee(per_piece(), ams(2027, 5, 7, 18, 0), ams(2027, 5, 10, 8, 30), RATE)
    assert [(k, h) for k, h, *_ in parts(pieces)] == [
        ("evening_night", 14.5),
        ("weekend", 9.5),
        ("evening_night", 14.5),
        ("weekend", 9.5),
        ("evening_night", 14.5),
    ]
    assert pieces.amount == Decimal("5035.00")


def test_a_short_period_over_two_kinds_gets_both_minimums() -> None:
    # Saturday 8 May 2027 17:00-19:00:
    #   weekend 17:00-18:00       1 h, billed as the minimum 4 h x 47.50 = 190.00
    #   evening 18:00-19:00       1 h, billed as the minimum 2 h x 95.00 = 190.00
    #   total 2 h, billed 6 h                                            380.00
    fee = standby_fee(hosting(), ams(2027, 5, 8, 17, 0), ams(2027, 5, 8, 19, 0), RATE)
    assert parts(fee) == [
        ("weekend", 1, 4, 50, "190.00"),
        ("evening_night", 1, 2, 100, "190.00"),
    ]
    assert (fee.hours, fee.billed_hours, fee.amount) == (2, 6, Decimal("380.00"))


def test_a_kind_met_twice_in_one_period_gets_its_minimum_once() -> None:
    # Saturday 30 October 2027 17:00 to Sunday 31 October 09:00, the night the clocks go back
    # (03:00 CEST is 02:00 CET): 17 real hours.
    #   weekend Sat 17:00-18:00 1 h + Sun 08:30-09:00 0.5 h = 1.5 h
    #   evening/night Sat 18:00-Sun 08:30: 14.5 h on the clock + 1 h = 15.5 h
    # per_kind (the pack):  weekend 1.5 h -> 4 h x 47.50 =  190.00
    #                       evening/night 15.5 h x 95.00 = 1472.50    total 1662.50
    # per_piece:            weekend 1 h -> 4 h x 47.50   =  190.00
    #                       evening/night 15.5 h x 95.00 = 1472.50
    #                       weekend 0.5 h -> 4 h x 47.50 =  190.00    total 1852.50
    start, end = ams(2027, 10, 30, 17, 0), ams(2027, 10, 31, 9, 0)
    fee = standby_fee(hosting(), start, end, RATE)
    assert parts(fee) == [
        ("weekend", 1.5, 4, 50, "190.00"),
        ("evening_night", 15.5, 15.5, 100, "1472.50"),
    ]
    assert (fee.hours, fee.amount, fee.minimums) == (17, Decimal("1662.50"), "per_kind")
    pieces = standby_fee(per_piece(), start, end, RATE)
    assert parts(pieces) == [
        ("weekend", 1, 4, 50, "190.00"),
        ("evening_night", 15.5, 15.5, 100, "1472.50"),
        ("weekend", 0.5, 4, 50, "190.00"),
    ]
    assert (pieces.amount, pieces.minimums) == (Decimal("1852.50"), "per_piece")


def test_the_night_the_clocks_go_forward_is_billed_for_its_real_hours() -> None:
    # Saturday 28 March 2026 12:00 to Sunday 29 March 12:00 (02:00 CET is 03:00 CEST): 23 h.
    #   weekend Sat 12:00-18:00 6 h + Sun 08:30-12:00 3.5 h = 9.5 h x 47.50 =  451.25
    #   evening/night Sat 18:00-Sun 08:30: 14.5 h on the clock - 1 h = 13.5 h x 95.00 = 1282.50
    #   total                                                                  1733.75
    fee = standby_fee(hosting(), ams(2026, 3, 28, 12, 0), ams(2026, 3, 29, 12, 0), RATE)
    assert parts(fee) == [
        ("weekend", 9.5, 9.5, 50, "451.25"),
        ("evening_night", 13.5, 13.5, 100, "1282.50"),
    ]
    assert (fee.hours, fee.amount) == (23, Decimal("1733.75"))


def test_easter_sunday_2027_is_a_holiday_and_the_night_the_clocks_go_forward() -> None:
    # Saturday 27 March 2027 12:00 to Sunday 28 March 12:00; Easter Sunday is a Dutch public
    # holiday (00:00-24:00) and its night is an hour short: 23 h in all.
    #   weekend Sat 12:00-18:00           6 h x 47.50 =  285.00
    #   evening/night Sat 18:00-24:00     6 h x 95.00 =  570.00
    #   holiday Sun 00:00-12:00 (-1 h)   11 h x 95.00 = 1045.00    total 1900.00
    fee = standby_fee(hosting(), ams(2027, 3, 27, 12, 0), ams(2027, 3, 28, 12, 0), RATE)
    assert parts(fee) == [
        ("weekend", 6, 6, 50, "285.00"),
        ("evening_night", 6, 6, 100, "570.00"),
        ("holiday", 11, 11, 100, "1045.00"),
    ]
    assert (fee.hours, fee.amount) == (23, Decimal("1900.00"))


def test_into_kings_day_the_holiday_minimum_of_8_hours_bites() -> None:
    # Monday 26 April 2027 22:00 to Tuesday 27 April (King's Day) 01:00:
    #   evening/night Mon 22:00-24:00  2 h (the minimum 2 h) x 95.00 = 190.00
    #   holiday Tue 00:00-01:00        1 h, billed 8 h      x 95.00 = 760.00
    #   total 3 h, billed 10 h                                         950.00
    fee = standby_fee(hosting(), ams(2027, 4, 26, 22, 0), ams(2027, 4, 27, 1, 0), RATE)
    assert parts(fee) == [
        ("evening_night", 2, 2, 100, "190.00"),
        ("holiday", 1, 8, 100, "760.00"),
    ]
    assert (fee.hours, fee.billed_hours, fee.amount) == (3, 10, Decimal("950.00"))


def test_christmas_on_a_weekend_is_holiday_not_weekend() -> None:
    # Friday 24 December 2027 18:00 to Monday 27 December 08:30; Christmas (Sat 25) and Boxing
    # Day (Sun 26) are holidays all day, so their daytime is not weekend: 62.5 h.
    #   evening/night Fri 18:00-24:00 6 h + Mon 00:00-08:30 8.5 h = 14.5 h x 95.00 = 1377.50
    #   holiday Sat 00:00-Mon 00:00                                 48 h x 95.00 = 4560.00
    #   total                                                                      5937.50
    fee = standby_fee(hosting(), ams(2027, 12, 24, 18, 0), ams(2027, 12, 27, 8, 30), RATE)
    assert parts(fee) == [
        ("evening_night", 14.5, 14.5, 100, "1377.50"),
        ("holiday", 48, 48, 100, "4560.00"),
    ]
    assert fee.amount == Decimal("5937.50")


def test_each_part_is_rounded_to_the_cent_and_the_total_is_their_sum() -> None:
    # at 87.45/h, Saturday 8 May 2027 17:00-20:15:
    #   weekend 1 h -> 4 h x 43.725 = 174.90
    #   evening 18:00-20:15 2.25 h x 87.45 = 196.7625 -> 196.76   total 371.66
    fee = standby_fee(hosting(), ams(2027, 5, 8, 17, 0), ams(2027, 5, 8, 20, 15), Decimal("87.45"))
    assert [p.amount for p in fee.parts] == [Decimal("174.90"), Decimal("196.76")]
    assert fee.amount == Decimal("371.66")


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        # a weekend agreed into Monday: the office opens Monday 10 May 2027 08:30
        (ams(2027, 5, 8, 18, 0), ams(2027, 5, 10, 9, 0), "office hours at Mon 2027-05-10 08:30"),
        # from Friday afternoon: the office is open until 18:00
        (ams(2027, 5, 7, 17, 0), ams(2027, 5, 8, 10, 0), "office hours at Fri 2027-05-07 17:00"),
        # wholly inside office hours (the message goes on: "...: that is not standby")
        (ams(2027, 5, 11, 10, 0), ams(2027, 5, 11, 12, 0), "office hours at Tue 2027-05-11 10:00"),
        (ams(2027, 5, 8, 12, 0), ams(2027, 5, 8, 10, 0), "must end after it starts"),
        (ams(2027, 5, 8, 12, 0), ams(2027, 5, 8, 12, 0), "must end after it starts"),
    ],
)
def test_periods_that_are_not_standby_are_refused(
    start: datetime, end: datetime, reason: str
) -> None:
    with pytest.raises(ChargeError, match=reason):
        standby_fee(hosting(), start, end, RATE)


def test_an_unknown_choice_for_the_minimums_names_its_path() -> None:
    text = PACK.read_text().replace("minimums: per_kind", "minimums: per_weekend")
    with pytest.raises(PolicyError, match=r"charges\.standby\.minimums"):
        load_policy_text(text, "bad.yaml")


def test_the_statement_has_a_line_per_kind_of_a_period() -> None:
    # hosting-acme with the Friday-to-Monday period agreed, and a Saturday daytime in May
    (acme,) = contracts_from_yaml(
        """
customer_id: hosting-acme
name: ACME Logistics portal
policy: hosting-standby
contacts: [ops@acme.example]
escalation: { on_call_lead: oncall@supportdesk.example }
rates: { hourly_eur: "95.00" }
standby:
  - { from: "2027-05-07T18:00:00+02:00", to: "2027-05-10T08:30:00+02:00" }
  - { from: "2027-05-22T08:30:00+02:00", to: "2027-05-22T18:00:00+02:00" }
""",
        "acme.yaml",
    )
    tickets = InMemoryTickets()
    statements = Statements(
        contracts=lambda: ContractDirectory([acme]),
        tickets=tickets,
        queue=tickets,
        deadlines=Deadlines(PolicyRegistry([hosting()])),
    )
    statement = statements("hosting-acme", "2027-05")
    shown = [(str(line.day), line.code, line.as_dict()) for line in statement.lines]
    assert [(day, code, d["hours"], d["rate_eur"], d["amount_eur"]) for day, code, d in shown] == [
        ("2027-05-07", "standby_evening_night", 43.5, "95.00", "4132.50"),
        ("2027-05-07", "standby_weekend", 19, "47.50", "902.50"),
        ("2027-05-22", "standby_weekend", 9.5, "47.50", "451.25"),
    ]
    assert statement.total == Decimal("5486.25")  # 5035.00 + 451.25
    assert "standby_evening_night" in statement.as_text()
