"""Signing in to the customer portal without a password: a known contact asks for a link, the
desk mails a one-time code to the address the contract lists, the code becomes a session.

- `ask(email)`: if a contract knows the address, a sign-in link goes to it (one per customer
  that knows it), valid `minutes` and once. The caller hears the same whatever the address: the
  portal says nothing about who the desk's customers are (R000-7). At most `per_hour` asks per
  address an hour are looked at (a counter per hashed address, also for unknown addresses, so
  both cost the same); beyond that nothing is mailed.
- `fresh_link(ticket_id, token)`: from a ticket link that expired or was withdrawn (a genuine one:
  its signature is checked), a sign-in link to the ticket's contact, never to an address typed
  in, which opens that ticket after signing in.
- `exchange(code)`: the code, once, before it expires, for a session (sessions.py).

The code is 256 random bits; the desk keeps only its SHA-256 (until it expires, by the table's
TTL), so the table holds nothing that signs anyone in. Using it marks it used in one conditional
write: a second use, or two at once, fails. Codes, sessions and the counters run in real time.

The mail is sent at once through the mail service (it is tied to no ticket, so not through a
ticket's outbox, and the outbox would keep the code in the table in clear until it is sent). A
mail the service refuses is logged and counted (`SignInMailsFailed`), never told to the caller:
an error only for known addresses would tell who is one. What happened (`Asked`) is for the
caller's logs and metrics only."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.mail.tokens import CustomerTokens, Links
from supportflow.services.portal.access import Role, known_spelling, portal_role
from supportflow.services.portal.letters import sign_in_letter
from supportflow.services.portal.sessions import PortalSession, PortalSessions
from supportflow.services.ports.external import Mailer
from supportflow.services.ports.portal import SignInCode, SignInCodes
from supportflow.services.ports.stores import MailQuota
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets

log = logging.getLogger(__name__)
CODE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


class SignInRefused(Exception):
    """A sign-in code that does not work (any more): HTTP 401."""


@dataclass(frozen=True)
class Asked:
    """What an ask did (for logs and metrics; the caller is told the same either way)."""

    sent: int = 0
    failed: int = 0  # the mail service refused
    limited: bool = False  # asked too often this hour: nothing looked at

    def __add__(self, other: Asked) -> Asked:
        return Asked(self.sent + other.sent, self.failed + other.failed, self.limited)


@dataclass(frozen=True)
class SignedIn:
    token: str
    session: PortalSession
    customer: str  # the organisation's name
    role: Role
    ticket_id: str | None  # the ticket to open first
    language: str = "en"  # the contract's: the portal's pages in it, unless the contact picks


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def quota_key(address: str) -> str:
    """The sign-in counter of an address (hashed: no address in a key)."""
    return "signin-" + hashlib.sha256(address.strip().casefold().encode()).hexdigest()[:40]


def new_code() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class PortalSignIn:
    contracts: ContractDirectory
    policies: PolicyRegistry
    codes: SignInCodes
    quota: MailQuota
    mailer: Mailer
    sessions: PortalSessions
    tokens: CustomerTokens
    tickets: Tickets
    links: Links
    real_time: Clock
    minutes: int = 15
    per_hour: int = 5
    code_of: Callable[[], str] = new_code

    def ask(self, email: str) -> Asked:
        """Mail a sign-in link to a known address (one per customer that knows it)."""
        if not self.quota.take(quota_key(email), self.real_time(), self.per_hour):
            log.info("sign-in asked too often", extra={"address": quota_key(email)})
            return Asked(limited=True)
        done = Asked()
        for contract in self.contracts.all():
            if portal_role(contract, email) is not None:
                done += self._mail(known_spelling(contract, email), contract)
        return done

    def fresh_link(self, ticket_id: str, token: str) -> Asked:
        """A sign-in link to the contact of the ticket a genuine (expired or withdrawn) link
        names, when that contact may sign in; it opens that ticket."""
        if self.tokens.version_of(ticket_id, token) is None:
            return Asked()
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return Asked()
        contract = self.contracts.find(ticket.customer_id)
        if contract is None or portal_role(contract, ticket.contact_email) is None:
            log.info("fresh link: the ticket's contact cannot sign in", extra={"ticket": ticket_id})
            return Asked()
        if not self.quota.take(quota_key(ticket.contact_email), self.real_time(), self.per_hour):
            return Asked(limited=True)
        address = known_spelling(contract, ticket.contact_email)
        return self._mail(address, contract, ticket_id)

    def _mail(self, address: str, contract: Contract, ticket_id: str | None = None) -> Asked:
        now = self.real_time()
        code = self.code_of()
        until = now + timedelta(minutes=self.minutes)
        self.codes.keep(digest(code), SignInCode(address, contract.customer_id, until, ticket_id))
        zone = self.policies.get(contract.policy, now).calendar().zone
        letter = sign_in_letter(
            language=contract.language,
            sender=contract.desk_address,
            recipient=address,
            customer=contract.name,
            link=self.links.portal_sign_in(code, ticket_id),
            until=until.astimezone(zone),
            now=now.astimezone(zone),
            ticket_id=ticket_id,
        )
        try:
            self.mailer.send(letter.as_bytes())
        except Exception as exc:  # the caller hears the same; the desk sees it
            failure = {"customer": contract.customer_id, "error": repr(exc)}
            log.error("sign-in mail not sent", extra=failure)
            return Asked(failed=1)
        return Asked(sent=1)

    def exchange(self, code: str) -> SignedIn:
        """A session for a sign-in code: once, before it expires, for a contact the contract
        still knows."""
        refused = SignInRefused(
            f"this sign-in link does not work (any more): it works once, for {self.minutes} "
            "minutes. Ask for a new one."
        )
        if not CODE.match(code):
            raise refused
        now = self.real_time()
        found = self.codes.use(digest(code), now)
        if found is None:
            raise refused
        contract = self.contracts.find(found.customer_id)
        role = portal_role(contract, found.email) if contract is not None else None
        if contract is None or role is None:
            raise refused
        token, session = self.sessions.issue(found.email, found.customer_id, now)
        return SignedIn(token, session, contract.name, role, found.ticket_id, contract.language)
