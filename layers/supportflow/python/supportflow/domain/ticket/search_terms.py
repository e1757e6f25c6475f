"""The words a ticket can be found by, and the words a search asks for.

A ticket is found by the words of its subject, description, contact, caller and of every message
and note in its conversation (closed tickets too). Words are folded the way people type them
into a search box: case and accents do not matter ("Café" is "cafe"); an address or an id is a
word whole and by its parts (`jan@acme.example` is found by `jan@acme.example`, `jan` and
`acme`). The most common Dutch and English words find nothing useful and are left out.
Nothing here does I/O: the index that keeps these words is an adapter's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from supportflow.domain.ticket.ticket import Ticket

MAX_WORD = 40  # longer "words" are hashes, base64 or pasted logs: nobody searches for them
MAX_TEXT = 20_000  # characters of one text read for words (a pasted log's first part)
MAX_TERMS = 2_000  # words kept per ticket (the first ones, in the order they were written)

# The most frequent words of Dutch and English support mail: in nearly every ticket.
STOP_WORDS = frozenset(
    """
    de het een en van in is op te dat die niet met voor zijn er aan ook als bij of om maar dan
    nog wel ik je u we wij ze hij zij mijn uw ons onze deze dit naar uit tot door over kan kunt
    heb hebt heeft wordt worden was waren the a an and or to of in is it on for with be are was
    were this that at by from as i you we our your my me us have has had not but if so do does
    can will
    """.split()  # noqa: SIM905 (a list of words reads as one)
)

_WORD = re.compile(r"\w(?:[\w.@+'-]*\w)?")
_PARTS = re.compile(r"[.@+'_-]+")


def fold(text: str) -> str:
    """Lower case without accents: how a word is stored and looked up."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The searchable words of a text, in order, each once: compound words (an address, an
    id, a file name) whole and by their parts."""
    out: dict[str, None] = {}
    for match in _WORD.finditer(fold(text[:MAX_TEXT])):
        token = match.group()
        for word in (token, *_PARTS.split(token)) if _PARTS.search(token) else (token,):
            if _useful(word):
                out.setdefault(word, None)
    return list(out)


def _useful(word: str) -> bool:
    return (len(word) >= 2 or word.isdigit()) and len(word) <= MAX_WORD and word not in STOP_WORDS


def ticket_texts(ticket: Ticket) -> Iterable[str]:
    """Every text of a ticket someone may search for."""
    yield ticket.ticket_id
    yield ticket.subject
    yield ticket.description
    yield ticket.contact_email
    first = ticket.events[0].data if ticket.events else {}
    for key in ("caller", "phone"):
        if first.get(key):
            yield str(first[key])
    for event in ticket.events:
        if "@" in event.actor and event.actor != ticket.contact_email:
            yield event.actor  # who wrote on it: a colleague's message, an agent's answer
        message = event.data.get("message")
        if isinstance(message, str):
            yield message
        for name in event.data.get("attachments") or ():
            if isinstance(name, str):
                yield name


def ticket_terms(ticket: Ticket) -> frozenset[str]:
    """The words a ticket is found by (at most MAX_TERMS, the first written kept)."""
    out: dict[str, None] = {}
    for text in ticket_texts(ticket):
        for word in words(text):
            out.setdefault(word, None)
            if len(out) >= MAX_TERMS:
                return frozenset(out)
    return frozenset(out)


def query_terms(text: str) -> list[str]:
    """The words a search asks for (every one must be found): a compound word whole, since
    the ticket's are stored whole too; the common words left out as they are not stored."""
    out: dict[str, None] = {}
    for match in _WORD.finditer(fold(text[:MAX_TEXT])):
        word = match.group()
        if _useful(word):
            out.setdefault(word, None)
        elif _PARTS.search(word):  # an over-long compound: look for its parts
            for part in _PARTS.split(word):
                if _useful(part):
                    out.setdefault(part, None)
    return list(out)
