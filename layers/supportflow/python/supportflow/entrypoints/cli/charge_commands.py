"""The entitlement and charge commands of the CLI: reading their arguments and input, printing
their answer (the rules' input and output are billing.py's).

    supportflow assess --policy ID FILE
    supportflow standby-fee --policy ID --from ISO --to ISO --rate EUR
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from supportflow.entrypoints.cli.billing import run_assess, run_standby_fee
from supportflow.entrypoints.cli.inputs import policy_of, read_instant, read_json, replay_input
from supportflow.entrypoints.cli.output import print_json


def assess_command(args: argparse.Namespace) -> int:
    document = read_json(args.file)
    policy, ticket, events, now = replay_input(args.policy, document)

    def instant(text: Any, what: str) -> datetime:
        return read_instant(text, what, args.policy)

    print_json(run_assess(policy, document, ticket, events, now, instant).as_dict())
    return 0


def standby_fee_command(args: argparse.Namespace) -> int:
    start = read_instant(args.start, "--from", args.policy)
    end = read_instant(args.end, "--to", args.policy)
    fee = run_standby_fee(policy_of(args.policy, start), start, end, args.rate)
    print_json(fee.as_dict())
    return 0
