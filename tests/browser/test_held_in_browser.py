"""Filings held for an agent, in the agent page (issue 20): a stranger's filing shows with the
reason it was held; the agent files it under a customer and it becomes a ticket; another is
rejected. Nothing was mailed to the stranger before the agent accepted."""

from __future__ import annotations

import json
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
    assert "webshop-bakker" in page.inner_text(f"#queue tr[data-id='{ticket_id}']")

    spam = page.locator("#held tbody tr", has_text="spam@elsewhere.example")
    spam.locator("button[data-decide='reject']").click()
    page.wait_for_selector("#held-section[hidden]", state="attached")
    assert server.get("/api/filings", Authorization="Bearer local-agent-token")["filings"] == []
