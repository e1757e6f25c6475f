"""Every error the desk names, and what each means to the callers that handle errors by name:
the workflow (ASL Retry and Catch lists), the timer deliveries (retried or dropped), and HTTP
(status and message). Defined once here; the ASL and the local timer pump are tested or derived
from these lists."""

from __future__ import annotations

from supportflow.contracts.contract import ContractError
from supportflow.domain.billing.bookings import BookingError
from supportflow.domain.common.periods import ReportError
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.review.problems import ProblemError
from supportflow.domain.sla.priority import TicketError
from supportflow.domain.ticket.routing import ActionError
from supportflow.domain.ticket.ticket import Busy
from supportflow.domain.ticket.uploads import UploadRefused
from supportflow.policies.registry import UnknownPolicyError
from supportflow.services.billing.bookings import BookingConflict, BookingNotFound
from supportflow.services.desk.agents import AgentError, UnknownAgent
from supportflow.services.desk.audit import AuditError
from supportflow.services.desk.notices import NoticeError
from supportflow.services.desk.search import NoSuchCustomer, SearchError
from supportflow.services.intake.filings import FilingNotFound
from supportflow.services.intake.forms import NoSuchForm
from supportflow.services.portal.access import LinkGone, LinkRefused
from supportflow.services.portal.sessions import NotSignedIn
from supportflow.services.portal.sign_in import SignInRefused
from supportflow.services.ports.tickets import (
    ConcurrentUpdate,
    KeyReused,
    TemporarilyUnavailable,
    TicketNotFound,
)
from supportflow.services.privacy.erase import NothingToErase
from supportflow.services.privacy.locate import TooMany
from supportflow.services.privacy.retention import NotHeld


class Unauthorized(Exception):
    """No valid agent login or customer link (HTTP 401)."""


class Forbidden(Exception):
    """A login without the role this needs (HTTP 403)."""


class TooLarge(Exception):
    """A request body over the limit (HTTP 413)."""


class BadRequest(Exception):
    """A request that cannot be read: bad framing, bad base64, JSON nested too deep (HTTP 400)."""


class UnsupportedMediaType(Exception):
    """A body that is neither JSON nor a form post (HTTP 415)."""


# A workflow step that raises one of these is retried by the state machine (by name).
STEP_RETRYABLE: tuple[type[Exception], ...] = (TemporarilyUnavailable,)
# A workflow step that raises one of these goes to RecordFailure at once (by name).
STEP_FAILURES: tuple[type[Exception], ...] = (
    TicketNotFound,
    ContractError,
    UnknownPolicyError,
    TicketError,
    ActionError,
)
# A timer whose handler raises one of these is delivered again (Scheduler's retry policy).
TIMER_RETRYABLE: tuple[type[Exception], ...] = (TemporarilyUnavailable, Busy, ConcurrentUpdate)

# What each error means over HTTP: (status, what to add to the message, retry later).
HTTP: dict[type[Exception], tuple[int, str, bool]] = {
    TicketNotFound: (404, "", False),
    FilingNotFound: (404, "", False),
    NoSuchForm: (404, "", False),
    UnknownAgent: (404, "", False),
    NoSuchCustomer: (404, "", False),
    SearchError: (422, "", False),
    UploadRefused: (422, "", False),
    NoticeError: (422, "", False),
    AuditError: (422, "", False),
    AgentError: (422, "", False),
    BookingNotFound: (404, "", False),
    NothingToErase: (404, "", False),
    NotHeld: (404, "", False),
    TooMany: (422, "", False),
    Unauthorized: (401, "", False),
    LinkRefused: (401, "", False),
    NotSignedIn: (401, "", False),
    SignInRefused: (401, "", False),
    LinkGone: (410, "", False),
    Forbidden: (403, "", False),
    TooLarge: (413, "", False),
    BadRequest: (400, "", False),
    UnsupportedMediaType: (415, "", False),
    ConcurrentUpdate: (409, "; reload the ticket and try again", False),
    Busy: (409, "", True),
    ActionError: (409, "", False),
    BookingConflict: (409, "", False),
    TicketError: (422, "", False),
    ReportError: (422, "", False),
    ProblemError: (422, "", False),
    ContractError: (422, "", False),
    BookingError: (422, "", False),
    PolicyError: (422, "", False),
    UnknownPolicyError: (422, "", False),
    KeyReused: (422, "", False),
    TemporarilyUnavailable: (503, "; try again in a moment", True),
}


def names(errors: tuple[type[Exception], ...]) -> list[str]:
    return [e.__name__ for e in errors]
