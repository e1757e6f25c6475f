"""The outbox's use case wired: the dispatcher (functions/dispatch) gets the ports its effects
are performed through (a mixin of the composition root, bootstrap.Container)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportflow.services.outbox.dispatch import Dispatch
    from supportflow.services.ports.provided import Provided


class OutboxUseCases:
    def dispatch(self: Provided) -> Dispatch:
        from supportflow.services.outbox.dispatch import Dispatch

        return Dispatch(
            self.tickets,
            self.outbox,
            lambda: self.workflow,
            lambda: self.timers,
            lambda: self.mailer,
        )
