"""`supportflow`: the SLA engine on the command line (a public interface: scripts depend on it).

    supportflow policies
    supportflow policy validate FILE
    supportflow deadlines --policy ID --opened ISO [--priority P | --urgency U --impact I]
                          [--channel C] [--type T] [--category C]
    supportflow replay --policy ID FILE
    supportflow explain --policy ID FILE [--json]
    supportflow assess --policy ID FILE
    supportflow standby-fee --policy ID --from ISO --to ISO --rate EUR
    supportflow contract put FILE | show ID | list   [--api URL]
    supportflow policy publish FILE | show ID | list [--api URL]
    supportflow statement --customer ID --period YYYY-MM [--format text|json|csv] [--api URL]
    supportflow report --policy ID --period YYYY-MM FILE [--format json|text|csv|html]
    supportflow report --customer ID --period YYYY-MM [--format json|text|csv|html] [--api URL]
    supportflow simulate --days 30 --tickets-per-day N [--start ISO] [--speed X] [--seed N]
                         [--data DIR]   (a checkout with local/: the local stack, in-process)

Bad input exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from supportflow.domain.billing.charges import ChargeError
from supportflow.domain.calendar.opening_hours import CalendarError
from supportflow.domain.common.money import AmountError
from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.common.timeutil import TimeFormatError, format_instant, parse_instant
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority import TicketError
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.explain import explain
from supportflow.domain.sla.explanation_text import render_text
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.entrypoints.cli.billing import InputError, run_assess, run_standby_fee
from supportflow.entrypoints.cli.contracts import (
    AdminApi,
    ContractCommandError,
    DeskUnreachable,
    run_policy,
)
from supportflow.entrypoints.cli.contracts import run as run_contract
from supportflow.entrypoints.cli.report import ReportInputError, render, report_from_document
from supportflow.policies import UnknownPolicyError, load_policy_file, shipped

EXIT_USAGE = 2


class UsageError(ValueError):
    """Bad input on the command line or in a file: exit 2 with this one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


API_HELP = "the desk's API (default $SUPPORTFLOW_API or local)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="supportflow", description="SLA deadlines from support policies.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("policies", help="list the shipped policy pack ids")

    policy = sub.add_parser("policy", help="check policy files; publish pack versions (admin API)")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, parser_class=_Parser)
    validate = policy_sub.add_parser("validate", help="check a policy file")
    validate.add_argument("file")

    deadlines = sub.add_parser("deadlines", help="the deadlines of a ticket opened at an instant")
    deadlines.add_argument("--policy", required=True, help="a pack id or a policy file")
    deadlines.add_argument("--opened", required=True, help="ISO 8601 instant")
    which = deadlines.add_mutually_exclusive_group()
    which.add_argument("--priority")
    which.add_argument("--urgency")
    deadlines.add_argument("--impact")
    deadlines.add_argument("--channel")
    deadlines.add_argument("--type", dest="request_type")
    deadlines.add_argument("--category")

    for name, text in (("replay", "the SLA state of a ticket"), ("explain", "why deadlines are")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--policy", required=True, help="a pack id or a policy file")
        cmd.add_argument("file", help="JSON {ticket, events, now}; '-' reads standard input")
        if name == "explain":
            cmd.add_argument("--json", action="store_true", help="print JSON instead of text")

    assess_cmd = sub.add_parser("assess", help="a ticket's priority, entitlement flags, charges")
    assess_cmd.add_argument("--policy", required=True, help="a pack id or a policy file")
    assess_cmd.add_argument(
        "file", help="JSON {contract, ticket, events, history, now}; '-' reads standard input"
    )
    contract = sub.add_parser("contract", help="customers' contracts (the admin API)")
    contract_sub = contract.add_subparsers(
        dest="contract_command", required=True, parser_class=_Parser
    )
    _admin_commands(
        contract_sub,
        ("put", "record each contract in FILE as a new version", "file"),
        ("show", "every version of one customer's contract", "customer_id"),
        ("list", "every customer's contract", None),
    )
    _admin_commands(
        policy_sub,
        ("publish", "publish the pack in FILE as its next version", "file"),
        ("show", "one pack's versions", "policy_id"),
        ("list", "every pack and its versions", None),
    )
    _month_commands(sub)
    fee = sub.add_parser("standby-fee", help="the fee of one agreed standby period (R003-4)")
    fee.add_argument("--policy", required=True, help="a pack id or a policy file")
    fee.add_argument("--from", dest="start", required=True, help="ISO 8601 instant")
    fee.add_argument("--to", dest="end", required=True, help="ISO 8601 instant")
    fee.add_argument("--rate", required=True, help="the contract's hourly rate in EUR")
    return parser


def _month_commands(sub: Any) -> None:
    """A customer's month: the statement and the SLA review (from a file or the desk); and a
    simulated month."""
    statement = sub.add_parser("statement", help="a customer's monthly statement")
    statement.add_argument("--customer", required=True)
    statement.add_argument("--period", required=True, help="the month, YYYY-MM")
    statement.add_argument("--format", choices=("text", "json", "csv"), default="text")
    statement.add_argument("--api", help=API_HELP)
    report = sub.add_parser("report", help="SLA compliance of a month (R004-5, R004-12)")
    report.add_argument("--policy", help="a pack id or a policy file (with FILE)")
    report.add_argument("--customer", help="a customer: the desk's stored tickets (no FILE)")
    report.add_argument("--period", required=True, help="the month, YYYY-MM")
    report.add_argument("--format", choices=("json", "text", "csv", "html"), default="json")
    report.add_argument("--api", help=API_HELP)
    report.add_argument(
        "file", nargs="?", help="JSON {tickets: [{id, ticket, events}], now}; '-' reads stdin"
    )
    sim = sub.add_parser("simulate", help="a realistic month through the local stack's workflow")
    sim.add_argument("--days", type=_positive, default=30)
    sim.add_argument("--tickets-per-day", dest="per_day", type=_positive, required=True)
    sim.add_argument("--start", help="ISO 8601 instant the month begins (default: the clock)")
    sim.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--data", default="local-data", help="the local stack's DATA_DIR")


def _admin_commands(group: Any, *commands: tuple[str, str, str | None]) -> None:
    """Subcommands that go through the desk's admin API: (name, help, positional or None)."""
    for name, text, positional in commands:
        cmd = group.add_parser(name, help=text)
        if positional:
            cmd.add_argument(positional)
        cmd.add_argument("--api", help=API_HELP)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except UsageError as exc:
        return _fail(str(exc))
    except (
        PolicyError,
        UnknownPolicyError,
        TicketError,
        TimeFormatError,
        CalendarError,
        InputError,
        ChargeError,
        AmountError,
        ContractCommandError,
        ReportError,
        ReportInputError,
    ) as exc:
        return _fail(str(exc))
    except DeskUnreachable as exc:
        print(f"supportflow: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a defect, not bad input: still one line, never a traceback
        if os.environ.get("SUPPORTFLOW_DEBUG"):
            raise
        print(f"supportflow: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _fail(message: str) -> int:
    print(f"supportflow: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.command == "policies":
        for policy_id in shipped().ids():
            print(policy_id)
        return 0
    if args.command == "policy" and args.policy_command == "validate":
        policy = load_policy_file(args.file)
        print(f"{args.file}: valid policy {policy.id} v{policy.version}")
        return 0
    if args.command == "deadlines":
        return _deadlines(args)
    if args.command == "statement":
        answer = AdminApi(args.api).statement(args.customer, args.period, args.format)
        if args.format == "json":
            _print_json(answer)
        else:
            sys.stdout.write(answer)
        return 0
    if args.command == "report":
        return _report(args)
    if args.command == "simulate":
        return _simulate(args)
    if args.command == "contract":
        target = getattr(args, "file", None) or getattr(args, "customer_id", None)
        _print_json(run_contract(args.contract_command, target, args.api))
        return 0
    if args.command == "policy":
        target = getattr(args, "file", None) or getattr(args, "policy_id", None)
        _print_json(run_policy(args.policy_command, target, args.api))
        return 0
    if args.command == "standby-fee":
        start = _instant(args.start, "--from", args.policy)
        end = _instant(args.end, "--to", args.policy)
        fee = run_standby_fee(_policy(args.policy, start), start, end, args.rate)
        _print_json(fee.as_dict())
        return 0
    document = _read_json(args.file)
    policy, ticket, events, now = _replay_input(args.policy, document)
    if args.command == "assess":

        def instant(text: Any, what: str) -> datetime:
            return _instant(text, what, args.policy)

        _print_json(run_assess(policy, document, ticket, events, now, instant).as_dict())
        return 0
    state = compute_sla(policy, ticket, events, now)
    if args.command == "replay":
        out = {"policy": policy.id, "policy_version": policy.version, **state.as_dict()}
        _print_json(out)
        return 0
    explanation = explain(state)
    if args.json:
        _print_json(explanation.as_dict())
    else:
        sys.stdout.write(render_text(explanation))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 1 to 100000")
    return value


def _simulate(args: argparse.Namespace) -> int:
    root = Path(__file__).resolve().parents[4]  # layers/supportflow/python/supportflow/cli.py
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
    _print_json(summary)
    return 0


def _report(args: argparse.Namespace) -> int:
    period = Month.parse(args.period)
    if args.customer is not None:
        if args.file is not None or args.policy is not None:
            raise UsageError("report: --customer reads the desk; give FILE and --policy without it")
        report = AdminApi(args.api).report(args.customer, str(period))
    else:
        if args.file is None or args.policy is None:
            raise UsageError("report needs --policy ID and FILE, or --customer ID")
        document = _read_json(args.file)
        raw_now = document.get("now") if isinstance(document, dict) else None
        now = datetime.now(UTC) if raw_now is None else _instant(raw_now, "now", args.policy)

        def read_ticket(
            item: dict[str, Any],
        ) -> tuple[Policy, TicketAttributes, list[TicketEvent], datetime]:
            return _replay_input(args.policy, {**item, "now": format_instant(now)})

        def policy_at(on: datetime | None) -> Policy:
            return _policy(args.policy, on)

        report = report_from_document(document, period, read_ticket, policy_at, now)
    text = render(report, args.format)
    if text is None:
        _print_json(report)
    else:
        sys.stdout.write(text)
    return 0


def _policy(ref: str, on: datetime | None) -> Policy:
    registry = shipped()
    if ref in registry.ids():
        return registry.get(ref, on)
    if ref.endswith((".yaml", ".yml")) or Path(ref).is_file():
        return load_policy_file(ref)
    return registry.get(ref, on)  # raises with the list of known ids


def _instant(text: Any, what: str, policy_ref: str) -> datetime:
    zone = _zone_of(policy_ref)
    try:
        return parse_instant(text, zone)
    except TimeFormatError as exc:
        raise TimeFormatError(f"{what}: {exc}") from None


def _zone_of(policy_ref: str) -> Any:
    """Instants without an offset are read in the policy's own zone."""
    return _policy(policy_ref, None).calendar().zone


def _deadlines(args: argparse.Namespace) -> int:
    opened = _instant(args.opened, "--opened", args.policy)
    policy = _policy(args.policy, opened)
    if (args.urgency is None) != (args.impact is None):
        raise UsageError("--urgency and --impact go together")
    ticket = TicketAttributes(
        priority=args.priority,
        urgency=args.urgency,
        impact=args.impact,
        channel=args.channel or policy.default_channel,
        type=args.request_type or "incident",
        category=args.category,
    )
    state = compute_sla(policy, ticket, [TicketEvent(opened, "opened")], opened)
    zone = policy.calendar().zone
    response, resolution = state.metrics["response"], state.metrics["resolution"]
    _print_json(
        {
            "policy": policy.id,
            "priority": state.priority,
            "opened": format_instant(opened, zone),
            "response_due": format_instant(response.due, response.calendar.zone),
            "resolution_due": format_instant(resolution.due, resolution.calendar.zone),
        }
    )
    return 0


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{path}: cannot read: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None


def _replay_input(
    policy_ref: str, document: Any
) -> tuple[Policy, TicketAttributes, list[TicketEvent], datetime]:
    if not isinstance(document, dict):
        raise UsageError("the input must be a JSON object with 'ticket', 'events' and 'now'")
    raw_ticket = document.get("ticket", {})
    raw_events = document.get("events")
    if not isinstance(raw_ticket, dict):
        raise UsageError("'ticket' must be an object of ticket attributes")
    if not isinstance(raw_events, list) or not raw_events:
        raise UsageError("'events' must be a non-empty list, starting with 'opened'")
    events = []
    for n, raw in enumerate(raw_events):
        if not isinstance(raw, dict) or "at" not in raw or "type" not in raw:
            raise UsageError(f"events[{n}] must be an object with 'at' and 'type'")
        at = _instant(raw["at"], f"events[{n}].at", policy_ref)
        extra = {k: v for k, v in raw.items() if k not in ("at", "type", "priority")}
        events.append(TicketEvent(at, str(raw["type"]), raw.get("priority"), extra))
    policy = _policy(policy_ref, events[0].at)
    if document.get("now") is None:
        now = datetime.now(UTC)  # the CLI may read the clock; the domain never does
    else:
        now = _instant(document["now"], "now", policy_ref)
    try:
        ticket = TicketAttributes.model_validate(raw_ticket)
    except ValueError as exc:
        raise UsageError(f"ticket: {str(exc).splitlines()[-1].strip()}") from None
    if ticket.channel is None:
        ticket = ticket.model_copy(update={"channel": policy.default_channel})
    return policy, ticket, events, now


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
