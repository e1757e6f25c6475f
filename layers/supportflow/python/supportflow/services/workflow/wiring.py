"""The workflow's use cases wired (a mixin of the composition root, bootstrap.Container): one
per function of the state machine and its timers, each named as its function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.services.desk.notices import AgentNotices
    from supportflow.services.desk.record_action import RecordAction
    from supportflow.services.mail.tokens import Links
    from supportflow.services.outbox.dispatch import Dispatch
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines
    from supportflow.services.workflow.escalate import Escalate
    from supportflow.services.workflow.fire_timer import FireTimer
    from supportflow.services.workflow.park import Park
    from supportflow.services.workflow.reconcile import Reconcile
    from supportflow.services.workflow.record_failure import RecordFailure
    from supportflow.services.workflow.triage import Triage

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def links(self) -> Links: ...
        def record_action(self) -> RecordAction: ...
        def dispatch(self) -> Dispatch: ...
        def agent_notices(self) -> AgentNotices: ...


class WorkflowUseCases:
    def triage(self: Needs) -> Triage:
        from supportflow.services.workflow.triage import Triage

        return Triage(self.deadlines, self.tickets, self.clock, self.agent_notices())

    def park(self: Needs) -> Park:
        from supportflow.services.workflow.park import Park

        return Park(self.tickets)

    def fire_timer(self: Needs) -> FireTimer:
        from supportflow.services.workflow.fire_timer import FireTimer

        return FireTimer(self.deadlines, self.tickets, self.record_action(), self.clock)

    def escalate(self: Needs) -> Escalate:
        from supportflow.services.workflow.escalate import Escalate

        language = self.settings.desk_language or None
        return Escalate(
            self.contracts, self.deadlines, self.links, self.tickets, self.clock, language
        )

    def record_failure(self: Needs) -> RecordFailure:
        from supportflow.services.workflow.record_failure import RecordFailure

        return RecordFailure(self.tickets)

    def reconcile(self: Needs) -> Reconcile:
        from supportflow.services.workflow.reconcile import Reconcile

        return Reconcile(
            self.tickets,
            self.outbox,
            self.queue,
            self.deadlines,
            self.timers,
            self.workflow,
            self.dispatch(),
            self.clock,
        )
