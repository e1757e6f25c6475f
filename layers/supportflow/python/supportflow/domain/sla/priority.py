"""How a ticket gets its priority under a policy.

In order: the policy's rules on request type, category and channel (first match wins; a rule may
give no priority at all, as for an information request under integration-9x5); then the urgency x
impact matrix when both are given; then a proposed priority; then the policy's default.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.domain.common.vocabulary import CHANNELS, REQUEST_TYPES
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes


class TicketError(ValueError):
    """Ticket attributes or events that the policy cannot work with."""


@dataclass(frozen=True)
class PriorityDecision:
    priority: str | None
    reason: str


def validate_ticket(policy: Policy, ticket: TicketAttributes) -> None:
    if ticket.channel is not None and ticket.channel not in CHANNELS:
        raise TicketError(f"unknown channel {ticket.channel!r} (one of {', '.join(CHANNELS)})")
    if ticket.type not in REQUEST_TYPES:
        raise TicketError(
            f"unknown request type {ticket.type!r} (one of {', '.join(REQUEST_TYPES)})"
        )
    if ticket.priority is not None:
        check_priority(policy, ticket.priority)
    if (ticket.urgency is None) != (ticket.impact is None):
        raise TicketError("urgency and impact go together: give both or neither")
    if ticket.urgency is not None:
        matrix = policy.priorities.matrix
        if matrix is None:
            raise TicketError(f"policy {policy.id} has no urgency x impact matrix")
        if ticket.urgency not in matrix.urgency:
            raise TicketError(
                f"unknown urgency {ticket.urgency!r} for {policy.id} ({', '.join(matrix.urgency)})"
            )
        if ticket.impact not in matrix.impact:
            raise TicketError(
                f"unknown impact {ticket.impact!r} for {policy.id} ({', '.join(matrix.impact)})"
            )


def check_priority(policy: Policy, priority: str) -> None:
    if priority not in policy.priorities.ids:
        raise TicketError(
            f"unknown priority {priority!r} for {policy.id} ({', '.join(policy.priorities.ids)})"
        )


def check_settable(policy: Policy, priority: str) -> None:
    """A priority an agent may set by hand: a known one, not one only a rule gives."""
    check_priority(policy, priority)
    if priority in policy.priorities.by_rule_only:
        raise TicketError(f"priority {priority!r} of {policy.id} is given only by its rules")


def decide_priority(policy: Policy, ticket: TicketAttributes) -> PriorityDecision:
    """The priority a new ticket gets, with the reason in words."""
    validate_ticket(policy, ticket)
    for rule in policy.priorities.rules:
        if rule.when.matches(ticket):
            trace = f" ({rule.rule})" if rule.rule else ""
            given = rule.priority if rule.priority is not None else "no priority"
            return PriorityDecision(
                rule.priority, f"rule: {_describe(rule.when)} -> {given}{trace}"
            )
    matrix = policy.priorities.matrix
    if matrix is not None and ticket.urgency is not None and ticket.impact is not None:
        priority = matrix.table[ticket.urgency][ticket.impact]
        return PriorityDecision(
            priority, f"matrix: urgency {ticket.urgency} x impact {ticket.impact} -> {priority}"
        )
    proposable = ticket.priority not in policy.priorities.by_rule_only
    if ticket.priority is not None and policy.priorities.accept_proposed and proposable:
        return PriorityDecision(ticket.priority, f"given: {ticket.priority}")
    default = policy.priorities.default
    return PriorityDecision(default, f"default: {default if default else 'no priority'}")


def _describe(condition: object) -> str:
    parts = []
    for name in ("type", "category", "channel"):
        values = getattr(condition, name)
        if values is not None:
            parts.append(f"{name} in {'/'.join(values)}")
    during = getattr(condition, "during", None)
    if during is not None:
        parts.append(f"opened during {during} hours")
    return " and ".join(parts) or "always"
