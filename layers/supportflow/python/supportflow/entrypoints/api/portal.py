"""The customer portal's API (services/portal/): signing in by a mailed link, and the list of the
organisation's tickets.

    POST /portal/sign-in      public: a sign-in link to a known address (202, said alike for any
                              address)
    POST /portal/session      public: a sign-in link's one-time code for a session
    GET  /portal/tickets      the signed-in contact's (`Authorization: Portal <session>`) list
    POST /portal/fresh-link   public: from an expired or withdrawn ticket link, a sign-in link to
                              the ticket's contact (202, said alike)

With the same session, a ticket opens and is answered, confirmed or reopened through the status
page's routes (`GET /tickets/{id}/status`, `POST /tickets/{id}/customer/{action}`), and a new
ticket is filed with `POST /tickets` (the contact and customer from the session)."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.text import EmailAddress
from supportflow.domain.common.timeutil import format_instant
from supportflow.entrypoints.api.callers import deps_of
from supportflow.entrypoints.api.http_errors import install_error_handlers
from supportflow.entrypoints.api.responses import COMMON, answer, json_response, problems
from supportflow.observability import count, logger
from supportflow.services.portal.sign_in import Asked

app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)
ASKED = (
    "If this address may sign in to the portal, a sign-in link is on its way to it: check your "
    "mail. The link works once, for {minutes} minutes."
)
FRESH = (
    "If the ticket's contact may sign in to the portal, a sign-in link that opens this ticket is "
    "on its way to their address."
)
Authorization = Annotated[str | None, Header(alias="Authorization", max_length=1300)]


class SignInRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailAddress = Field(description="the contact's address, as the contract lists it")


class SessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=100, description="the sign-in link's code")


class FreshLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ticket_id: str = Field(pattern=r"^T-[0-9A-Z]{10}$")
    token: str = Field(
        min_length=32, max_length=64, pattern=r"^[0-9a-f]+$", description="the old link's token"
    )


class Asked202(BaseModel):
    message: str
    minutes: int | None = Field(
        default=None, description="how long a sign-in link works (the page says it in words)"
    )


class Session(BaseModel):
    session: str = Field(description="send as `Authorization: Portal <session>`")
    expires_at: str
    contact: str
    customer_id: str
    customer: str
    sees: Literal["all", "own"] = Field(
        description="all of the organisation's tickets (an authorised contact), or one's own"
    )
    ticket_id: str | None = Field(description="the ticket to open first (a fresh link's)")
    language: Literal["nl", "en", "de"] = Field(description="the contract's language")


def _told(asked: Asked) -> None:
    """Metrics and logs only: the caller is told the same either way."""
    if asked.limited:
        count("SignInsLimited")
    if asked.sent:
        count("SignInMails", asked.sent)
    if asked.failed:
        count("SignInMailsFailed", asked.failed)


@app.post(
    "/portal/sign-in",
    summary="Mail a sign-in link to a contact (public)",
    description="Answered 202 alike for every address: the portal tells no one who the desk's "
    "customers are. A known contact's address gets a link that works once, for "
    "PORTAL_SIGN_IN_MINUTES (15); an address is looked at at most PORTAL_SIGN_INS_PER_HOUR "
    "(5) times an hour.",
    responses={202: answer("asked (said alike for every address)", Asked202), **problems(*COMMON)},
)
def ask_sign_in(request: Annotated[SignInRequest, Body()]) -> Response[Any]:
    deps = deps_of(app)
    _told(deps.portal_sign_in().ask(request.email))
    minutes = deps.settings.portal_sign_in_minutes
    return json_response(202, {"message": ASKED.format(minutes=minutes), "minutes": minutes})


@app.post(
    "/portal/session",
    summary="A sign-in link's code for a portal session (public)",
    description="The code works once, before it expires; a second use is refused (401).",
    responses={200: answer("signed in", Session), **problems(401, *COMMON)},
)
def start_session(request: Annotated[SessionRequest, Body()]) -> dict[str, Any]:
    signed = deps_of(app).portal_sign_in().exchange(request.code)
    count("PortalSessions")
    logger.info("portal sign-in", extra={"customer": signed.session.customer_id})
    return {
        "session": signed.token,
        "expires_at": format_instant(signed.session.expires_at),
        "contact": signed.session.email,
        "customer_id": signed.session.customer_id,
        "customer": signed.customer,
        "sees": "all" if signed.role == "authorised" else "own",
        "ticket_id": signed.ticket_id,
        "language": signed.language,
    }


@app.get(
    "/portal/tickets",
    summary="The organisation's tickets a signed-in contact may see, newest first",
    description="`Authorization: Portal <session>`. An authorised contact sees every ticket of "
    "the organisation, another contact their own. `status` narrows to open (anything not "
    "closed) or closed tickets; a page holds `limit` tickets, `before` is the `next` of the "
    "page before (null: the last page).",
    responses={200: answer("a page of tickets"), **problems(401, *COMMON)},
)
def portal_tickets(
    authorization: Authorization = None,
    status: Annotated[Literal["open", "closed", "any"], Query()] = "any",
    before: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    deps = deps_of(app)
    viewer = deps.customer_access().viewer(authorization)
    return deps.portal_tickets().page(viewer, status=status, before=before, limit=limit)


@app.post(
    "/portal/fresh-link",
    summary="A fresh link for an expired or withdrawn ticket link (public)",
    description="Mailed only to the ticket's contact (never to an address given here), as a "
    "sign-in link to the portal that opens the ticket, when that contact may sign in. Answered "
    "202 alike in every case.",
    responses={202: answer("asked (said alike)", Asked202), **problems(*COMMON)},
)
def fresh_link(request: Annotated[FreshLinkRequest, Body()]) -> Response[Any]:
    _told(deps_of(app).portal_sign_in().fresh_link(request.ticket_id, request.token))
    return json_response(202, {"message": FRESH})
