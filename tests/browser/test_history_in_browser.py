"""An agent's working day (issue 20): a ticket opens in a panel in view wherever the queue was
scrolled to; reply, question and note are three tabs in three colours; the pack's canned texts
(best-effort's 4W question, R000-4) start a message; a closed ticket is found again by a word of
its conversation, and its customer's page lists every ticket with its SLA outcome."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from .conftest import ROOT, Server, sign_in

ARTIFACTS = ROOT / "test-artifacts"


def _file(server: Server, subject: str, key: str) -> str:
    body = {
        "contact_email": "eigenaar@delinde.example",  # Zorgpraktijk De Linde: best-effort
        "subject": subject,
        "description": "Sinds vanochtend.",
    }
    request = urllib.request.Request(
        server.base + "/api/tickets",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["ticket_id"])


def _in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                return r.top >= 0 && r.top < innerHeight && r.left >= 0 && r.width > 0; }""",
            selector,
        )
    )


def test_an_agents_day_panel_tabs_canned_texts_search_and_history(
    server: Server, page: Any
) -> None:
    first = _file(server, "Agenda synchroniseert niet", "day-1")
    second = _file(server, "Inloggen lukt niet", "day-2")
    page.set_viewport_size({"width": 1400, "height": 800})
    sign_in(page, server.base, "anna@desk.example")
    row = page.locator(f"#queue tr[data-id='{first}']")
    row.wait_for(timeout=30_000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the queue scrolled away
    row.click()
    page.wait_for_selector("#detail:not([hidden])")
    assert _in_view(page, "#d-id") and page.inner_text("#d-id") == first
    page.click("#actions button[data-action='take']")
    page.wait_for_selector("#talk-tabs button[data-mode='ask_customer']")

    # three tabs, three colours; the 4W question is a text of the pack in the customer's language
    page.click("#talk-tabs button[data-mode='ask_customer']")
    assert page.get_attribute("#a-message", "class") == "mode-ask_customer"
    assert page.inner_text("#talk button") == "Send question"
    page.select_option("#a-canned", "four_w")
    assert "Wanneer gebeurde het" in page.input_value("#a-message")
    page.click("#talk-tabs button[data-mode='note']")
    assert page.get_attribute("#a-message", "class") == "mode-note"
    assert "call_note" in page.inner_html("#a-canned") and "four_w" not in page.inner_html(
        "#a-canned"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "agent-panel.png"))

    page.click("#talk-tabs button[data-mode='respond']")
    page.fill("#a-message", "De agenda is opnieuw gekoppeld met de zonnebloemserver.")
    page.click("#talk button[data-action='respond']")
    page.wait_for_selector("#d-timeline tr[data-type='responded']")
    page.click("#actions button[data-action='close']")
    page.wait_for_function("document.querySelector('#d-stage').textContent === 'closed'")

    # found again, closed, by a word of its conversation (the index follows the stream)
    page.keyboard.press("Escape")
    page.wait_for_selector("#detail", state="hidden")
    page.fill("#q-search", "zonnebloemserver")
    for _ in range(20):
        page.click("#search-all")
        try:
            page.wait_for_selector(f"#found-table tr[data-id='{first}']", timeout=1_000)
            break
        except Exception:  # the stream's function has not indexed it yet
            continue
    found = page.locator(f"#found-table tr[data-id='{first}']")
    assert "closed" in found.inner_text() and "met" in found.locator("td.outcome").inner_text()

    # the customer's page: every ticket, open and closed, with its outcome
    found.click()
    page.wait_for_selector("#detail:not([hidden])")
    page.click("#d-customer")
    page.wait_for_selector(f"#found-table tr[data-id='{second}']")
    assert "Zorgpraktijk De Linde" in page.inner_text("#found-title")
    listed = page.locator("#found-table tr.clickable").evaluate_all(
        "rows => rows.map(r => r.dataset.id)"
    )
    assert listed == [second, first]  # newest first
    page.screenshot(path=str(ARTIFACTS / "agent-history.png"))

    # my notices: a kind turned off stays off
    page.click("#desk-agents summary")
    box = page.locator("#my-notices input[data-notice='new_ticket']")
    box.wait_for()
    assert box.is_checked()
    box.uncheck()
    page.wait_for_timeout(500)
    page.reload()
    page.click("#desk-agents summary")
    page.locator("#my-notices input[data-notice='new_ticket']").wait_for()
    assert not page.locator("#my-notices input[data-notice='new_ticket']").is_checked()
    assert page.locator("#my-notices input[data-notice='assigned']").is_checked()
