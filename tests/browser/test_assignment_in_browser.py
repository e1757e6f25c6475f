"""Two agents at one desk (issue 20): Anna takes a ticket; Ben's page offers only "Take over";
Ben takes it over (the log names Anna); he hands it to second line to a specialist, who finds it
under "mine". Every name is the signed-in agent's, from the ID token."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from local.sign_in import DEMO_AGENTS

from .conftest import ROOT, Server, sign_in

ARTIFACTS = ROOT / "test-artifacts"
ANNA, BEN, ADMIN = (a.email for a in DEMO_AGENTS[:3])


def _file_ticket(server: Server, key: str = "assign-1") -> str:
    body = {
        "contact_email": "info@bakker.example",
        "subject": f"Betalen lukt niet ({key})",
        "description": "iDEAL geeft een foutmelding.",
    }
    request = urllib.request.Request(
        server.base + "/api/tickets",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["ticket_id"])


def _actions(page: Any) -> list[str]:
    return [
        b.get_attribute("data-action") for b in page.locator("#talk button, #actions button").all()
    ]


def test_take_take_over_and_hand_to_a_specialist(server: Server, page: Any) -> None:
    ticket_id = _file_ticket(server)
    sign_in(page, server.base, ANNA, path=f"/agent#/tickets/{ticket_id}")
    page.wait_for_selector("#actions button[data-action='take']")
    assert "take_over" not in _actions(page)
    page.click("#actions button[data-action='take']")
    page.wait_for_function(
        "document.querySelector('#d-request-meta').textContent.includes('held by anna@')"
    )

    ben = page.context.browser.new_context().new_page()
    ben.set_default_timeout(20_000)
    sign_in(ben, server.base, BEN, path=f"/agent#/tickets/{ticket_id}")
    ben.wait_for_selector("#actions button[data-action='take_over']")
    assert "take" not in _actions(ben)  # never silently
    row = ben.locator(f"#queue tr[data-id='{ticket_id}'] td.owner")
    assert row.inner_text() == ANNA
    ben.click("#actions button[data-action='take_over']")
    ben.wait_for_function(
        "document.querySelector('#d-request-meta').textContent.includes('held by ben@')"
    )
    # A refusal reads as words next to its field, never "409: change priority needs 'reason'".
    ben.click("#actions button[data-action='change_priority']")
    ben.wait_for_selector("#a-error:has-text('Write the reason')")
    assert "409" not in ben.inner_text("#a-error") and "needs" not in ben.inner_text("#a-error")
    timeline = ben.inner_text("#d-timeline")
    assert "taken_over" in timeline.replace(" ", "_") or "taken over" in timeline

    # Anna's page follows (it reloads the ticket): Ben holds it, she may take it over.
    page.wait_for_function(
        "document.querySelector('#d-request-meta').textContent.includes('held by ben@')"
    )
    page.wait_for_selector("#actions button[data-action='take_over']")

    # Ben hands it to second line, to a specialist by name.
    ben.fill("#a-message", "Koppeling met de betaalprovider: voor de specialist.")
    ben.click("#actions button[data-action='respond'], #talk button[data-action='respond']")
    ben.wait_for_function("document.querySelector('#a-message').value === ''")
    ben.fill("#a-agent", ADMIN)
    ben.click("#actions button[data-action='hand_to_second_line']")
    ben.wait_for_function(
        f"document.querySelector('#d-request-meta').textContent.includes('held by {ADMIN}')"
    )

    specialist = page.context.browser.new_context().new_page()
    specialist.set_default_timeout(20_000)
    sign_in(specialist, server.base, ADMIN)
    specialist.select_option("#q-view", "mine")
    specialist.select_option("#q-group", "second_line")
    specialist.wait_for_selector(f"#queue tr[data-id='{ticket_id}']")
    ARTIFACTS.mkdir(exist_ok=True)
    specialist.screenshot(path=str(ARTIFACTS / "specialist-queue.png"), full_page=True)
    assert specialist.locator("#queue tbody tr").count() == 1


def test_a_draft_stays_with_its_ticket_and_a_colleagues_reply_is_a_warning(
    server: Server, page: Any
) -> None:
    first, second = _file_ticket(server), _file_ticket(server, key="assign-2")
    sign_in(page, server.base, ANNA, path=f"/agent#/tickets/{first}")
    page.wait_for_function(f"document.querySelector('#d-id').textContent === '{first}'")
    page.fill("#a-message", "Beste klant, we hebben de oorzaak gevonden.")
    page.evaluate(f"location.hash = '#/tickets/{second}'")  # another ticket: its own (empty) draft
    page.wait_for_function(f"document.querySelector('#d-id').textContent === '{second}'")
    assert page.input_value("#a-message") == ""
    page.evaluate(f"location.hash = '#/tickets/{first}'")
    page.wait_for_function(f"document.querySelector('#d-id').textContent === '{first}'")
    assert page.input_value("#a-message") == "Beste klant, we hebben de oorzaak gevonden."

    # Ben answers the same ticket while Anna's reply is still a draft.
    ben = page.context.browser.new_context().new_page()
    ben.set_default_timeout(20_000)
    sign_in(ben, server.base, BEN, path=f"/agent#/tickets/{first}")
    ben.wait_for_selector("#talk button[data-action='respond']")
    ben.fill("#a-message", "We kijken ernaar.")
    ben.click("#talk button[data-action='respond']")
    ben.wait_for_function("document.querySelector('#a-message').value === ''")

    page.click("#talk button[data-action='respond']")
    warning = page.wait_for_selector("#collision")
    assert f"{BEN} replied to the customer" in warning.inner_text()
    assert page.input_value("#a-message").startswith("Beste klant")  # the draft is kept
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reply-collision.png"))
    page.click("#send-anyway")
    page.wait_for_function("document.querySelector('#a-message').value === ''")
    replies = page.locator("#d-timeline tr[data-type='responded']")
    replies.nth(1).wait_for()
    assert replies.count() == 2


def test_an_admin_adds_an_agent_and_changes_roles(server: Server, page: Any) -> None:
    sign_in(page, server.base, ADMIN)
    page.click("#desk-agents summary")
    page.wait_for_selector("#agents tr[data-agent='anna@desk.example']")
    page.fill("#n-email", "sam@desk.example")
    page.fill("#n-name", "Sam Specialist")
    page.check("#n-roles input[data-new-role='second_line']")
    page.click("#agent-form button[type=submit]")
    sam = page.wait_for_selector("#agents tr[data-agent='sam@desk.example']")
    assert "invited" in sam.inner_text()
    assert page.is_checked(
        "#agents tr[data-agent='sam@desk.example'] input[data-role='second_line']"
    )
    page.check("#agents tr[data-agent='sam@desk.example'] input[data-role='coordinator']")

    def sams_roles() -> list[str]:
        agents = server.get("/api/agents", Authorization="Bearer local-agent-token")["agents"]
        return list(next(a for a in agents if a["email"] == "sam@desk.example")["roles"])

    deadline = time.monotonic() + 10
    while sams_roles() != ["second_line", "coordinator"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sams_roles() == ["second_line", "coordinator"], page.inner_text("#agents-error")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-agents.png"), full_page=True)

    # An agent who is not an admin sees the desk, not the admin's controls.
    anna = page.context.browser.new_context().new_page()
    anna.set_default_timeout(20_000)
    sign_in(anna, server.base, ANNA)
    anna.click("#desk-agents summary")
    anna.wait_for_selector("#agents tr[data-agent='sam@desk.example']")
    assert anna.locator("#agent-form").is_hidden()
    assert anna.is_disabled(
        "#agents tr[data-agent='sam@desk.example'] input[data-role='coordinator']"
    )
