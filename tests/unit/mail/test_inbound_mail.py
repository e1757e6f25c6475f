"""Reading mail as it really comes in: sample mails the project made in the shapes Outlook,
Gmail and Apple Mail write (events/receive_mail/), HTML only, ISO-8859-1, attachments, and the
machines (an auto-reply, a bounce) the desk must never answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportflow.services.mail.inbound import html_to_text, parse, strip_quoted

SAMPLES = Path(__file__).resolve().parents[3] / "events" / "receive_mail"


def _mail(name: str):  # type: ignore[no-untyped-def]
    return parse((SAMPLES / f"{name}.eml").read_bytes())


def test_a_new_plain_mail() -> None:
    mail = _mail("new_plain")
    assert (mail.sender, mail.sender_name) == ("servicedesk@noord.example", "Servicedesk Noord")
    assert mail.subject == "Koppeling met zaaksysteem ligt eruit"
    assert mail.message_id == "<20250331090000.4711@noord.example>"
    assert mail.text.startswith("Goedemorgen,\n\nSinds 08:50") and mail.automatic is None
    assert mail.sent_at is not None and mail.sent_at.isoformat() == "2025-03-31T09:00:00+02:00"


@pytest.mark.parametrize(
    "name, written",
    [
        (
            "reply_outlook",
            "Het gaat om de productieomgeving, versie 4.2.\n\nGroet,\nServicedesk Noord",
        ),
        ("reply_gmail", "It also happens in Firefox now."),
        (
            "reply_apple_mail",
            "Dank u, het werkt weer na het legen van de cache."
            "\n\nMet vriendelijke groet,\nEigenaar",
        ),
    ],
)
def test_a_reply_keeps_what_was_written_now(name: str, written: str) -> None:
    mail = _mail(name)
    assert mail.text == written
    assert "T-0123456789" in mail.in_reply_to and mail.automatic is None


def test_html_only_mail_reads_as_text_and_rfc2047_subjects_decode() -> None:
    mail = _mail("html_only")
    assert mail.subject == "Portal läuft langsam – bitte prüfen"
    assert "tracking portal takes 30\xa0s per page" in mail.text.replace("  ", " ")
    assert "- search: slow" in mail.text
    assert "alert(1)" not in mail.text and "ignored" not in mail.text and "<" not in mail.text


def test_iso_8859_1() -> None:
    assert "De crème brûlée-taart kan niet besteld worden." in _mail("latin1").text


def test_attachments_are_kept_with_safe_names() -> None:
    mail = _mail("attachment")
    assert [(a.name, a.content_type, len(a.data)) for a in mail.attachments] == [
        ("error.log", "text/plain", 48 * 20),
        ("screen shot.png", "image/png", 1024),
    ]
    assert mail.text == "See the attached log and screenshot."


@pytest.mark.parametrize("name", ["auto_reply", "bounce"])
def test_machines_are_recognised(name: str) -> None:
    assert _mail(name).automatic


def test_precedence_and_mailing_lists_and_no_reply_senders() -> None:
    base = b"From: a@b.example\r\nTo: support@supportflow.example\r\nSubject: hi\r\n"
    assert parse(base + b"Precedence: bulk\r\n\r\nx").automatic == "Precedence: bulk"
    assert parse(base + b"List-Id: <team.b.example>\r\n\r\nx").automatic
    assert parse(base + b"X-Autoreply: yes\r\n\r\nx").automatic
    assert parse(b"From: no-reply@b.example\r\nSubject: hi\r\n\r\nx").automatic
    assert parse(base + b"\r\nx").automatic is None


def test_broken_mail_never_raises() -> None:
    for raw in (b"", b"\x00\xff\xfe", b"From: <<<\r\nSubject: =?x-unknown?q?abc?=\r\n\r\n\xff",
                b"Content-Type: text/plain; charset=nonsense\r\n\r\n\xe9t\xe9"):  # fmt: skip
        mail = parse(raw)
        assert isinstance(mail.text, str)


def test_quoted_history_is_cut_but_an_all_quote_mail_keeps_its_text() -> None:
    assert strip_quoted("yes\n\n> old\n> older") == "yes"
    assert strip_quoted("> only quoted") == "> only quoted"
    assert strip_quoted("a > b inline\nmore") == "a > b inline\nmore"
    assert html_to_text("<p>a</p><blockquote>old</blockquote>") == "a\n\n> old"


def test_a_forged_or_dangerous_mail_is_suspicious() -> None:
    base = b"From: it@verband.example\r\nSubject: hi\r\n"
    forged = base + b"Authentication-Results: amazonses.com; spf=fail; dmarc=fail header.from=x\r\n"
    assert parse(forged + b"\r\nx").suspicious
    assert parse(base + b"X-SES-Virus-Verdict: FAIL\r\n\r\nx").suspicious
    passed = base + b"Authentication-Results: amazonses.com; spf=pass; dmarc=pass\r\n"
    assert parse(passed + b"\r\nx").suspicious is None
    # only SES's own verdict counts (anyone can write such a header)
    assert (
        parse(base + b"Authentication-Results: evil.example; spf=fail\r\n\r\nx").suspicious is None
    )
