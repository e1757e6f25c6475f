"""`make run` for now: a short tour of the SLA engine through its CLI.

The local stack (web form, API, workflow, timers, outbox) replaces this later."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from supportflow.cli import main as cli

TICKET = {
    "ticket": {"urgency": "down", "impact": "several_users", "channel": "portal"},
    "events": [
        {"at": "2025-03-28T16:45:00+01:00", "type": "opened"},
        {"at": "2025-03-28T17:10:00+01:00", "type": "responded"},
        {"at": "2025-03-31T10:00:00+02:00", "type": "root_cause_found"},
        {"at": "2025-03-31T11:00:00+02:00", "type": "waiting_on_customer"},
        {"at": "2025-04-01T09:00:00+02:00", "type": "customer_replied"},
    ],
    "now": "2025-04-01T12:00:00+02:00",
}


def _show(*args: str) -> None:
    print(f"$ supportflow {' '.join(args)}", flush=True)
    cli(list(args))
    print(flush=True)


def main() -> None:
    _show("policies")
    _show(
        "deadlines",
        "--policy",
        "web-agency",
        "--opened",
        "2026-04-24T15:00:00+02:00",
        "--urgency",
        "high",
        "--impact",
        "small",
    )
    _show(
        "deadlines",
        "--policy",
        "saas-basic",
        "--opened",
        "2025-06-18T17:00:00+02:00",
        "--category",
        "service_downtime",
    )
    _show(
        "deadlines",
        "--policy",
        "hosting-standby",
        "--opened",
        "2025-10-26T02:45:00+02:00",
        "--channel",
        "phone",
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ticket.json"
        path.write_text(json.dumps(TICKET, indent=2))
        print(f"# {path.name}: a top incident opened on the Friday before the DST change,")
        print("# root cause on Monday, then waiting on the customer for a night.\n")
        _show("explain", "--policy", "integration-9x5", str(path))


if __name__ == "__main__":
    main()
