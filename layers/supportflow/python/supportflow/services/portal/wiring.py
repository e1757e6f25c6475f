"""The customer portal wired (a mixin of the composition root, bootstrap.Container): the sessions
(a key derived from the link secret, read on first use), who may see a ticket, signing in, the
portal's list, filing from it, and an agent withdrawing a ticket's links.

Sign-in codes, sessions and the sign-in counters run in real time (`real_time`), also where the
desk's clock is simulated (the local stack's accelerated clock, the tests' stepped one): they
guard people, not deadlines. A ticket's links expire after its closing, an instant of the desk's
clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.intake.open_ticket import OpenTicket
    from supportflow.services.mail.tokens import CustomerTokens, Links
    from supportflow.services.portal.access import CustomerAccess
    from supportflow.services.portal.filing import PortalFiling
    from supportflow.services.portal.revoke_links import RevokeLinks
    from supportflow.services.portal.sessions import PortalSessions
    from supportflow.services.portal.sign_in import PortalSignIn
    from supportflow.services.portal.tickets import PortalTickets
    from supportflow.services.ports.portal import SignInCodes
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def policies(self) -> PolicyRegistry: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def tokens(self) -> CustomerTokens: ...
        @property
        def links(self) -> Links: ...
        @property
        def sign_in_codes(self) -> SignInCodes: ...
        @property
        def portal_sessions(self) -> PortalSessions: ...
        def real_time(self) -> datetime: ...
        def open_ticket(self) -> OpenTicket: ...


class PortalUseCases:
    def real_time(self) -> datetime:
        return datetime.now(UTC)

    @cached_property
    def portal_sessions(self: Needs) -> PortalSessions:
        from supportflow.services.portal.sessions import PortalSessions

        return PortalSessions(self.tokens.key, self.settings.portal_session_hours)

    def customer_access(self: Needs) -> CustomerAccess:
        from supportflow.services.portal.access import CustomerAccess

        return CustomerAccess(
            self.tokens,
            self.portal_sessions,
            self.tickets,
            self.contracts,
            self.clock,
            self.real_time,
            timedelta(days=self.settings.ticket_link_days),
        )

    def portal_sign_in(self: Needs) -> PortalSignIn:
        from supportflow.services.portal.sign_in import PortalSignIn

        return PortalSignIn(
            self.contracts,
            self.policies,
            self.sign_in_codes,
            self.quota,
            self.mailer,
            self.portal_sessions,
            self.tokens,
            self.tickets,
            self.links,
            self.real_time,
            self.settings.portal_sign_in_minutes,
            self.settings.portal_sign_ins_per_hour,
        )

    def portal_tickets(self: Needs) -> PortalTickets:
        from supportflow.services.portal.tickets import PortalTickets

        return PortalTickets(self.queue, self.deadlines)

    def portal_filing(self: Needs) -> PortalFiling:
        from supportflow.services.portal.filing import PortalFiling

        return PortalFiling(self.open_ticket(), self.filings, self.clock)

    def revoke_links(self: Needs) -> RevokeLinks:
        from supportflow.services.portal.revoke_links import RevokeLinks

        return RevokeLinks(self.tickets, self.clock)
