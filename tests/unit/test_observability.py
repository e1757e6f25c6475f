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
            },
        )
    finally:
        module_log.removeHandler(handler)
    line = stream.getvalue()
    assert "@" not in line and "hunter2" not in line, line
    record = json.loads(line)
    assert record["ticket_id"] == "T-0123456789"
    assert record["message"] == "mail to <address> failed"
    assert logger.registered_handler.filters  # the shared handler redacts too
