"""What text the desk accepts: every field ends up in a mail header, a mail body or a page, so
text may not carry what those cannot (Python's own line-break set in a one-line field, control
characters anywhere, lone surrogates). What people paste is cleaned, not refused: a line or
paragraph separator, a form feed, is a line break (a space in a one-line field), an invisible
control is left out. An address is refused instead: it is not text to clean. Used as pydantic
types by every input model."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

# str.splitlines() breaks at all of these; a header must contain none of them.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
TEXT_BREAKS = frozenset("\n\r\t")  # what a multi-line text may contain besides printable text
ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$")


def _bad(char: str, allowed: frozenset[str]) -> bool:
    if char in allowed:
        return False
    return char in LINE_BREAKS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")


def _clean(value: str, breaks_to: str) -> str:
    """Text as pasted from a word processor or a mail client: its line and paragraph
    separators, form feeds and vertical tabs are line breaks (`breaks_to`), and the invisible
    controls among it (a NUL, an escape, a bell, a lone surrogate) are left out. Nothing a
    header or a page cannot carry remains."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for char in value:
        if char in LINE_BREAKS:
            out.append(breaks_to)
        elif char == "\t" or not _bad(char, frozenset()):
            out.append(char)
    return "".join(out)


def invisible_count(value: str) -> int:
    """How many characters `text` leaves out of `value` (what a page tells the customer)."""
    return sum(
        1
        for c in value.replace("\r\n", "\n")
        if c not in LINE_BREAKS and c != "\t" and _bad(c, frozenset())
    )


def one_line(value: str) -> str:
    """A subject, a name: one line of printable text (a pasted line break is a space)."""
    return _kept(value, _clean(value, " ").replace("\t", " ").strip())


def text(value: str) -> str:
    """A description or a message: lines of printable text (pasted separators are line
    breaks; invisible controls are left out)."""
    return _kept(value, _clean(value, "\n").strip("\n"))


def _kept(given: str, cleaned: str) -> str:
    if given and not cleaned.strip():
        raise ValueError("holds nothing but invisible characters")
    return cleaned


def address(value: str) -> str:
    """An e-mail address: one @, a dot in the domain, nothing a header could be split on."""
    if any(_bad(c, frozenset()) for c in value):
        raise ValueError("is not an e-mail address (it holds a control character)")
    if not ADDRESS.match(value) or not value.isprintable():
        raise ValueError("is not an e-mail address")
    return value


OneLine = Annotated[str, AfterValidator(one_line)]
Text = Annotated[str, AfterValidator(text)]
EmailAddress = Annotated[str, Field(max_length=254), AfterValidator(address)]
