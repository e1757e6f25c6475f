"""Monitoring alerts (R003-1: "an outage raises a ticket by itself").

A customer's monitoring posts to `POST /alerts` with its own key (`Authorization: Bearer <key>`;
the contract keeps the key's SHA-256, never the key), in a generic shape or as Prometheus
Alertmanager's webhook sends it. A firing alert opens an outage ticket (channel `monitoring`, the
priority the customer's pack gives it); the same alert (its fingerprint) firing again while that
ticket is open is logged on it (`alert_repeated`), never a new ticket; a resolved alert records
the recovery on the ticket (`alert_recovered`), which the availability report reads. The same
delivery twice logs once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.text import OneLine, Text
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.ticket.events import SYSTEM
from supportflow.services.intake.filing import Filing, NewTicket
from supportflow.services.intake.open_ticket import OpenTicket, intake_key
from supportflow.services.ports.tickets import Clock, Tickets, retrying

Fingerprint = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
Label = Annotated[str, Field(max_length=500)]


class Alert(BaseModel):
    """One alert in the generic shape."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: Literal["firing", "resolved"] = "firing"
    fingerprint: Fingerprint = Field(description="the alert's identity (the same alert again)")
    title: OneLine = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=20_000)
    severity: OneLine | None = Field(default=None, max_length=40)
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class GenericAlerts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alerts: list[Alert] = Field(min_length=1, max_length=100)


class AlertmanagerAlert(BaseModel):
    """One alert as Alertmanager's webhook sends it (only what the desk reads is checked)."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["firing", "resolved"]
    labels: dict[str, Label] = Field(default_factory=dict, max_length=100)
    annotations: dict[str, Label] = Field(default_factory=dict, max_length=100)
    startsAt: datetime | None = None
    endsAt: datetime | None = None
    fingerprint: Fingerprint | None = None

    def as_alert(self) -> Alert:
        name = self.labels.get("alertname") or "alert"
        title = self.annotations.get("summary") or self.annotations.get("title") or name
        labels = ", ".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        description = "\n\n".join(
            part for part in (self.annotations.get("description", ""), labels) if part
        )
        identity = self.fingerprint or hashlib.sha256(labels.encode()).hexdigest()[:16]
        return Alert(
            status=self.status,
            fingerprint=identity,
            title=" ".join(title.split())[:200],
            description=description[:20_000],
            severity=(self.labels.get("severity") or None),
            starts_at=self.startsAt,
            ends_at=self.endsAt if self.endsAt and self.endsAt.year > 1 else None,
        )


class AlertmanagerWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: str
    status: Literal["firing", "resolved"]
    alerts: list[AlertmanagerAlert] = Field(min_length=1, max_length=100)


def alerts_in(body: GenericAlerts | AlertmanagerWebhook) -> list[Alert]:
    """The alerts in a body of either shape, in the generic one."""
    if isinstance(body, AlertmanagerWebhook):
        return [a.as_alert() for a in body.alerts]
    return body.alerts


def customer_of_key(contracts: ContractDirectory, key: str | None) -> Contract | None:
    """The contract one of whose alert keys this is (compared as hashes, in constant time)."""
    if not key:
        return None
    given = hashlib.sha256(key.encode("utf-8", errors="surrogateescape")).hexdigest().encode()
    found = None
    for contract in contracts.all():
        for known in contract.alert_keys:
            if hmac.compare_digest(given, known.encode()):
                found = contract
    return found


Outcome = Literal["opened", "repeated", "recovered", "duplicate", "no_open_ticket"]


@dataclass(frozen=True)
class AlertOutcome:
    fingerprint: str
    outcome: Outcome
    ticket_id: str | None = None


@dataclass(frozen=True)
class ReceiveAlerts:
    open_ticket: OpenTicket
    tickets: Tickets
    clock: Clock

    def __call__(self, contract: Contract, alerts: list[Alert]) -> list[AlertOutcome]:
        return [self._one(contract, alert) for alert in alerts]

    def _one(self, contract: Contract, alert: Alert) -> AlertOutcome:
        now = self.clock()
        form = NewTicket(
            customer=contract.customer_id,
            contact_email=contract.main_contact,
            subject=alert.title,
            description=alert.description or alert.title,
            channel="monitoring",
            fingerprint=alert.fingerprint,
        )
        if alert.status == "resolved":
            open_ticket = self.tickets.repeat_of(intake_key(form, None, now), now)
            if open_ticket is None:
                return AlertOutcome(alert.fingerprint, "no_open_ticket")
            return self._log(open_ticket.ticket_id, "alert_recovered", alert, now)
        opened = self.open_ticket.open(Filing(form, vouched=True), contract, now)  # by its key
        if opened.created:
            return AlertOutcome(alert.fingerprint, "opened", opened.ticket.ticket_id)
        return self._log(opened.ticket.ticket_id, "alert_repeated", alert, now)

    def _log(self, ticket_id: str, kind: str, alert: Alert, now: datetime) -> AlertOutcome:
        at = alert.ends_at if kind == "alert_recovered" else alert.starts_at
        data = {
            "fingerprint": alert.fingerprint,
            "status": alert.status,
            "message": alert.title,
            **({"at": format_instant(at)} if at else {}),
        }

        def attempt() -> AlertOutcome:
            ticket = self.tickets.get(ticket_id)
            same = [e for e in ticket.events if e.type == kind and dict(e.data) == data]
            if same and at is not None:  # the same delivery again
                return AlertOutcome(alert.fingerprint, "duplicate", ticket_id)
            ticket.log(kind, SYSTEM, data, now)
            self.tickets.save(ticket)
            outcome: Outcome = "recovered" if kind == "alert_recovered" else "repeated"
            return AlertOutcome(alert.fingerprint, outcome, ticket_id)

        return retrying(attempt)
