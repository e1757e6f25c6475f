"""How long a customer's ticket link works: while the ticket is open, and for a while after it
closes; an agent may withdraw every link of a ticket at once (`links_revoked`, logged), and the
links the desk mails after that are of the next version.

A link names the version it was made for; it works only while that is the ticket's version and
the ticket has not been closed for longer than the desk keeps links (`keep_after_close`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket

REVOKED = "links_revoked"  # the event an agent's withdrawal logs (reason, the new version)


class LinkState(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # an agent withdrew the ticket's links since this one was made
    EXPIRED = "expired"  # the ticket closed longer ago than links are kept


def link_version(ticket: Ticket) -> int:
    """The version of the ticket's links: how often an agent withdrew them (0: never)."""
    return sum(1 for e in ticket.events if e.type == REVOKED)


def closed_at(ticket: Ticket) -> datetime | None:
    """When the ticket closed (None while it is not closed)."""
    if ticket.stage != Stage.CLOSED:
        return None
    return next((e.at for e in reversed(ticket.events) if e.type == "closed"), ticket.last_at)


def links_expire_at(ticket: Ticket, keep_after_close: timedelta) -> datetime | None:
    """When the ticket's links stop working (None: not while it is open)."""
    closed = closed_at(ticket)
    return None if closed is None else closed + keep_after_close


def link_state(
    ticket: Ticket, version: int, now: datetime, keep_after_close: timedelta
) -> LinkState:
    """What a link of `version` (its signature checked already) does on this ticket now."""
    if version != link_version(ticket):
        return LinkState.REVOKED
    ends = links_expire_at(ticket, keep_after_close)
    if ends is not None and now >= ends:
        return LinkState.EXPIRED
    return LinkState.VALID
