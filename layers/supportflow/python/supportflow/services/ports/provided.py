"""Every port as the composition root provides it (bootstrap.Container): what each
capability's wiring may ask of it besides the shared services it names itself."""

from __future__ import annotations

from typing import Protocol

from supportflow.services.ports.agents import AgentDirectory, NoticePreferences
from supportflow.services.ports.external import Mailer, MailStore, Timers, Workflow
from supportflow.services.ports.outbox import Outbox
from supportflow.services.ports.portal import SignInCodes
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.search import SearchIndex
from supportflow.services.ports.stores import (
    BookingStore,
    ContractStore,
    Filings,
    MailQuota,
    PolicyStore,
    VerdictStore,
)
from supportflow.services.ports.tickets import Clock, Tickets
from supportflow.settings import Settings


class Provided(Protocol):
    @property
    def settings(self) -> Settings: ...
    @property
    def agents(self) -> AgentDirectory: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def tickets(self) -> Tickets: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def queue(self) -> Queue: ...
    @property
    def timers(self) -> Timers: ...
    @property
    def workflow(self) -> Workflow: ...
    @property
    def mailer(self) -> Mailer: ...
    @property
    def mail_store(self) -> MailStore: ...
    @property
    def filings(self) -> Filings: ...
    @property
    def quota(self) -> MailQuota: ...
    @property
    def contract_store(self) -> ContractStore: ...
    @property
    def policy_store(self) -> PolicyStore: ...
    @property
    def bookings(self) -> BookingStore: ...
    @property
    def verdicts(self) -> VerdictStore: ...
    @property
    def search_index(self) -> SearchIndex: ...
    @property
    def notice_preferences(self) -> NoticePreferences: ...
    @property
    def sign_in_codes(self) -> SignInCodes: ...
