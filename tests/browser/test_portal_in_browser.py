"""The customer portal in the browser against the local stack: a contact asks for a sign-in link,
the link arrives in the outbox (in German: the demo's Verband Digital has a German contract),
opens the portal signed in and in German; an authorised contact of a demo contract sees a
colleague's ticket and answers it, files a new one with a screenshot that the agent opens; the
colleague (not authorised) sees only their own; a ticket link an agent withdrew says so on the
status page and mails its contact a fresh link. Screenshots in test-artifacts/."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from .conftest import Server, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AUTHORISED, COLLEAGUE = "it@verband.example", "redaktion@verband.example"


def _post(server: Server, path: str, body: dict[str, Any], **headers: str) -> Any:
    request = urllib.request.Request(
        server.base + "/api" + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _file(server: Server, contact: str, subject: str) -> dict[str, Any]:
    body = {
        "customer": "verband-digital",
        "contact_email": contact,
        "subject": subject,
        "description": "Since this morning.",
    }
    filed = _post(server, "/tickets", body, **{"Idempotency-Key": subject.replace(" ", "-")})
    assert filed["created"], filed
    return dict(filed)


def _sign_in_link(server: Server, to: str, seen: int = 0) -> str:
    """The sign-in link in the newest portal mail to `to`, once there are more than `seen`."""
    parser = BytesParser(policy=policy.default)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = []
        for path in sorted((server.data_dir / "outbox").glob("*.eml")):
            message = parser.parsebytes(path.read_bytes())
            assert isinstance(message, EmailMessage)
            text = message.get_body(("plain",)).get_content()
            link = re.search(r"(http://\S+/portal#code=[A-Za-z0-9_-]+(&ticket=T-[0-9A-F]+)?)", text)
            if link and message["To"] == to:
                found.append(link.group(1))
        if len(found) > seen:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no sign-in mail to {to}")


def _mails_to(server: Server, to: str) -> int:
    try:
        return len(_links(server, to))
    except AssertionError:
        return 0


def _links(server: Server, to: str) -> list[str]:
    return [text for _, text in _sign_in_mails(server, to)]


def _sign_in_mails(server: Server, to: str) -> list[tuple[str, str]]:
    """(subject, text) of each sign-in mail to `to`, oldest first."""
    parser = BytesParser(policy=policy.default)
    out = []
    for path in sorted((server.data_dir / "outbox").glob("*.eml")):
        message = parser.parsebytes(path.read_bytes())
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        if "/portal#code=" in text and message["To"] == to:
            out.append((str(message["Subject"]), text))
    return out


def test_a_contact_signs_in_by_mailed_link_and_sees_the_organisations_tickets(
    server: Server, page: Any
) -> None:
    theirs = _file(server, COLLEAGUE, "Newsletter editor hangs on save")
    mine = _file(server, AUTHORISED, "Export to CSV is slow")

    page.goto(server.base + "/portal")
    page.fill("#signin-email", AUTHORISED)
    page.click("#signin-submit")
    page.wait_for_selector("#signin-result:has-text('check your mail')")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-sign-in.png"), full_page=True)
    link = _sign_in_link(server, AUTHORISED)
    site = link.split("/portal#", 1)[0]  # the desk's URL, as the mail names it
    subject, text = _sign_in_mails(server, AUTHORISED)[-1]
    assert subject == "Ihr Anmeldelink für das Supportportal (Verband Digital e.V.)"
    assert "Der Link funktioniert einmal" in text  # the contract's language: German

    page.goto(link)
    page.wait_for_selector(f"#tickets tr[data-id='{theirs['ticket_id']}']")
    assert "#code=" not in page.url  # the code leaves the address bar
    # the contract's language from here on (the browser asked for English)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.inner_text("#list-title") == "Meldungen von Verband Digital e.V."
    assert "jede Meldung Ihrer Organisation" in page.inner_text("#list-scope")
    row = page.locator(f"#tickets tr[data-id='{theirs['ticket_id']}']")
    assert COLLEAGUE in row.inner_text() and "Wir arbeiten daran" in row.inner_text()
    assert "Sie" in page.locator(f"#tickets tr[data-id='{mine['ticket_id']}']").inner_text()
    assert page.inner_text("#who-portal .name") == AUTHORISED
    assert page.inner_text("#new-link") == "Neue Meldung aufgeben"
    page.screenshot(path=str(ARTIFACTS / "portal.png"), full_page=True)

    # the colleague's ticket: open it and answer
    row.click()
    page.wait_for_selector("#ticket-section:not([hidden])")
    assert page.inner_text("#t-subject") == "Newsletter editor hangs on save"
    assert "Wir antworten bis" in page.inner_text("#t-deadlines")  # the promise, in German
    page.wait_for_function(  # a message during triage is refused "try again in a moment"
        "document.querySelector('#t-status').dataset.stage !== 'triage'", timeout=60_000
    )
    page.fill("#t-reply", "It also hangs when I attach an image.")
    page.click("#t-send")
    page.wait_for_selector("#t-timeline tr[data-type='customer_message']")
    assert "attach an image" in page.inner_text("#t-timeline")
    page.screenshot(path=str(ARTIFACTS / "portal-ticket.png"), full_page=True)

    # a new ticket from the portal: the signed-in contact's, with the pack's categories and a
    # screenshot; a double click files one ticket
    page.click("a.back")
    page.click("#new-link")
    page.wait_for_selector("#new-form .category-box:not([hidden])")  # saas-basic's categories
    page.fill("#new-subject", "Search finds nothing")
    page.fill("#new-description", "Any word, no results.")
    page.set_input_files(
        "#new-files", files=[{"name": "suche.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.dblclick("#new-submit")
    page.wait_for_selector("#ticket-section:not([hidden])")
    assert page.inner_text("#t-subject") == "Search finds nothing"
    assert "suche.png" in page.inner_text("#t-files")
    new_id = page.inner_text("#t-id")
    page.click("a.back")
    page.click(".filters button[data-status='any']")
    page.wait_for_selector(f"#tickets tr[data-id='{new_id}']")
    assert page.locator("#tickets tr", has_text="Search finds nothing").count() == 1
    page.screenshot(path=str(ARTIFACTS / "portal-new-ticket.png"), full_page=True)

    # the agent opens the screenshot
    agent = page.context.browser.new_context().new_page()
    agent.set_default_timeout(20_000)
    sign_in(agent, server.base, "anna@desk.example", path=f"/agent#/tickets/{new_id}")
    attached = agent.locator("#d-attachments a.attachment").first
    attached.wait_for()
    assert attached.inner_text() == "suche.png"
    size = agent.evaluate(
        """async (id) => {
            const found = await api("GET", `/tickets/${id}/attachments/1`, undefined,
                                    { ...agentHeaders(), Accept: "application/json" });
            return (await (await fetch(new URL(found.url).pathname)).arrayBuffer()).byteLength;
        }""",
        new_id,
    )
    assert size == len(PNG)
    agent.context.close()

    page.click("#sign-out")
    page.wait_for_selector("#signin-section:not([hidden])")

    # the colleague, not an authorised contact, sees only their own ticket
    page.fill("#signin-email", COLLEAGUE)
    page.click("#signin-submit")  # the page stays in the language it was in
    page.wait_for_selector("#signin-result:has-text('sehen Sie in Ihre E-Mails')")
    page.goto(_sign_in_link(server, COLLEAGUE))
    page.wait_for_selector(f"#tickets tr[data-id='{theirs['ticket_id']}']")
    listed = page.inner_text("#tickets")
    assert mine["ticket_id"] not in listed and "Search finds nothing" not in listed
    assert "Sie sehen Ihre eigenen Meldungen" in page.inner_text("#list-scope")
    page.select_option("#language", "en")  # the contact's own choice, kept in this browser
    page.wait_for_selector("#list-scope:has-text('You see the tickets you filed')")
    assert "We are working on it" in page.inner_text("#tickets")
    page.goto(f"{site}/portal#/tickets/{mine['ticket_id']}")  # a colleague's: not shown
    page.wait_for_selector("#notice:not([hidden])")
    assert "There is no ticket" in page.inner_text("#notice")

    # a used link signs nobody in again
    used = _links(server, COLLEAGUE)[-1]
    again = re.search(r"(http://\S+/portal#code=\S+)", used)
    assert again
    page.click("#sign-out")
    page.goto(again.group(1))
    page.wait_for_selector("#notice:has-text('does not work')")


def test_a_withdrawn_link_offers_a_fresh_one_by_mail(server: Server, page: Any) -> None:
    filed = _file(server, COLLEAGUE, "Images missing in the newsletter")
    ticket_id = filed["ticket_id"]
    sign_in(page, server.base)  # an agent withdraws the ticket's links on the agent page
    page.goto(f"{server.base}/agent#/tickets/{ticket_id}")
    page.wait_for_selector(f"#d-id:has-text('{ticket_id}')")
    page.click("#revoke-links")
    page.wait_for_selector("#a-error:has-text('Write the reason first')")
    page.fill("#a-reason", "forwarded to the wrong person")
    page.click("#revoke-links")
    page.wait_for_selector("#d-timeline tr[data-type='links_revoked']")
    assert "forwarded to the wrong person" in page.inner_text("#d-timeline")
    page.goto(filed["status_url"])
    page.wait_for_selector("#fresh-link")
    said = page.inner_text("#link-error")
    assert said.startswith("This link no longer works: the desk withdrew it. We can mail"), said
    page.screenshot(path=str(ARTIFACTS / "portal-link-withdrawn.png"), full_page=True)
    before = _mails_to(server, COLLEAGUE)
    page.click("#fresh-link")
    page.wait_for_selector("#link-error:has-text('on its way')")
    link = _sign_in_link(server, COLLEAGUE, seen=before)
    assert f"&ticket={ticket_id}" in link
    page.goto(link)
    page.wait_for_selector("#ticket-section:not([hidden])")
    assert page.inner_text("#t-id") == ticket_id
    page.screenshot(path=str(ARTIFACTS / "portal-fresh-link.png"), full_page=True)
