"""In-memory adapters: a real repository with the same optimistic-lock and idempotency rules as
the DynamoDB one (tickets.py), the small stores (stores.py), and recording fakes for timers,
mail and the mail store (fakes.py), the portal's sign-in codes (portal.py), for unit tests."""

from supportflow.adapters.memory.fakes import InMemoryMailStore, RecordingMailer, RecordingTimers
from supportflow.adapters.memory.portal import InMemorySignInCodes
from supportflow.adapters.memory.stores import (
    InMemoryBookings,
    InMemoryContracts,
    InMemoryFilings,
    InMemoryMailQuota,
    InMemoryPolicies,
    InMemorySearchIndex,
    InMemoryVerdicts,
)
from supportflow.adapters.memory.tickets import InMemoryTickets

__all__ = [
    "InMemoryBookings",
    "InMemoryContracts",
    "InMemoryFilings",
    "InMemoryMailQuota",
    "InMemoryMailStore",
    "InMemoryPolicies",
    "InMemorySearchIndex",
    "InMemorySignInCodes",
    "InMemoryTickets",
    "InMemoryVerdicts",
    "RecordingMailer",
    "RecordingTimers",
]
