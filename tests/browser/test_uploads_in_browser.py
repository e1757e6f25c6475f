"""A screenshot with the ticket (issue 21, R000-4): the customer picks a file on the form, the
browser uploads it straight to the desk's store (locally the stand-in that checks the presigned
POST's policy as S3 does), the ticket lists it, and the agent opens it. A file the desk does not
take is refused in words, next to the field, before anything is filed."""

from __future__ import annotations

from typing import Any

from .conftest import ROOT, Server, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def test_a_customer_uploads_a_screenshot_and_the_agent_opens_it(server: Server, page: Any) -> None:
    page.goto(server.base + "/")
    page.fill("#contact_email", "info@bakker.example")
    page.fill("#subject", "Betaalknop doet niets")
    page.fill("#description", "Zie de schermafbeelding.")
    page.set_input_files(
        "#files", files=[{"name": "setup.exe", "mimeType": "application/x-msdownload",
                          "buffer": b"MZ" * 10}],
    )  # fmt: skip
    page.click("#submit")
    page.wait_for_function(
        "document.querySelector('.field-error[data-for=uploads]').textContent.length > 0"
    )
    assert "not taken" in page.inner_text(".field-error[data-for=uploads]")
    assert page.is_visible("#form-section")  # nothing filed

    page.set_input_files(
        "#files", files=[{"name": "betaalknop.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert "betaalknop.png" in page.inner_text("#file-list")
    page.click("#submit")
    page.wait_for_selector("#status-section:not([hidden])")
    assert "betaalknop.png" in page.inner_text("#request-files")
    ticket_id = page.inner_text("#ticket-id")
    # and one more with a reply on the status page (once the ticket is past triage: a message
    # during triage is refused "try again in a moment")
    page.wait_for_function(
        "document.querySelector('#stage').dataset.stage !== 'triage'", timeout=60_000
    )
    page.fill("#reply", "Het logbestand erbij.")
    page.set_input_files(
        "#reply-files", files=[{"name": "log.txt", "mimeType": "text/plain", "buffer": b"x" * 50}]
    )
    page.click("#send-reply")
    page.wait_for_selector("#timeline .file:has-text('log.txt')")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "upload-status.png"), full_page=True)

    agent = page.context.browser.new_context().new_page()
    agent.set_default_timeout(20_000)
    sign_in(agent, server.base, "anna@desk.example", path=f"/agent#/tickets/{ticket_id}")
    link = agent.locator("#d-attachments a.attachment").first
    link.wait_for()
    assert link.inner_text() == "betaalknop.png"
    assert agent.locator("#d-attachments a.attachment").count() == 2  # the reply's file too
    size = agent.evaluate(
        """async (id) => {
            const found = await api("GET", `/tickets/${id}/attachments/1`, undefined,
                                    { ...agentHeaders(), Accept: "application/json" });
            // the page opens found.url in a new tab; here, the same address from this origin
            const response = await fetch(new URL(found.url).pathname);
            return (await response.arrayBuffer()).byteLength;
        }""",
        ticket_id,
    )
    assert size == len(PNG)  # the very file, opened by the agent
