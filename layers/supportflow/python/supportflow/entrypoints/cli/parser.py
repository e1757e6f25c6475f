"""The argument parser of `supportflow`: one small helper per command (or group of commands).

A parse error raises UsageError (exit 2, one line) instead of argparse's usage and exit.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from supportflow.entrypoints.cli.privacy_commands import add_privacy
from supportflow.entrypoints.cli.usage import UsageError

API_HELP = "the desk's API (default $SUPPORTFLOW_API or local)"
POLICY_HELP = "a pack id or a policy file"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="supportflow", description="SLA deadlines from support policies.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("policies", help="list the shipped policy pack ids")
    _policy(sub)
    _deadlines(sub)
    _replay_and_explain(sub)
    _assess(sub)
    _contract(sub)
    _statement(sub)
    _report(sub)
    _simulate(sub)
    _standby_fee(sub)
    add_privacy(sub, _Parser, API_HELP)
    return parser


def _policy(sub: Any) -> None:
    """`policy validate` (local), and `policy publish | show | list` (the admin API)."""
    policy = sub.add_parser("policy", help="check policy files; publish pack versions (admin API)")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True, parser_class=_Parser)
    validate = policy_sub.add_parser("validate", help="check a policy file")
    validate.add_argument("file")
    _admin_commands(
        policy_sub,
        ("publish", "publish the pack in FILE as its next version", "file"),
        ("show", "one pack's versions", "policy_id"),
        ("list", "every pack and its versions", None),
    )


def _deadlines(sub: Any) -> None:
    deadlines = sub.add_parser("deadlines", help="the deadlines of a ticket opened at an instant")
    deadlines.add_argument("--policy", required=True, help=POLICY_HELP)
    deadlines.add_argument("--opened", required=True, help="ISO 8601 instant")
    which = deadlines.add_mutually_exclusive_group()
    which.add_argument("--priority")
    which.add_argument("--urgency")
    deadlines.add_argument("--impact")
    deadlines.add_argument("--channel")
    deadlines.add_argument("--type", dest="request_type")
    deadlines.add_argument("--category")


def _replay_and_explain(sub: Any) -> None:
    for name, text in (("replay", "the SLA state of a ticket"), ("explain", "why deadlines are")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--policy", required=True, help=POLICY_HELP)
        cmd.add_argument("file", help="JSON {ticket, events, now}; '-' reads standard input")
        if name == "explain":
            cmd.add_argument("--json", action="store_true", help="print JSON instead of text")


def _assess(sub: Any) -> None:
    assess_cmd = sub.add_parser("assess", help="a ticket's priority, entitlement flags, charges")
    assess_cmd.add_argument("--policy", required=True, help=POLICY_HELP)
    assess_cmd.add_argument(
        "file", help="JSON {contract, ticket, events, history, now}; '-' reads standard input"
    )


def _contract(sub: Any) -> None:
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


def _admin_commands(group: Any, *commands: tuple[str, str, str | None]) -> None:
    """Subcommands that go through the desk's admin API: (name, help, positional or None)."""
    for name, text, positional in commands:
        cmd = group.add_parser(name, help=text)
        if positional:
            cmd.add_argument(positional)
        cmd.add_argument("--api", help=API_HELP)


def _statement(sub: Any) -> None:
    """A customer's month: the statement (from the desk)."""
    statement = sub.add_parser("statement", help="a customer's monthly statement")
    statement.add_argument("--customer", required=True)
    statement.add_argument("--period", required=True, help="the month, YYYY-MM")
    statement.add_argument("--format", choices=("text", "json", "csv"), default="text")
    statement.add_argument("--api", help=API_HELP)


def _report(sub: Any) -> None:
    """A customer's month: the SLA review (from a file or the desk)."""
    report = sub.add_parser("report", help="SLA compliance of a month (R004-5, R004-12)")
    report.add_argument("--policy", help="a pack id or a policy file (with FILE)")
    report.add_argument("--customer", help="a customer: the desk's stored tickets (no FILE)")
    report.add_argument("--period", required=True, help="the month, YYYY-MM")
    report.add_argument("--format", choices=("json", "text", "csv", "html"), default="json")
    report.add_argument("--api", help=API_HELP)
    report.add_argument(
        "file", nargs="?", help="JSON {tickets: [{id, ticket, events}], now}; '-' reads stdin"
    )


def _simulate(sub: Any) -> None:
    """A simulated month."""
    sim = sub.add_parser("simulate", help="a realistic month through the local stack's workflow")
    sim.add_argument("--days", type=_positive, default=30)
    sim.add_argument("--tickets-per-day", dest="per_day", type=_positive, required=True)
    sim.add_argument("--start", help="ISO 8601 instant the month begins (default: the clock)")
    sim.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--data", default="local-data", help="the local stack's DATA_DIR")


def _standby_fee(sub: Any) -> None:
    fee = sub.add_parser("standby-fee", help="the fee of one agreed standby period (R003-4)")
    fee.add_argument("--policy", required=True, help=POLICY_HELP)
    fee.add_argument("--from", dest="start", required=True, help="ISO 8601 instant")
    fee.add_argument("--to", dest="end", required=True, help="ISO 8601 instant")
    fee.add_argument("--rate", required=True, help="the contract's hourly rate in EUR")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} must be from 1 to 100000")
    return value
