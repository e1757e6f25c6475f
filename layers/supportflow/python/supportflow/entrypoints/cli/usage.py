"""Bad input on the command line or in a file: the error that says so, and its exit status."""

from __future__ import annotations

EXIT_USAGE = 2


class UsageError(ValueError):
    """Bad input on the command line or in a file: exit 2 with this one line."""
