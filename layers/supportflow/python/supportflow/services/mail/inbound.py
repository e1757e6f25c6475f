"""A mail as the desk reads it: parsed with the standard library (`email`, policy `default`),
whatever its shape: multipart/alternative, HTML only (turned into readable text), RFC 2047
headers, any charset, attachments (within limits), and a reply's quoted history cut off. It also
says when a mail was written by a machine (an auto-reply, a bounce, a mailing list), which the
desk never answers and never opens a ticket for (RFC 3834, RFC 3464)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT = 20_000  # a ticket's description or message holds at most this much


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    sender: str  # the address, as written (compare casefolded)
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    text: str  # what the sender wrote now: the quoted history of a reply cut off
    in_reply_to: str
    references: str
    sent_at: datetime | None
    attachments: tuple[Attachment, ...] = ()
    dropped: tuple[str, ...] = ()  # attachments not kept (over the limits), by name
    automatic: str | None = None  # why this mail was written by a machine, if it was
    suspicious: str | None = None  # why the receiving service distrusts it (spam, virus)
    extra: dict[str, str] = field(default_factory=dict)


def parse(raw: bytes) -> InboundMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    name, sender = parseaddr(_header(message, "From"))
    recipients = tuple(a for _, a in getaddresses([_header(message, h) for h in ("To", "Cc")]) if a)
    attachments, dropped = _attachments(message)
    return InboundMail(
        message_id=_header(message, "Message-ID").strip(),
        sender=sender.strip(),
        sender_name=name.strip(),
        recipients=recipients,
        subject=_one_line(_header(message, "Subject")),
        text=strip_quoted(body_text(message))[:MAX_TEXT],
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        sent_at=_date(_header(message, "Date")),
        attachments=attachments,
        dropped=dropped,
        automatic=automatic(message, sender),
        suspicious=suspicious(message),
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return ""
    return "" if value is None else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _date(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None


# ----- machines ------------------------------------------------------------------------------

AUTO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response|antwoord)|out of (the )?office|afwezig|abwesenheit|"
    r"undeliverable|undelivered mail|delivery status notification|mail delivery failed|"
    r"returned mail)",
    re.IGNORECASE,
)


def automatic(message: EmailMessage, sender: str) -> str | None:
    """Why a machine wrote this mail (RFC 3834 Auto-Submitted, Precedence, X-Autoreply and its
    kin, a delivery status notification, a mailing list, a mailer daemon), or None."""
    submitted = _header(message, "Auto-Submitted").strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id"):
        value = _header(message, name).strip()
        if value and not (name == "X-Auto-Response-Suppress" and value.lower() == "none"):
            return f"{name}: {value[:80]}"
    if message.get_content_type() == "multipart/report" or any(
        part.get_content_type() in ("message/delivery-status", "message/disposition-notification")
        for part in message.walk()
    ):
        return "a delivery status notification (bounce)"
    local = sender.rsplit("@", 1)[0].lower()
    if not sender or local in ("mailer-daemon", "postmaster") or local.startswith("no-reply"):
        return f"sent by {sender or 'an empty return address'}"
    if AUTO_SUBJECT.match(_header(message, "Subject").strip()):
        return "an automatic reply (by its subject)"
    return None


def suspicious(message: EmailMessage) -> str | None:
    """SES's receipt verdicts (on AWS): spam, a virus, or a sender its SPF or DMARC check
    failed (a forged From must not pass for a customer's contact)."""
    for name in ("X-SES-Virus-Verdict", "X-SES-Spam-Verdict"):
        if _header(message, name).strip().upper() == "FAIL":
            return f"{name}: FAIL"
    results = _header(message, "Authentication-Results").lower()
    if results.startswith("amazonses.com") and re.search(r"\b(spf|dmarc)=fail\b", results):
        return "the sender failed SPF or DMARC: " + results[:120]
    return None


# ----- text ----------------------------------------------------------------------------------


def body_text(message: EmailMessage) -> str:
    """The mail's text: its plain part, else its HTML part made readable."""
    part = message.get_body(("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return _clean(content)


def _clean(text: str) -> str:
    """Line breaks normalised, control characters (but tab and newline) dropped, no runs of
    blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u2028\u2029\x85\x0b\x0c]", "\n", text)
    text = "".join(c for c in text if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _Text(HTMLParser):
    BLOCKS = frozenset(
        {
            "p", "div", "br", "li", "tr", "blockquote", "pre", "table", "ul", "ol", "hr",
            "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
        }
    )  # fmt: skip
    SKIP = frozenset(("script", "style", "head", "title"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")
        if tag == "li":
            self.out.append("- ")
        if tag == "div" and any(k == "class" and v and "gmail_quote" in v for k, v in attrs):
            self.out.append("\n\x00QUOTE\n")  # Gmail's quoted history starts here

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = re.sub(r"[ \t\r\n]+", " ", data)
        if self.quote:
            text = "\n".join("> " + line for line in text.split("\n"))
        self.out.append(text)


def html_to_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).replace("\x00QUOTE", "").strip()


# Where a reply's quoted history starts, as the common clients write it.
QUOTE_HEADERS = (
    re.compile(r"^On .{1,200}wrote:\s*$"),  # Gmail, Apple Mail (en)
    re.compile(r"^Op .{1,200}(schreef|geschreven).{0,40}:\s*$"),  # nl
    re.compile(r"^Am .{1,200}schrieb .{0,200}:\s*$"),  # de
    re.compile(r"^-{2,}\s*(Original Message|Oorspronkelijk bericht|Ursprüngliche Nachricht)"),
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above the quoted headers
    re.compile(r"^(From|Van|Von): .+$"),  # Outlook's quoted headers
    re.compile(r"^Begin forwarded message:"),
)


def strip_quoted(text: str) -> str:
    """The part of a reply its writer wrote now: up to the quoted history (an "On ... wrote:"
    line, Outlook's "From:" block, or lines quoted with ">"), trailing blank lines cut. A mail
    that is all quote keeps its text (nothing would be left to read)."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(p.match(stripped) for p in QUOTE_HEADERS) and index > 0:
            break
        if stripped.startswith(">") and all(
            not rest.strip() or rest.strip().startswith(">") for rest in lines[index:]
        ):
            break
        kept.append(line)
    result = "\n".join(kept).strip()
    return result or text.strip()


# ----- attachments ---------------------------------------------------------------------------


def _attachments(message: EmailMessage) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    kept: list[Attachment] = []
    dropped: list[str] = []
    for part in message.iter_attachments():
        name = _safe_name(part.get_filename() or f"attachment-{len(kept) + len(dropped) + 1}")
        try:
            data = part.get_payload(decode=True) or b""
        except (ValueError, TypeError):
            data = b""
        if not isinstance(data, bytes):
            data = b""
        if len(kept) >= MAX_ATTACHMENTS or len(data) > MAX_ATTACHMENT_BYTES:
            dropped.append(name)
            continue
        kept.append(Attachment(name, part.get_content_type(), data))
    return tuple(kept), tuple(dropped)


def _safe_name(name: str) -> str:
    """A file name without folders, control characters or anything a key cannot hold."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE).strip(" .") or "attachment"
    return name[:120]
