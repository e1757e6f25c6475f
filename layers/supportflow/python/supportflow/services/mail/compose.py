"""The e-mails the desk sends, as real MIME messages (plain text + HTML, Dutch or English).

Every user-supplied field is escaped in the HTML part, and header values that carry CR or LF are
rejected (no header injection through a subject line).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, formatdate, make_msgid

from supportflow.domain.common.timeutil import format_seconds
from supportflow.domain.policy.policy import Policy
from supportflow.domain.review.warnings import ThresholdWarning, percent_text
from supportflow.domain.ticket import conversation
from supportflow.domain.ticket.conversation import Thread
from supportflow.services.mail.texts import EVENT_WORDS, PRIORITY_NAMES, TEXTS


class HeaderInjection(ValueError):
    """A header value with a line break in it."""


def _header(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection("a header value may not contain a line break")
    return value


def priority_name(policy: Policy, priority: str | None, language: str) -> str:
    """A priority as the mail's reader names it: the pack's label when the pack speaks the
    mail's language, else our own name for it (never a bare English id in a Dutch mail)."""
    if priority is None:
        return "-"
    level = next((lv for lv in policy.priorities.levels if lv.id == priority), None)
    label = level.label if level else None
    if label and policy.language == language:
        return label
    names = PRIORITY_NAMES.get(language, PRIORITY_NAMES["en"])
    return names.get(priority, label or priority)


@dataclass(frozen=True)
class Letter:
    """What goes into one e-mail before it becomes MIME."""

    sender: str
    recipient: str
    subject: str
    lines: list[str]
    link: str | None = None
    message_id: str | None = None  # deterministic: see domain.conversation.message_id
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    date: datetime | None = None


# Headers on one line where they fit the RFC 5322 limit: Python folds a long subject before its
# first word, which some readers keep as a leading space.
POLICY = policy.default.clone(max_line_length=998)


def render(letter: Letter) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr(("supportflow", _header(letter.sender)))
    message["To"] = _header(letter.recipient)
    if letter.cc:
        message["Cc"] = ", ".join(_header(a) for a in letter.cc)
    message["Subject"] = _header(letter.subject)
    message["Date"] = format_datetime(letter.date) if letter.date else formatdate(localtime=False)
    message["Message-ID"] = _header(letter.message_id or make_msgid(domain="supportflow.local"))
    if letter.in_reply_to:
        message["In-Reply-To"] = _header(letter.in_reply_to)
    if letter.references:
        message["References"] = _header(" ".join(letter.references))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply loops
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
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
}


def local_time(instant: datetime, language: str) -> str:
    """A deadline as the contract's people read it: day, date and time in the calendar's zone."""
    day = DAYS.get(language, DAYS["en"])[instant.weekday()]
    return f"{day} {instant:%d-%m-%Y %H:%M} {instant.tzname()}"


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().lower() or "supportflow.local"


def confirmation(
    *,
    language: str,
    sender: str,
    recipient: str,
    ticket_id: str,
    subject: str | None,
    response_due: datetime | None,
    link: str,
    thread: Thread | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """The receipt a customer gets when a ticket opens (R002-1), threaded under their own mail
    when the ticket came in by mail; without `subject` it repeats none of the filer's words."""
    t = TEXTS.get(language, TEXTS["en"])
    lines = [t["confirm_intro"].format(ticket=ticket_id)]
    if response_due is not None:
        lines.append(t["confirm_due"].format(due=local_time(response_due, language)))
    lines += [t["confirm_link"].format(link=link), t["reply_hint"]]
    domain = domain_of(sender)
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=(
                t["confirm_subject"].format(ticket=ticket_id, subject=subject)
                if subject
                else t["confirm_subject_plain"].format(ticket=ticket_id)
            ),
            lines=lines,
            link=link,
            message_id=conversation.message_id(ticket_id, "confirmation", domain),
            in_reply_to=thread.in_reply_to if thread else None,
            references=thread.references if thread else (),
            date=date,
        )
    )


@dataclass(frozen=True)
class Update:
    """One public step of a ticket, as the customer is told of it."""

    kind: str  # answer, question, resolved, reopened, closed (domain.conversation.UPDATES)
    key: str  # unique per ticket: the Message-ID's and the outbox's key
    message: str | None
    link: str
    thread: Thread


def update(
    *,
    language: str,
    sender: str,
    recipient: str,
    cc: tuple[str, ...],
    ticket_id: str,
    subject: str,
    step: Update,
    date: datetime,
) -> EmailMessage:
    """The mail for an answer, a question, a resolution (with the confirm/reopen link), a
    reopen or the close, threaded under the ticket's conversation."""
    t = TEXTS.get(language, TEXTS["en"])
    lines = [t[f"{step.kind}_intro"].format(ticket=ticket_id)]
    if step.message:
        lines.append(step.message)
    if step.kind == "question":
        lines.append(t["question_wait"])
    if step.kind == "resolved":
        lines.append(t["resolved_act"].format(link=step.link))
    elif step.kind == "closed":
        lines.append(t["closed_new"])
    else:
        lines += [t["reply_hint"], t["follow"].format(link=step.link)]
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            cc=cc,
            subject=t["update_subject"].format(ticket=ticket_id, subject=subject),
            lines=lines,
            link=step.link,
            message_id=conversation.message_id(ticket_id, step.key, domain_of(sender)),
            in_reply_to=step.thread.in_reply_to,
            references=step.thread.references,
            date=date,
        )
    )


@dataclass(frozen=True)
class Situation:
    """Where a ticket stands, for a manager's mail: who holds it (None: nobody), its line and
    stage, the last thing a person did and when, the customer's contact, and the deadline's
    explanation in one line."""

    owner: str | None
    group: str
    stage: str
    last: tuple[str, str, datetime] | None  # (event type, who, when)
    contact: str
    target: str | None
    calendar: str
    start: datetime | None

    def lines(self, t: dict[str, str], language: str, metric: str, priority: str) -> list[str]:
        group = t.get(f"group_{self.group}", self.group.replace("_", " "))
        owner = self.owner or t["esc_nobody"].format(group=group)
        stage = t.get(f"stage_{self.stage}", self.stage.replace("_", " "))
        out = [t["esc_owner"].format(owner=owner, group=group, stage=stage)]
        if self.last is not None:
            kind, who, when = self.last
            words = EVENT_WORDS.get(language, EVENT_WORDS["en"]).get(kind, kind.replace("_", " "))
            out.append(t["esc_last"].format(what=words, who=who, when=local_time(when, language)))
        out.append(t["esc_contact"].format(contact=self.contact))
        if self.target and self.start is not None:
            out.append(
                t["esc_why"].format(
                    target=self.target,
                    metric=t[f"metric_{metric}"],
                    priority=priority,
                    calendar=self.calendar,
                    start=local_time(self.start, language),
                )
            )
        return out


def _escalation_words(
    t: dict[str, str],
    ticket_id: str,
    customer: str,
    metric: str,
    rung: int,
    share: float | None,
    breached: bool,
) -> tuple[str, str]:
    """The subject and first line: a warning before the deadline, an escalation at or past it."""
    name = t[f"metric_{metric}"]
    if share is not None and share < 100 and not breached:
        shown = f"{share:g}"
        return (
            t["esc_warn_subject"].format(ticket=ticket_id, share=shown, metric=name),
            t["esc_warn_intro"].format(
                share=shown, metric=name, ticket=ticket_id, customer=customer
            ),
        )
    state = t["state_breached"] if breached else t["state_warning"]
    return (
        t["esc_subject"].format(rung=rung + 1, ticket=ticket_id, metric=name, state=state),
        t["esc_intro"].format(metric=name, ticket=ticket_id, customer=customer, state=state),
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
    share: float | None = None,
    situation: Situation | None = None,
) -> EmailMessage:
    """The mail to the role a metric's ladder names, in the desk's language; `priority` as
    its reader names it. A rung before the deadline (`share` below 100) is a warning, titled
    as one ("75% of the first response time used"); at or past it, an escalation. With the
    `situation`, what a manager needs to act: who holds it, where it is, what happened last and
    when, the customer's contact, and why the deadline is where it is."""
    t = TEXTS.get(language, TEXTS["en"])
    late_seconds = (now - due).total_seconds()
    how = (
        t["late"].format(late=format_seconds(late_seconds))
        if late_seconds > 0
        else t["warning"].format(left=format_seconds(-late_seconds))
    )
    title, intro = _escalation_words(t, ticket_id, customer, metric, rung, share, late_seconds > 0)
    lines = [
        intro,
        t["esc_due"].format(due=local_time(due, language), late=how),
        t["esc_priority"].format(priority=priority or "-", customer=customer, subject=subject),
    ]
    if situation is not None:
        lines += situation.lines(t, language, metric, priority or "-")
    lines.append(t["esc_act"].format(link=link))
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=title,
            lines=lines,
            link=link,
            message_id=conversation.message_id(
                ticket_id, f"escalation.{metric}.{rung}", domain_of(sender)
            ),
            date=now,
        )
    )


def agent_notice(
    *,
    language: str,
    sender: str,
    recipient: str,
    kind: str,
    key: str,
    ticket_id: str,
    customer: str,
    subject: str,
    who: str,
    at: datetime,
    link: str,
    message: str | None = None,
) -> EmailMessage:
    """A notice to an agent or the on-call address (`kind`: assigned, taken_over, handed,
    customer, outage, standby), in the desk's language (the pack's), never the customer's."""
    t = TEXTS.get(language, TEXTS["en"])
    lines = [
        t[f"notice_{kind}_line"].format(
            who=who, ticket=ticket_id, customer=customer, at=local_time(at, language)
        )
    ]
    if message:
        lines.append(message)
    lines.append(t["notice_open"].format(link=link))
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=t["notice_subject"].format(
                what=t[f"notice_{kind}"], ticket=ticket_id, subject=subject
            ),
            lines=lines,
            link=link,
            message_id=conversation.message_id(ticket_id, key, domain_of(sender)),
            date=at,
        )
    )


def early_warning(
    *,
    language: str,
    sender: str,
    recipient: str,
    customer: str,
    warning: ThresholdWarning,
    priority: str,
    month: str,
    ticket_id: str,
    subject: str,
    rule: str | None,
    link: str,
    now: datetime,
) -> EmailMessage:
    """The SLA review's early warning to the role that owns the customer's reviews."""
    t = TEXTS.get(language, TEXTS["en"])
    metric = t[f"metric_{warning.metric}"]
    figures = {
        "priority": priority,
        "metric": metric,
        "month": month,
        "breached": warning.breached,
        "threshold": percent_text(warning.threshold),
        "share": percent_text(warning.share or 0.0),
        "more": warning.more,
    }
    lines = [
        t[f"warn_{warning.kind}"].format(**figures),
        t["warn_cause"].format(ticket=ticket_id, subject=subject),
        t["warn_rule"].format(rule=rule or "R004-12", link=link),
    ]
    key = f"warning.{month}.{warning.key}"
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=t["warn_subject"].format(
                customer=customer, priority=priority, metric=metric, month=month
            ),
            lines=lines,
            link=link,
            message_id=conversation.message_id(ticket_id, key, domain_of(sender)),
            date=now,
        )
    )
