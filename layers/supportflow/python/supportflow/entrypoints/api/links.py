"""A ticket's customer links, for agents (a router of the ticket API):

    POST /tickets/{ticket_id}/links/revoke   withdraw every link of the ticket (with a reason):
                                             each answers 410 from now on, and the desk's next
                                             mail carries a link of the new version

How long a link works otherwise (while the ticket is open, then TICKET_LINK_DAYS after it closes)
is services/portal/access.py."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.text import Text
from supportflow.entrypoints.api.callers import agent_calling, deps_of
from supportflow.entrypoints.api.responses import COMMON, answer, problems
from supportflow.observability import count

router = Router()
TicketId = Annotated[str, Path(pattern=r"^T-[0-9A-Z]{10}$")]


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Text = Field(min_length=1, max_length=2_000, description="why (kept on the ticket)")


@router.post(
    "/tickets/<ticket_id>/links/revoke",
    summary="Withdraw every customer link of a ticket (agents)",
    description="Every link mailed so far answers 410 (the page offers to mail a fresh link to "
    "the ticket's contact); the desk's next mail on the ticket carries a link of the new "
    "version. The reason is logged on the ticket (`links_revoked`).",
    responses={200: answer("withdrawn"), **problems(401, 404, *COMMON)},
)
def revoke_links(ticket_id: TicketId, request: Annotated[Revocation, Body()]) -> dict[str, Any]:
    agent = agent_calling(router)
    version = deps_of(router).revoke_links()(ticket_id, agent, request.reason)
    count("LinksRevoked")
    return {"ticket_id": ticket_id, "link_version": version, "by": agent}
