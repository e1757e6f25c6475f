"""The outbox's use case wired: the dispatcher (functions/dispatch) gets the ports its effects
are performed through (a mixin of the composition root, bootstrap.Container)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.services.outbox.dispatch import Dispatch
    from supportflow.services.ports.external import Mailer, Timers, Workflow
    from supportflow.services.ports.outbox import Outbox
    from supportflow.services.ports.tickets import Tickets


class Needs(Protocol):
    @property
    def tickets(self) -> Tickets: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def workflow(self) -> Workflow: ...
    @property
    def timers(self) -> Timers: ...
    @property
    def mailer(self) -> Mailer: ...


class OutboxUseCases:
    def dispatch(self: Needs) -> Dispatch:
        from supportflow.services.outbox.dispatch import Dispatch

        return Dispatch(
            self.tickets,
            self.outbox,
            lambda: self.workflow,
            lambda: self.timers,
            lambda: self.mailer,
        )
