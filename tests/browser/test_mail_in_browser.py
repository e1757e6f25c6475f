"""Mail to the local desk: a message sent over SMTP shows up as a ticket on the agent page; the
agent's reply, typed on the page, lands in the outbox threaded under the customer's mail, and an
internal note never does."""

from __future__ import annotations

import smtplib
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from .conftest import Server, sign_in


def _outbox(server: Server) -> list[EmailMessage]:
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(p.read_bytes())  # type: ignore[misc]
        for p in sorted((server.data_dir / "outbox").glob("*.eml"))
    ]


def test_a_mail_becomes_a_ticket_and_the_answer_threads_under_it(server: Server, page: Any) -> None:
    mail = EmailMessage()
    mail["From"] = "ACME ops <ops@acme.example>"
    mail["To"] = "support@supportflow.example"
    mail["Subject"] = "Tracking portal answers 502"
    mail["Message-ID"] = "<portal-502@acme.example>"
    mail.set_content("Since 09:00 every page of the tracking portal answers 502.")
    with smtplib.SMTP("127.0.0.1", int(server.env["SMTP_PORT"]), timeout=30) as smtp:
        smtp.send_message(mail)  # 250 once the desk has taken it

    sign_in(page, server.base)
    row = page.locator("#queue tr", has_text="Tracking portal answers 502")
    row.wait_for(timeout=30_000)
    row.click()
    page.wait_for_selector("#detail:not([hidden])")
    assert "from ops@acme.example · by email" in page.inner_text("#d-request-meta")
    assert "every page of the tracking portal answers 502" in page.inner_text("#d-description")

    page.click("#talk-tabs button[data-mode='note']")  # a note: its own tab and colour
    assert page.get_attribute("#a-message", "class") == "mode-note"
    page.fill("#a-message", "intern: check the load balancer first")
    page.click("#talk button[data-action='note']")
    page.wait_for_selector("#d-timeline tr[data-type='note']")
    page.click("#talk-tabs button[data-mode='respond']")
    page.fill("#a-message", "We are restarting the portal's workers now.")
    page.click("#talk button[data-action='respond']")
    page.wait_for_selector("#d-timeline tr[data-type='responded']")

    def answer() -> EmailMessage | None:
        return next(
            (
                m
                for m in _outbox(server)
                if "restarting the portal" in m.get_body(("plain",)).get_content()
            ),
            None,
        )

    page.wait_for_timeout(200)
    for _ in range(100):
        if answer() is not None:
            break
        page.wait_for_timeout(100)
    reply = answer()
    assert reply is not None
    assert reply["To"] == "ops@acme.example"
    assert reply["In-Reply-To"] == "<portal-502@acme.example>"
    assert "<portal-502@acme.example>" in reply["References"]
    assert reply["Subject"].startswith("Re: Tracking portal answers 502 [T-")
    assert not any("load balancer" in m.get_body(("plain",)).get_content() for m in _outbox(server))

    # The customer answers the desk's mail from their mail client: it threads onto the ticket.
    answer_mail = EmailMessage()
    answer_mail["From"] = "ops@acme.example"
    answer_mail["To"] = str(reply["From"])
    answer_mail["Subject"] = "Re: " + str(reply["Subject"])
    answer_mail["Message-ID"] = "<portal-502-thanks@acme.example>"
    answer_mail["In-Reply-To"] = str(reply["Message-ID"])
    answer_mail["References"] = f"{reply['References']} {reply['Message-ID']}"
    answer_mail.set_content("Back up, thanks.\n\n> We are restarting the portal's workers now.\n")
    with smtplib.SMTP("127.0.0.1", int(server.env["SMTP_PORT"]), timeout=30) as smtp:
        smtp.send_message(answer_mail)
    page.wait_for_function(
        "[...document.querySelectorAll('#d-timeline tr')]"
        ".some(r => r.textContent.includes('Back up, thanks.'))",
        timeout=30_000,
    )
    row = page.locator("#d-timeline tr", has_text="Back up, thanks.").first
    assert "customer message" in row.inner_text() and "restarting" not in row.inner_text()
