"""The e-mails the desk sends, as real MIME messages (plain text + HTML, Dutch or English).

Every user-supplied field is escaped in the HTML part, and header values that carry CR or LF are
rejected (no header injection through a subject line).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from supportflow.domain.timeutil import format_seconds


class HeaderInjection(ValueError):
    """A header value with a line break in it."""


def _header(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection("a header value may not contain a line break")
    return value


TEXTS = {
    "nl": {
        "confirm_subject": "Uw melding {ticket} is ontvangen: {subject}",
        "confirm_intro": "Bedankt voor uw melding. We hebben haar geregistreerd als {ticket}.",
        "confirm_due": "Uiterlijke reactie: {due}.",
        "confirm_link": "Volg uw melding: {link}",
        "esc_subject": "[Escalatie {rung}] {ticket}: {metric} {state}",
        "esc_intro": "De {metric} van melding {ticket} ({customer}) is {state}.",
        "esc_due": "Deadline: {due} ({late}).",
        "esc_priority": "Prioriteit: {priority}. Klant: {customer}. Onderwerp: {subject}.",
        "esc_act": "Melding openen: {link}",
        "late": "{late} over tijd",
        "warning": "nog {left} te gaan",
        "metric_response": "reactietijd",
        "metric_resolution": "oplostijd",
        "state_breached": "overschreden",
        "state_warning": "bijna verlopen",
    },
    "en": {
        "confirm_subject": "Your ticket {ticket} was received: {subject}",
        "confirm_intro": "Thank you. We registered your request as ticket {ticket}.",
        "confirm_due": "First response due by: {due}.",
        "confirm_link": "Follow your ticket: {link}",
        "esc_subject": "[Escalation {rung}] {ticket}: {metric} {state}",
        "esc_intro": "The {metric} target of ticket {ticket} ({customer}) is {state}.",
        "esc_due": "Deadline: {due} ({late}).",
        "esc_priority": "Priority: {priority}. Customer: {customer}. Subject: {subject}.",
        "esc_act": "Open the ticket: {link}",
        "late": "{late} late",
        "warning": "{left} left",
        "metric_response": "first response",
        "metric_resolution": "resolution",
        "state_breached": "breached",
        "state_warning": "about to breach",
    },
}


@dataclass(frozen=True)
class Letter:
    """What goes into one e-mail before it becomes MIME."""

    sender: str
    recipient: str
    subject: str
    lines: list[str]
    link: str | None = None
    message_id_key: str | None = None


def render(letter: Letter) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("supportflow", _header(letter.sender)))
    message["To"] = _header(letter.recipient)
    message["Subject"] = _header(letter.subject)
    message["Message-ID"] = make_msgid(idstring=letter.message_id_key, domain="supportflow.local")
    text = "\n\n".join(letter.lines) + "\n"
    message.set_content(text)
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in letter.lines)
    if letter.link:
        link = html.escape(letter.link, quote=True)
        paragraphs += f'<p><a href="{link}">{link}</a></p>'
    message.add_alternative(
        f'<!doctype html><html><body style="font-family:sans-serif">{paragraphs}</body></html>',
        subtype="html",
    )
    return message


DAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def _local(instant: datetime, language: str) -> str:
    """A deadline as the contract's people read it: day, date and time in the calendar's zone."""
    day = DAYS.get(language, DAYS["en"])[instant.weekday()]
    return f"{day} {instant:%d-%m-%Y %H:%M} {instant.tzname()}"


def confirmation(
    *,
    language: str,
    sender: str,
    recipient: str,
    ticket_id: str,
    subject: str,
    response_due: datetime | None,
    link: str,
) -> EmailMessage:
    t = TEXTS.get(language, TEXTS["en"])
    lines = [t["confirm_intro"].format(ticket=ticket_id)]
    if response_due is not None:
        lines.append(t["confirm_due"].format(due=_local(response_due, language)))
    lines.append(t["confirm_link"].format(link=link))
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=t["confirm_subject"].format(ticket=ticket_id, subject=subject),
            lines=lines,
            link=link,
            message_id_key=f"{ticket_id}.confirmation",
        )
    )


def escalation(
    *,
    language: str,
    sender: str,
    recipient: str,
    ticket_id: str,
    customer: str,
    subject: str,
    priority: str | None,
    metric: str,
    rung: int,
    due: datetime,
    now: datetime,
    link: str,
) -> EmailMessage:
    t = TEXTS.get(language, TEXTS["en"])
    late_seconds = (now - due).total_seconds()
    breached = late_seconds > 0
    state = t["state_breached"] if breached else t["state_warning"]
    metric_name = t[f"metric_{metric}"]
    how = (
        t["late"].format(late=format_seconds(late_seconds))
        if breached
        else t["warning"].format(left=format_seconds(-late_seconds))
    )
    lines = [
        t["esc_intro"].format(metric=metric_name, ticket=ticket_id, customer=customer, state=state),
        t["esc_due"].format(due=_local(due, language), late=how),
        t["esc_priority"].format(priority=priority or "-", customer=customer, subject=subject),
        t["esc_act"].format(link=link),
    ]
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=t["esc_subject"].format(
                rung=rung + 1, ticket=ticket_id, metric=metric_name, state=state
            ),
            lines=lines,
            link=link,
            message_id_key=f"{ticket_id}.{metric}.{rung}",
        )
    )
