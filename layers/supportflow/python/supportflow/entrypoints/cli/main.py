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
    supportflow privacy export --email ADDRESS [--out FILE.zip] | erase (--email ADDRESS |
                        --customer ID) --ground TEXT --requested-by WHO | erasures | retention |
                        hold TICKET --reason TEXT [--lift]   [--api URL]   (AVG/GDPR; admins)

Bad input exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from supportflow.domain.billing.charges import ChargeError
from supportflow.domain.calendar.opening_hours import CalendarError
from supportflow.domain.common.money import AmountError
from supportflow.domain.common.periods import ReportError
from supportflow.domain.common.timeutil import TimeFormatError
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.sla.priority import TicketError
from supportflow.entrypoints.cli.admin_commands import (
    contract_command,
    policy_admin_command,
    statement_command,
)
from supportflow.entrypoints.cli.billing import InputError
from supportflow.entrypoints.cli.charge_commands import assess_command, standby_fee_command
from supportflow.entrypoints.cli.contracts import ContractCommandError, DeskUnreachable
from supportflow.entrypoints.cli.month_commands import report_command, simulate_command
from supportflow.entrypoints.cli.parser import build_parser
from supportflow.entrypoints.cli.privacy_commands import privacy_command
from supportflow.entrypoints.cli.report import ReportInputError
from supportflow.entrypoints.cli.sla_commands import (
    deadlines_command,
    explain_command,
    policies_command,
    replay_command,
    validate_command,
)
from supportflow.entrypoints.cli.usage import EXIT_USAGE, UsageError
from supportflow.policies.registry import UnknownPolicyError

# Bad input, each with its own one-line message: exit 2.
BAD_INPUT = (
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
)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return _run(args)
    except UsageError as exc:
        return _fail(str(exc))
    except BAD_INPUT as exc:
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


def _policy_command(args: argparse.Namespace) -> int:
    if args.policy_command == "validate":
        return validate_command(args)
    return policy_admin_command(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "policies": policies_command,
    "policy": _policy_command,
    "deadlines": deadlines_command,
    "replay": replay_command,
    "explain": explain_command,
    "assess": assess_command,
    "standby-fee": standby_fee_command,
    "contract": contract_command,
    "statement": statement_command,
    "report": report_command,
    "simulate": simulate_command,
    "privacy": privacy_command,
}


def _run(args: argparse.Namespace) -> int:
    return COMMANDS[args.command](args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
