"""The CLI's commands over a month: the SLA review of a month's tickets (from a file, or a
customer's month from the desk), and a simulated month through the local stack.

    supportflow report --policy ID --period YYYY-MM FILE [--format json|text|csv|html]
    supportflow report --customer ID --period YYYY-MM [--format json|text|csv|html] [--api URL]
    supportflow simulate --days 30 --tickets-per-day N [--start ISO] [--speed X] [--seed N]
                         [--data DIR]   (a checkout with local/: the local stack, in-process)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportflow.domain.common.periods import Month
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.entrypoints.cli.contracts import AdminApi
from supportflow.entrypoints.cli.inputs import policy_of, read_instant, read_json, replay_input
from supportflow.entrypoints.cli.output import print_json
from supportflow.entrypoints.cli.report import render, report_from_document
from supportflow.entrypoints.cli.usage import UsageError


def report_command(args: argparse.Namespace) -> int:
    period = Month.parse(args.period)
    if args.customer is not None:
        if args.file is not None or args.policy is not None:
            raise UsageError("report: --customer reads the desk; give FILE and --policy without it")
        report = AdminApi(args.api).report(args.customer, str(period))
    else:
        if args.file is None or args.policy is None:
            raise UsageError("report needs --policy ID and FILE, or --customer ID")
        report = _report_of_file(args.file, args.policy, period)
    text = render(report, args.format)
    if text is None:
        print_json(report)
    else:
        sys.stdout.write(text)
    return 0


def _report_of_file(path: str, policy_ref: str, period: Month) -> dict[str, Any]:
    """The report of the tickets in FILE, each judged by the policy POLICY_REF names."""
    document = read_json(path)
    raw_now = document.get("now") if isinstance(document, dict) else None
    now = datetime.now(UTC) if raw_now is None else read_instant(raw_now, "now", policy_ref)

    def read_ticket(
        item: dict[str, Any],
    ) -> tuple[Policy, TicketAttributes, list[TicketEvent], datetime]:
        return replay_input(policy_ref, {**item, "now": format_instant(now)})

    def policy_at(on: datetime | None) -> Policy:
        return policy_of(policy_ref, on)

    return report_from_document(document, period, read_ticket, policy_at, now)


# The checkout this package was installed from (editable): layers/supportflow/python/
# supportflow/entrypoints/cli/ is six folders below it.
CHECKOUT = Path(__file__).resolve().parents[6]


def simulate_command(args: argparse.Namespace) -> int:
    root = CHECKOUT
    if not (root / "local" / "simulate.py").is_file():
        raise UsageError("simulate runs the local stack: run it from a checkout (make run's)")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    start = None
    if args.start is not None:
        start = parse_instant(args.start)
    if args.speed <= 0:
        raise UsageError("--speed must be above 0")
    # the local stack: a checkout's, never Lambda's (so not a static import of the package)
    simulate = importlib.import_module("local.simulate").simulate
    summary = simulate(
        args.days, args.per_day, data_dir=args.data, start=start, speed=args.speed, seed=args.seed
    )
    print_json(summary)
    return 0
