"""A customer's monthly statement: every `charged` event on its tickets in the month (the
customer's local month; the charges are logged by `charges.Billing`), the fee of every agreed
standby period that starts in it (R003-4), and the live-support sessions beyond the month's
quota (R001-6)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from supportflow.contracts.contract import ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.charges import Charge, standby_fee
from supportflow.domain.common.money import cents, eur, number
from supportflow.services.billing.bookings import LiveSupport, parse_period
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.tickets import Tickets
from supportflow.services.sla.deadlines import Deadlines


@dataclass(frozen=True)
class StatementLine:
    day: date
    ticket_id: str | None
    rule: str
    code: str
    hours: Decimal | None
    rate: Decimal
    amount: Decimal
    booking_id: str | None = None  # a live-support session's line (R001-5/R001-6)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "ticket_id": self.ticket_id,
            "rule": self.rule,
            "code": self.code,
            "hours": None if self.hours is None else number(self.hours),
            "rate_eur": eur(self.rate),
            "amount_eur": eur(self.amount),
            "booking_id": self.booking_id,
        }


@dataclass(frozen=True)
class Statement:
    customer_id: str
    name: str
    period: str
    lines: tuple[StatementLine, ...]

    @property
    def total(self) -> Decimal:
        return cents(sum((line.amount for line in self.lines), Decimal(0)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "name": self.name,
            "period": self.period,
            "currency": "EUR",
            "lines": [line.as_dict() for line in self.lines],
            "total_eur": eur(self.total),
        }

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        header = ["date", "ticket_id", "rule", "code", "hours", "rate_eur", "amount_eur"]
        writer.writerow([*header, "booking_id"])
        for line in self.lines:
            d = line.as_dict()
            writer.writerow([d[k] if d[k] is not None else "" for k in d])
        writer.writerow(["total", "", "", "", "", "", eur(self.total), ""])
        return out.getvalue()

    def as_text(self) -> str:
        rows = [f"Statement {self.period} for {self.name} ({self.customer_id}), in EUR", ""]
        for line in self.lines:
            hours = "" if line.hours is None else f"{number(line.hours)} h"
            rows.append(
                f"{line.day.isoformat()}  {line.ticket_id or line.booking_id or '-':<13} "
                f"{line.rule:<7} "
                f"{line.code:<22} {hours:>8} x {eur(line.rate):>8} = {eur(line.amount):>10}"
            )
        if not self.lines:
            rows.append("(nothing charged this month)")
        rows += ["", f"{'Total':<70}{eur(self.total):>10}", ""]
        return "\n".join(rows)


@dataclass(frozen=True)
class Statements:
    contracts: Callable[[], ContractDirectory]
    tickets: Tickets
    queue: Queue
    deadlines: Deadlines
    live_support: LiveSupport | None = None

    def __call__(self, customer_id: str, period: str) -> Statement:
        year, month = parse_period(period)
        directory = self.contracts()
        contract = directory.get(customer_id)
        lines: list[StatementLine] = []
        for summary in self.queue.by_customer(customer_id):
            ticket = self.tickets.get(summary.ticket_id)
            zone = self.deadlines.policy(ticket).calendar().zone
            for event in ticket.events:
                local = event.at.astimezone(zone)
                if event.type != "charged" or (local.year, local.month) != (year, month):
                    continue
                c = Charge.from_event(event.as_clock_event())
                lines.append(
                    StatementLine(
                        local.date(), ticket.ticket_id, c.rule, c.code, c.hours, c.rate, c.amount
                    )
                )
        lines += self._standby(directory, customer_id, year, month)
        if self.live_support is not None:
            lines += self._sessions(customer_id, period)
        lines.sort(key=lambda line: (line.day, line.ticket_id or line.booking_id or "", line.code))
        return Statement(customer_id, contract.name, period, tuple(lines))

    def standby(self, customer_id: str, period: str) -> Decimal:
        """R003-4: the fees of the agreed standby periods starting in the month, as the
        statement bills them; from the contract alone (no ticket is read)."""
        year, month = parse_period(period)
        lines = self._standby(self.contracts(), customer_id, year, month)
        return cents(sum((line.amount for line in lines), Decimal(0)))

    def _standby(
        self, directory: ContractDirectory, customer_id: str, year: int, month: int
    ) -> list[StatementLine]:
        """R003-4: the fee of each agreed standby period starting in the month, at the rate of
        the contract version in force when it starts: a line per part of the fee (per kind: a
        Friday-to-Monday period has an evening/night line and a weekend line), dated the day the
        period starts."""
        found: dict[tuple[datetime, datetime], list[StatementLine]] = {}
        for version in directory.versions(customer_id):
            for period in version.contract.standby or []:
                in_force = directory.as_of(customer_id, period.start)
                if in_force.version != version.version:
                    continue
                policy = self.deadlines.policies.get(in_force.contract.policy, period.start)
                if policy.charges.standby is None:
                    continue
                local = period.start.astimezone(policy.calendar().zone)
                if (local.year, local.month) != (year, month):
                    continue
                rate = in_force.contract.rates.standby_base()
                if rate is None:
                    raise ContractError(
                        f"{customer_id}: standby is agreed but the contract has no hourly rate"
                    )
                fee = standby_fee(policy, period.start, period.end, rate)
                found[(period.start, period.end)] = [
                    StatementLine(
                        local.date(),
                        None,
                        fee.rule,
                        f"standby_{part.kind}",
                        part.billed_hours,
                        cents(rate * part.percent / 100),
                        part.amount,
                    )
                    for part in fee.parts
                ]
        return [line for lines in found.values() for line in lines]

    def _sessions(self, customer_id: str, period: str) -> list[StatementLine]:
        """R001-6/R001-5: each live-support session of the month beyond the quota."""
        assert self.live_support is not None
        month = self.live_support.month(customer_id, period)
        if month.policy is None:
            return []
        zone = month.policy.calendar().zone
        return [
            StatementLine(
                s.booking.start.astimezone(zone).date(),
                None,
                s.charge.rule,
                s.charge.code,
                s.charge.hours,
                s.charge.rate,
                s.charge.amount,
                s.booking.booking_id,
            )
            for s in month.lines
            if s.charge is not None
        ]
