"""The pages as the deployed desk serves them (issue 19): the local stack publishes pages/ and the
config.json the deployment writes (local/site.py's publish_outputs, as `make deploy`) into the
site bucket the template defines, under moto, and answers each address with the file the
distribution's page-paths function names. A customer files a ticket in the form and follows the
status link of the confirmation mail; no page reads anything of the local server but its config."""

from __future__ import annotations

import re
import time
from typing import Any

from .conftest import Server


def _confirmation_link(server: Server, subject: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for mail in server.get("/local/outbox.json")["messages"]:
            if subject in mail["subject"] or subject in mail["text"]:
                found = re.search(r"https?://\S+/status\S*", mail["text"])
                if found:
                    return found.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no confirmation mail with a status link for {subject!r}")


def test_a_customer_files_a_ticket_and_follows_the_status_link(server: Server, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.base + "/?customer=webshop-bakker")  # the customer's own form link
    page.wait_for_selector(
        "#urgency option", state="attached"
    )  # its fields, from GET /api/forms/webshop-bakker
    page.fill("#contact_email", "info@bakker.example")
    page.fill("#subject", "Bestellingen komen niet aan")
    page.fill("#description", "Sinds vanochtend geen orders in het systeem.")
    page.select_option("#urgency", "high")
    page.select_option("#impact", "large")
    page.click("#submit")
    page.wait_for_selector("#status-section:not([hidden])")
    ticket_id = page.inner_text("#ticket-id")

    link = _confirmation_link(server, ticket_id)
    assert link.startswith(server.base.replace("127.0.0.1", "localhost") + "/status")
    fresh = page.context.new_page()  # as the customer opens the mail later: a new tab
    fresh.goto(link.replace("localhost", "127.0.0.1"))
    fresh.wait_for_selector("#status-section:not([hidden])")
    assert fresh.inner_text("#ticket-id") == ticket_id
    assert "Bestellingen komen niet aan" in fresh.content()

    # What the pages fetched: the site's files, its config and the API; nothing local-only
    # besides the local stack's clock (shown because config.json says "local": true).
    paths = {re.sub(r"^https?://[^/]+", "", u).split("?")[0] for u in requests}
    assert "/config.json" in paths and "/api/forms/webshop-bakker" in paths
    assert not [p for p in paths if p.startswith("/local/") and p != "/local/status.json"]
