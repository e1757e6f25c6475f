"""What text the desk accepts: every field ends up in a mail header, a mail body or a page, so
text may not carry what those cannot (Python's own line-break set in a one-line field, control
characters anywhere, lone surrogates). Used as pydantic types by every input model."""

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


def one_line(value: str) -> str:
    """A subject, a name: one line of printable text."""
    if any(_bad(c, frozenset()) for c in value):
        raise ValueError("must be one line without control characters")
    return value


def text(value: str) -> str:
    """A description or a message: lines of printable text."""
    if any(_bad(c, TEXT_BREAKS) for c in value):
        raise ValueError("may not contain control characters or unusual line breaks")
    return value.replace("\r\n", "\n").replace("\r", "\n")


def address(value: str) -> str:
    """An e-mail address: one @, a dot in the domain, nothing a header could be split on."""
    one_line(value)
    if not ADDRESS.match(value) or not value.isprintable():
        raise ValueError("is not an e-mail address")
    return value


OneLine = Annotated[str, AfterValidator(one_line)]
Text = Annotated[str, AfterValidator(text)]
EmailAddress = Annotated[str, Field(max_length=254), AfterValidator(address)]
