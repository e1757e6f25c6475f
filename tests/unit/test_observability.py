"""Logs without secrets: addresses masked, text people wrote dropped, ids kept."""

from __future__ import annotations

import io
import json
import logging

from supportflow.observability import Redact, logger


def test_addresses_and_bodies_never_reach_the_log() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_handler.formatter)
    handler.addFilter(Redact())
    module_log = logging.getLogger("supportflow.services.example")
    module_log.addHandler(handler)
    module_log.setLevel(logging.INFO)
    try:
        module_log.warning(
            "mail to j.blanke@supportdesk.example failed",
            extra={
                "ticket_id": "T-0123456789",
                "to": "j.blanke@supportdesk.example",
                "description": "my password is hunter2",
                "repairs": ["sent on to servicedesk@noord.example"],
                "subject": "Anna Schmidt cannot log in",
                "caller": "Anna Schmidt",
                "note": "call back on +31 6 1234 5678 or 030-1234567",
                "due": "2025-03-31T10:00:00+02:00",
                "took": "0.1234567",
            },
        )
    finally:
        module_log.removeHandler(handler)
    line = stream.getvalue()
    assert "@" not in line and "hunter2" not in line, line
    assert "Anna" not in line and "1234 5678" not in line and "030-1234567" not in line, line
    record = json.loads(line)
    assert record["ticket_id"] == "T-0123456789"
    assert record["note"] == "call back on <phone> or <phone>"
    assert record["due"] == "2025-03-31T10:00:00+02:00" and record["took"] == "0.1234567"
    assert record["message"] == "mail to <address> failed"
    assert logger.registered_handler.filters  # the shared handler redacts too


def test_the_error_catalogue_makes_no_logger() -> None:
    """The shared Logger takes its level from the environment when it is made: importing the
    error catalogue (every CLI command and the local stack do) must not make it, or `supportflow
    simulate` would print the handlers' INFO lines into its JSON."""
    import subprocess
    import sys

    code = (
        "import sys, supportflow.errors, local.runtime; "
        "print('supportflow.observability' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
