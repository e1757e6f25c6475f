"""Problem management (R004-8) at the desk: watching each changed incident (from the table's
stream) for recurrence and for a proactive RCA, registering a problem record, a customer's
request for an RCA report after a breach, and the report of an RCA task going onto its problem
record.

Problem records and RCA tasks are tickets (domain/review/problems.py), opened through intake with an
idempotency key of their own, so a repeat (a redelivered stream record, a retried request, a
double click) finds the ticket opened the first time. What links two tickets is logged on the
other one by an outbox effect (`LogOnTicket`), in the same write as the ticket that links:
nothing is linked before the link was written, and nothing written stays unlinked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.policy.problems import Seen
from supportflow.domain.review.problems import (
    PROACTIVE,
    PROBLEM,
    RCA,
    REQUESTED,
    ProblemError,
    Suggestion,
    check_rca_request,
    links_of,
    needs_rca,
    recurrence,
    seen_of,
)
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.intake.filing import DeskFiling, DeskTicket
from supportflow.services.intake.open_ticket import Opened, OpenTicket
from supportflow.services.outbox.effects import LogOnTicket
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.tickets import Clock, KeyReused, TicketNotFound, Tickets, retrying
from supportflow.services.review.problem_links import checked_incident, link_to_problem
from supportflow.services.sla.deadlines import Deadlines


@dataclass(frozen=True)
class Watched:
    """What watching one changed ticket did."""

    suggestion: Suggestion | None = None
    rca_task: str | None = None


@dataclass(frozen=True)
class Problems:
    tickets: Tickets
    queue: Queue
    open_ticket: OpenTicket
    contracts: Callable[[], ContractDirectory]
    deadlines: Deadlines
    clock: Clock

    # ----- the stream: each changed incident ---------------------------------------------------

    def watch(self, ticket_id: str) -> Watched:
        """A proactive RCA task for an incident that gets one (R004-8: every top incident), and a
        problem record suggested when production incidents recur. Safe to repeat: both are
        logged on the incident, and the RCA task is opened under a key of its own."""
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return Watched()
        return self.watch_ticket(ticket)

    def watch_ticket(self, ticket: Ticket) -> Watched:
        """`watch` of a ticket as read (the review's one read of it)."""
        ticket_id = ticket.ticket_id
        spec = self.deadlines.policy(ticket).problems
        if not spec.defined or ticket.attributes.get("type", "incident") != "incident":
            return Watched()
        seen = self._seen(ticket)
        rca = None
        if needs_rca(spec, seen):
            rca = self._open_rca(ticket, seen.problems, PROACTIVE, SYSTEM, "").ticket.ticket_id
        suggestion = None
        rule = spec.recurring
        if rule is not None and rule.matches(seen) and not seen.suggested:  # then read the rest
            suggestion = recurrence(spec, seen, self._recent(ticket, rule.within_days))
            if suggestion is not None:
                self._log(ticket_id, "problem_suggested", suggestion.as_dict())
        return Watched(suggestion, rca)

    # ----- agents and customers ------------------------------------------------------------

    def register(
        self,
        customer_id: str,
        incidents: Sequence[str],
        *,
        subject: str,
        description: str,
        actor: str,
        key: str | None = None,
    ) -> Opened:
        """A problem record for the customer, linking its incidents (each learns of it)."""
        contract = self.contracts().find(customer_id)
        if contract is None:
            raise ProblemError(f"no customer {customer_id!r}")
        found = [self._incident(customer_id, t) for t in dict.fromkeys(incidents)]
        if not found:
            raise ProblemError("a problem record links at least one incident")
        form = DeskTicket(
            customer=customer_id,
            contact_email=found[0].contact_email,
            subject=subject,
            description=description,
            channel="portal",
            type=PROBLEM,
        )
        now = self.clock()
        ids = [t.ticket_id for t in found]
        shared = set.intersection(*(set(links_of(t.events)[0]) for t in found))
        if shared:  # one record links them all already: that one
            return Opened(self.tickets.get(sorted(shared)[0]), False, None, None, ())
        digest = hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()[:20]
        key = key or f"problem:{digest}"

        def links(problem_id: str) -> tuple[Effect, ...]:
            return tuple(link_to_problem(problem_id, t, actor, now) for t in ids)

        try:
            filed = DeskFiling(form, key, by=actor, details={"incidents": ids}, links=links)
            return self.open_ticket.open(filed, contract, now)
        except KeyReused:  # the same incidents a moment ago, under another subject
            raise ProblemError(
                "a problem record for these incidents was just registered; reload the incident"
            ) from None

    def request_rca(self, incident_id: str, *, actor: str) -> Opened:
        """A customer's written request for an RCA report after a breached target (R004-8):
        an RCA task due one calendar month later (the pack's `rca` target), tracked like any
        ticket. One per incident: asking again gives the same task."""
        ticket = self.tickets.get(incident_id)
        asked = [
            str(e.data["ticket"])
            for e in ticket.events
            if e.type == "rca_task_opened" and e.data.get("rca") == REQUESTED
        ]
        if asked:  # asked before (the key of the first request holds a day; the log for ever)
            return Opened(self.tickets.get(asked[0]), False, None, None, ())
        spec = self.deadlines.policy(ticket).problems
        state = self.deadlines.state(ticket, max(self.clock(), ticket.last_at))
        breached = [name for name, m in state.metrics.items() if m.breached]
        seen = seen_of(
            incident_id, ticket.opened_at, ticket.attributes, state.priority, ticket.events
        )
        check_rca_request(spec, seen, breached)
        return self._open_rca(ticket, seen.problems, REQUESTED, actor, ", ".join(breached))

    # ----- helpers ----------------------------------------------------------------------------

    def _open_rca(
        self, incident: Ticket, problems: tuple[str, ...], why: str, actor: str, breached: str
    ) -> Opened:
        contract = self.contracts().find(incident.customer_id)
        if contract is None:
            raise ProblemError(f"no contract for {incident.customer_id!r}")
        if not problems:  # R004-8: the analysis is registered as a problem record
            problems = (self._problem_of(incident, actor),)
        now = self.clock()
        what = "requested by the customer" if why == REQUESTED else "for every top incident"
        form = DeskTicket(
            customer=incident.customer_id,
            contact_email=incident.contact_email,
            subject=f"Root-cause analysis: {incident.subject}"[:200],
            description=(
                f"A root-cause analysis of {incident.ticket_id} ({what}, R004-8)"
                + (f"; breached: {breached}" if breached else "")
                + f".\n\n{incident.subject}"
            ),
            channel="portal",
            type=RCA,
            category=why,
        )
        details = {"about": incident.ticket_id, "rca": why, "problems": list(problems)}

        def tell(task_id: str) -> tuple[Effect, ...]:
            data = {"ticket": task_id, "rca": why}
            return (
                LogOnTicket(
                    incident.ticket_id, f"rca:{task_id}", "rca_task_opened", actor, data, now
                ),
            )

        filed = DeskFiling(
            form,
            f"rca-{why}:{incident.ticket_id}",
            by=actor,
            details=details,
            links=tell,
            confirm=why == REQUESTED,  # the customer who asked gets the link to follow it
        )
        return self.open_ticket.open(filed, contract, now)

    def _problem_of(self, incident: Ticket, actor: str) -> str:
        opened = self.register(
            incident.customer_id,
            [incident.ticket_id],
            subject=f"Problem: {incident.subject}"[:200],
            description=f"Problem record for {incident.ticket_id} (R004-8).",
            actor=actor,
            key=f"problem-of:{incident.ticket_id}",
        )
        return opened.ticket.ticket_id

    def _incident(self, customer_id: str, ticket_id: str) -> Ticket:
        return checked_incident(self.tickets, customer_id, ticket_id)

    def _seen(self, ticket: Ticket) -> Seen:
        priority = self.deadlines.state(ticket, max(self.clock(), ticket.last_at)).priority
        return seen_of(
            ticket.ticket_id, ticket.opened_at, ticket.attributes, priority, ticket.events
        )

    def _recent(self, ticket: Ticket, days: int) -> list[Seen]:
        """The customer's other incidents opened in the window before this one, with their logs
        (read only for the few in the window)."""
        since = ticket.opened_at - timedelta(days=days)
        found = []
        for other in self.queue.by_customer(ticket.customer_id):
            if other.ticket_id == ticket.ticket_id or other.attributes.get("type") not in (
                None,
                "incident",
            ):
                continue
            if since <= other.opened_at <= ticket.opened_at:
                try:
                    found.append(self._seen(self.tickets.get(other.ticket_id)))
                except TicketNotFound:
                    continue
        return found

    def _log(self, ticket_id: str, kind: str, data: dict[str, object]) -> None:
        def attempt() -> None:
            ticket = self.tickets.get(ticket_id)
            if any(e.type == kind for e in ticket.events):
                return
            ticket.log(kind, SYSTEM, data, self.clock())
            self.tickets.save(ticket)

        retrying(attempt)
