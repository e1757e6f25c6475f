"""The commands' shared inputs: the policy a reference names (a pack id or a policy file),
instants read in its zone, JSON files (or standard input) and a ticket's replay input."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportflow.domain.common.timeutil import TimeFormatError, parse_instant
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.entrypoints.cli.usage import UsageError
from supportflow.policies.registry import load_policy_file, shipped


def policy_of(ref: str, on: datetime | None) -> Policy:
    registry = shipped()
    if ref in registry.ids():
        return registry.get(ref, on)
    if ref.endswith((".yaml", ".yml")) or Path(ref).is_file():
        return load_policy_file(ref)
    return registry.get(ref, on)  # raises with the list of known ids


def read_instant(text: Any, what: str, policy_ref: str) -> datetime:
    zone = _zone_of(policy_ref)
    try:
        return parse_instant(text, zone)
    except TimeFormatError as exc:
        raise TimeFormatError(f"{what}: {exc}") from None


def _zone_of(policy_ref: str) -> Any:
    """Instants without an offset are read in the policy's own zone."""
    return policy_of(policy_ref, None).calendar().zone


def read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{path}: cannot read: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None


def replay_input(
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
        at = read_instant(raw["at"], f"events[{n}].at", policy_ref)
        extra = {k: v for k, v in raw.items() if k not in ("at", "type", "priority")}
        events.append(TicketEvent(at, str(raw["type"]), raw.get("priority"), extra))
    policy = policy_of(policy_ref, events[0].at)
    if document.get("now") is None:
        now = datetime.now(UTC)  # the CLI may read the clock; the domain never does
    else:
        now = read_instant(document["now"], "now", policy_ref)
    try:
        ticket = TicketAttributes.model_validate(raw_ticket)
    except ValueError as exc:
        raise UsageError(f"ticket: {str(exc).splitlines()[-1].strip()}") from None
    if ticket.channel is None:
        ticket = ticket.model_copy(update={"channel": policy.default_channel})
    return policy, ticket, events, now
