"""The pack and SLA commands of the CLI: the shipped packs, checking a policy file, a ticket's
deadlines, and the replay and explanation of a ticket's SLA state.

    supportflow policies
    supportflow policy validate FILE
    supportflow deadlines --policy ID --opened ISO [--priority P | --urgency U --impact I]
                          [--channel C] [--type T] [--category C]
    supportflow replay --policy ID FILE
    supportflow explain --policy ID FILE [--json]
"""

from __future__ import annotations

import argparse
import sys

from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.explain import explain
from supportflow.domain.sla.explanation_text import render_text
from supportflow.domain.sla.sla_state import SlaState, TicketEvent
from supportflow.entrypoints.cli.inputs import policy_of, read_instant, read_json, replay_input
from supportflow.entrypoints.cli.output import print_json
from supportflow.entrypoints.cli.usage import UsageError
from supportflow.policies.registry import load_policy_file, shipped


def policies_command(args: argparse.Namespace) -> int:
    for policy_id in shipped().ids():
        print(policy_id)
    return 0


def validate_command(args: argparse.Namespace) -> int:
    policy = load_policy_file(args.file)
    print(f"{args.file}: valid policy {policy.id} v{policy.version}")
    return 0


def deadlines_command(args: argparse.Namespace) -> int:
    opened = read_instant(args.opened, "--opened", args.policy)
    policy = policy_of(args.policy, opened)
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
    print_json(
        {
            "policy": policy.id,
            "priority": state.priority,
            "opened": format_instant(opened, zone),
            "response_due": format_instant(response.due, response.calendar.zone),
            "resolution_due": format_instant(resolution.due, resolution.calendar.zone),
        }
    )
    return 0


def replay_command(args: argparse.Namespace) -> int:
    policy, state = _replayed(args)
    out = {"policy": policy.id, "policy_version": policy.version, **state.as_dict()}
    print_json(out)
    return 0


def explain_command(args: argparse.Namespace) -> int:
    _, state = _replayed(args)
    explanation = explain(state)
    if args.json:
        print_json(explanation.as_dict())
    else:
        sys.stdout.write(render_text(explanation))
    return 0


def _replayed(args: argparse.Namespace) -> tuple[Policy, SlaState]:
    """The policy and the SLA state of the ticket in FILE."""
    document = read_json(args.file)
    policy, ticket, events, now = replay_input(args.policy, document)
    return policy, compute_sla(policy, ticket, events, now)
