"""The CLI's commands through the desk's admin API: printing what the desk answers.

    supportflow contract put FILE | show ID | list   [--api URL]
    supportflow policy publish FILE | show ID | list [--api URL]
    supportflow statement --customer ID --period YYYY-MM [--format text|json|csv] [--api URL]

Where the desk is and who is asking: see contracts.py.
"""

from __future__ import annotations

import argparse
import sys

from supportflow.entrypoints.cli.contracts import AdminApi, run_policy
from supportflow.entrypoints.cli.contracts import run as run_contract
from supportflow.entrypoints.cli.output import print_json


def contract_command(args: argparse.Namespace) -> int:
    target = getattr(args, "file", None) or getattr(args, "customer_id", None)
    print_json(run_contract(args.contract_command, target, args.api))
    return 0


def policy_admin_command(args: argparse.Namespace) -> int:
    """`policy publish | show | list` (not `policy validate`: that one is local)."""
    target = getattr(args, "file", None) or getattr(args, "policy_id", None)
    print_json(run_policy(args.policy_command, target, args.api))
    return 0


def statement_command(args: argparse.Namespace) -> int:
    answer = AdminApi(args.api).statement(args.customer, args.period, args.format)
    if args.format == "json":
        print_json(answer)
    else:
        sys.stdout.write(answer)
    return 0
