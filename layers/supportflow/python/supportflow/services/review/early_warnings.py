"""Early warnings by mail while a month runs (R004-12, R004-6): one mail per warning of a tier
to the role the pack names, once per customer, month and warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from supportflow.domain.common.periods import Month
from supportflow.domain.review.verdicts import (
    BREACHED_OUTCOME,
)
from supportflow.domain.review.warnings import ThresholdWarning
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.mail import compose as mail
from supportflow.services.mail.tokens import Links
from supportflow.services.outbox.effects import SendMail
from supportflow.services.ports.stores import VerdictRow
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets, retrying
from supportflow.services.review.compliance_review import ComplianceReview
from supportflow.services.review.keep_verdicts import ticket_verdicts


@dataclass(frozen=True)
class EarlyWarnings:
    """While a month runs, the role the pack names (`review.warn`, R004-6: the service support
    manager) gets one mail per warning of a tier: "top resolution already breached once: the
    100% target is lost", "high response at 75%: 1 more on time needed". The ticket whose
    breach tipped it carries the mail (its log says so), and a mark per customer, month and
    warning, written in the same transaction, makes it once: a redelivery, a second breach in
    the tier or a parallel shard finds the mark."""

    review: ComplianceReview
    tickets: Tickets
    policies: PolicyRegistry
    links: Links
    clock: Clock

    def __call__(self, ticket_id: str) -> int:
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return 0
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        return self.after(ticket, ticket_verdicts(ticket, policy, self.clock()))

    def after(self, ticket: Ticket, rows: list[VerdictRow]) -> int:
        """The warnings this ticket's verdicts (`rows`, as just kept) tip; how many were mailed."""
        ticket_id = ticket.ticket_id
        contract = self.review.contracts().find(ticket.customer_id)
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        if contract is None or policy.review.warn is None:
            return 0
        now = self.clock()
        month = Month.of(now, policy.calendar().zone)
        tipped = {
            (row.verdict.priority, row.verdict.metric)
            for row in rows
            if row.verdict is not None
            and row.month == str(month)
            and row.verdict.outcome() == BREACHED_OUTCOME
        }
        if not tipped:
            return 0
        sent = 0
        for warning in self.review.warnings(ticket.customer_id, month):
            if warning.kind == "missed" or (warning.priority, warning.metric) not in tipped:
                continue
            mark = f"WARNING#{ticket.customer_id}#{month}#{warning.key}"
            sent += retrying(partial(self._warn, ticket_id, warning, mark, month, now))
        return sent

    def _warn(
        self, ticket_id: str, warning: ThresholdWarning, mark: str, month: Month, now: datetime
    ) -> int:
        if self.tickets.marked(mark):
            return 0
        ticket = self.tickets.get(ticket_id)
        contract = self.review.contracts().get(ticket.customer_id)
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        role = str(policy.review.warn)
        recipient = contract.escalation.get(role, contract.desk_address)
        priority = mail.priority_name(policy, warning.priority, contract.language)
        message = mail.early_warning(
            language=contract.language,
            sender=contract.desk_address,
            recipient=recipient,
            customer=contract.name,
            warning=warning,
            priority=priority,
            month=str(month),
            ticket_id=ticket_id,
            subject=ticket.subject,
            rule=policy.review.rule,
            link=self.links.review(ticket.customer_id, str(month)),
            now=now,
        )
        key = f"warning:{month}:{warning.key}"
        data = {"key": key, "warning": warning.text, "role": role, "to": recipient}
        ticket.log("compliance_warning", SYSTEM, data, now)
        letter = SendMail(ticket_id, f"mail:{key}", message.as_bytes(), recipient)
        self.tickets.save(ticket, [letter], once=[mark])
        return 1
