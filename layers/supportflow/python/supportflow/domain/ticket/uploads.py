"""What a customer may upload with a ticket (R000-4 asks for a screenshot or a video with the
4W's): screenshots, PDFs, short videos and text logs, each type with its size limit. A file is
stored under a key the desk chooses (never the name the browser sent as a path); the name is
kept, made safe, for people to read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MB = 1024 * 1024
# Each type a customer may upload, and the most bytes a file of it may have.
ALLOWED: dict[str, int] = {
    "image/png": 10 * MB,
    "image/jpeg": 10 * MB,
    "image/gif": 10 * MB,
    "image/webp": 10 * MB,
    "application/pdf": 10 * MB,
    "text/plain": 2 * MB,
    "video/mp4": 50 * MB,
    "video/webm": 50 * MB,
    "video/quicktime": 50 * MB,
}
WORDS = {  # the types in words, for a refusal
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/pdf": "PDF",
    "text/plain": "text",
    "video/mp4": "MP4",
    "video/webm": "WebM",
    "video/quicktime": "QuickTime",
}
MAX_FILES = 5  # per filing or message
PREFIX = "attachments/uploads/"  # where uploads land first (they expire there within a day)
KEPT = "attachments/filed/"  # where a file filed with a ticket is kept
KEY = re.compile(r"^attachments/uploads/\d{4}-\d{2}-\d{2}/[0-9a-f]{32}/[A-Za-z0-9._-]{1,100}$")


class UploadRefused(ValueError):
    """A file the desk does not take, with the reason in words (API 422)."""


@dataclass(frozen=True)
class UploadPlan:
    key: str  # where the file goes
    content_type: str
    max_bytes: int
    name: str  # the file's name, safe to show


def safe_name(filename: str) -> str:
    """A file's name as the desk keeps it: its last path part, plain letters, digits, dots,
    dashes and underscores (accents dropped, anything else an underscore), at most 100."""
    last = re.split(r"[\\/]", filename.strip())[-1]
    plain = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._") or "file"
    return name[-100:]


def size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(1, size // 1024)} kB"


def plan_upload(filename: str, content_type: str, size: int, day: str, token: str) -> UploadPlan:
    """Where and how a file may be uploaded, or UploadRefused saying why (its type, its size)."""
    kind = content_type.split(";")[0].strip().lower()
    limit = ALLOWED.get(kind)
    if limit is None:
        kinds = ", ".join(dict.fromkeys(WORDS.values()))
        raise UploadRefused(
            f"{safe_name(filename)}: files of type {kind or 'unknown'} are not taken "
            f"(screenshots, PDFs, short videos and text: {kinds})"
        )
    if size <= 0:
        raise UploadRefused(f"{safe_name(filename)} is empty")
    if size > limit:
        raise UploadRefused(
            f"{safe_name(filename)} is {size_text(size)}: a {WORDS[kind]} file may be at most "
            f"{size_text(limit)} (a longer video: share a link to it instead)"
        )
    name = safe_name(filename)
    return UploadPlan(f"{PREFIX}{day}/{token}/{name}", kind, limit, name)


def check_key(key: str) -> None:
    """A key a filing names must be one the desk hands out (checked before the store is
    asked anything: no one probes the bucket through a filing)."""
    if not KEY.match(key):
        raise UploadRefused(f"{key[:120]!r} is not an upload of this desk")


def check_uploaded(key: str, stored: tuple[int, str] | None) -> None:
    """A key a filing names: one the desk handed out, and a file there within its limits."""
    check_key(key)
    if stored is None:
        raise UploadRefused(f"{key.rsplit('/', 1)[-1]} was not uploaded (upload it again)")
    size, kind = stored
    limit = ALLOWED.get(kind.split(";")[0].strip().lower())
    if limit is None or size > limit or size <= 0:
        raise UploadRefused(f"{key.rsplit('/', 1)[-1]} is not a file the desk takes")


def kept_key(key: str) -> str:
    """Where a checked upload is kept for its ticket (out of the expiring upload area)."""
    return KEPT + key.removeprefix(PREFIX)
