"""Filings held for an agent, in the agent page (issue 20): a stranger's filing shows with the
reason it was held; the agent files it under a customer and it becomes a ticket; another is
rejected. Nothing was mailed to the stranger before the agent accepted."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from .conftest import Server, sign_in


def _file(server: Server, sender: str, subject: str) -> int:
    body = {"contact_email": sender, "subject": subject, "description": "Zie onderwerp."}
    request = urllib.request.Request(
        server.base + "/api/tickets",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": subject.replace(" ", "-")},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_the_held_view_accepts_under_a_customer_and_rejects(server: Server, page: Any) -> None:
    assert _file(server, "jan@bakker-nieuw.example", "Kassa print niet") == 202  # held
    assert _file(server, "spam@elsewhere.example", "Koop nu") == 202
    mailed = {m["to"] for m in server.get("/local/outbox.json")["messages"]}
    assert not mailed & {"jan@bakker-nieuw.example", "spam@elsewhere.example"}

    sign_in(page, server.base)
    page.wait_for_selector("#held-section:not([hidden])")
    rows = page.locator("#held tbody tr")
    assert rows.count() == 2
    jan = page.locator("#held tbody tr", has_text="jan@bakker-nieuw.example")
    assert "Kassa print niet" in jan.inner_text()
    jan.locator("button[data-decide='accept']").click()  # no customer chosen yet
    page.wait_for_selector("#held-error:has-text('Choose the customer')")
    jan.locator("select.held-customer").select_option("webshop-bakker")
    jan.locator("button[data-decide='accept']").click()
    page.wait_for_function("location.hash.startsWith('#/tickets/T-')")
    ticket_id = page.evaluate("location.hash.split('/')[2]")
    page.wait_for_selector(f"#queue tr[data-id='{ticket_id}']")
    assert "Bakkerij Bakker webshop" in page.inner_text(f"#queue tr[data-id='{ticket_id}']")
    page.keyboard.press("Escape")  # the accepted ticket opened beside the queue: back
    page.wait_for_selector("#detail", state="hidden")

    spam = page.locator("#held tbody tr", has_text="spam@elsewhere.example")
    spam.locator("button[data-decide='reject']").click()
    page.wait_for_selector("#held-section[hidden]", state="attached")
    assert server.get("/api/filings", Authorization="Bearer local-agent-token")["filings"] == []


def test_an_admin_accepts_and_adds_the_sender_whose_next_filing_is_not_held(
    server: Server, page: Any
) -> None:
    assert _file(server, "kees@bakker-nieuw.example", "Bonnen printen niet") == 202
    sign_in(page, server.base, "admin@desk.example")
    row = page.locator("#held tbody tr", has_text="kees@bakker-nieuw.example")
    row.wait_for()
    row.locator("select.held-customer").select_option("webshop-bakker")
    row.locator("input.held-add").check()
    row.locator("button[data-decide='accept']").click()
    page.wait_for_function("location.hash.startsWith('#/tickets/T-')")
    # The sender is a known contact of the customer now: the next filing opens a ticket (the
    # intake's copy of the contracts reads the store once a second).
    time.sleep(1.1)
    assert _file(server, "kees@bakker-nieuw.example", "Weer de bonnen") == 201
    versions = server.get("/api/contracts/webshop-bakker", Authorization="Bearer local-admin-token")
    latest = max(versions["versions"], key=lambda v: v["version"])
    assert "kees@bakker-nieuw.example" in latest["contract"]["other_contacts"]
    assert latest["recorded_by"] == "admin@desk.example"

    # An agent who is not an admin is not offered it (and the API refuses it: 403).
    assert _file(server, "piet@bakker-nieuw.example", "Nog een vraag") == 202
    anna = page.context.browser.new_context().new_page()
    sign_in(anna, server.base)
    anna.locator("#held tbody tr", has_text="piet@").wait_for()
    assert anna.locator("#held input.held-add").count() == 0
