"""Filings held for an agent (from addresses a contract does not know, or for unknown
customers): list them, accept one (it is opened as filed, and its contact hears from the desk)
or reject it (it is dropped, nobody is mailed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant
from supportflow.services.intake.filing import MailFiling, NewTicket
from supportflow.services.intake.open_ticket import Opened, OpenTicket
from supportflow.services.ports.stores import Filings
from supportflow.services.ports.tickets import Clock, TicketNotFound


class FilingNotFound(TicketNotFound):
    """No held filing with that id (decided already, or never held)."""


@dataclass(frozen=True)
class HeldFilings:
    filings: Filings
    contracts: ContractDirectory
    open_ticket: OpenTicket
    clock: Clock

    def list(self) -> dict[str, Any]:
        return {
            "filings": [
                {
                    "filing_id": f.filing_id,
                    "received_at": format_instant(f.received_at),
                    "customer": f.form.get("customer"),
                    "known_customer": self.contracts.find(str(f.form.get("customer"))) is not None,
                    "contact_email": f.form.get("contact_email"),
                    "subject": f.form.get("subject"),
                    "description": f.form.get("description"),
                    "channel": f.form.get("channel", "web"),
                    "reason": (f.form.get("held") or {}).get("reason"),
                }
                for f in self.filings.held()
            ]
        }

    def accept(self, filing_id: str, customer: str | None = None) -> Opened:
        """Open the held filing as filed, under `customer` when the agent names one (a mail
        from an unknown sender says nothing about its customer)."""
        filing = self._take(filing_id)
        try:
            fields = {k: v for k, v in filing.form.items() if k != "held"}
            held = filing.form.get("held") or {}
            if customer:
                fields["customer"] = customer
            form = NewTicket.model_validate(fields)
            contract = self.contracts.get(str(form.customer))  # an unknown customer: 422, kept
            mail_id = held.get("message_id")
            key = filing.idempotency_key or (f"mail:{mail_id}" if mail_id else None)
            filed = MailFiling(form, key, mail_id=mail_id, raw=held.get("raw"))
            return self.open_ticket.open(filed, contract, self.clock())
        except Exception:
            self.filings.hold(filing)  # nothing is lost: it waits for the agent again
            raise

    def reject(self, filing_id: str) -> None:
        self._take(filing_id)

    def _take(self, filing_id: str) -> Any:
        filing = self.filings.take(filing_id)
        if filing is None:
            raise FilingNotFound(f"no held filing {filing_id}")
        return filing
