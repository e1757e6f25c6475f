"""History and search through the ticket API, with the index kept from the table's stream by the
review-tickets function (as the event source mapping delivers it on AWS); every call checked
against the functions' roles in template.yaml."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, signed_in
from tests.workflow.review.test_review import _file, _keep

API = "TicketApiFunction"
ANNA = signed_in("anna@desk.example", "first_line")


def _get(desk: Desk, path: str, resource: str, **query: str) -> tuple[int, Any]:
    answer = desk.request(API, "GET", path, resource, query=query or None, **ANNA)
    return answer["statusCode"], json.loads(answer["body"] or "null")


def _act(desk: Desk, ticket_id: str, action: str, **body: Any) -> None:
    answer = desk.agent(ticket_id, action, body, **ANNA)
    assert answer["statusCode"] == 200, answer


def test_a_closed_ticket_is_found_by_a_word_of_its_conversation(desk: Desk) -> None:
    closed = _file(desk, "down", "search-1")
    _act(desk, closed, "take")
    _act(desk, closed, "respond", message="De certificaatketen van de koppeling is vernieuwd.")
    _act(desk, closed, "close")
    desk.clock.advance(minutes=30)
    still_open = _file(desk, "degraded", "search-2")
    _keep(desk)

    status, found = _get(desk, "/search", "/search", q="Certificaatketen")
    assert status == 200, found
    assert [r["ticket_id"] for r in found["tickets"]] == [closed]
    row = found["tickets"][0]
    assert row["open"] is False and row["stage"] == "closed"
    assert row["customer"] and row["outcome"]["response"] == "met"

    # both tickets share the contact (with the RCA task the top incident's closing opened):
    # newest first, a page of one at a time, none twice
    seen, after = [], None
    while True:
        query = {
            "q": "servicedesk@noord.example",
            "limit": "1",
            **({"after": after} if after else {}),
        }
        status, page = _get(desk, "/search", "/search", **query)
        assert status == 200 and len(page["tickets"]) <= 1
        seen += [r["ticket_id"] for r in page["tickets"]]
        if not (after := page["next"]):
            break
    assert len(seen) == len(set(seen)) >= 2 and seen.index(still_open) < seen.index(closed)
    _, only_open = _get(desk, "/search", "/search", q="noord", status="open")
    assert still_open in [r["ticket_id"] for r in only_open["tickets"]]
    assert closed not in [r["ticket_id"] for r in only_open["tickets"]]

    # the customer's page: every ticket, open and closed, with its SLA outcome
    path = "/customers/integratie-noord/tickets"
    status, history = _get(desk, path, "/customers/{customer_id}/tickets")
    listed = [r["ticket_id"] for r in history["tickets"]]
    assert status == 200 and listed.index(still_open) < listed.index(closed)
    closed_row = history["tickets"][listed.index(closed)]
    assert history["customer"] and closed_row["outcome"]["response"] == "met"
    assert _get(desk, "/customers/nobody/tickets", "/customers/{customer_id}/tickets")[0] == 404

    # a search for nothing but common words is refused in words; no login, no answer
    status, refused = _get(desk, "/search", "/search", q="de het")
    assert status == 422 and "word" in refused["message"]
    anonymous = desk.request(API, "GET", "/search", "/search", query={"q": "noord"})
    assert anonymous["statusCode"] == 401

    # a note later adds its words; the stream delivered twice changes nothing
    _act(desk, still_open, "note", message="Klant belt terug over de firewallregel")
    _keep(desk)
    again = desk.stack.verdict_pump()  # the whole stream once more, from its start
    while again.pump():
        pass
    _, noted = _get(desk, "/search", "/search", q="firewallregel")
    assert [r["ticket_id"] for r in noted["tickets"]] == [still_open]
