"""The local stack's pages show the outbox failing while an AWS call refuses an effect (a timer
the scheduler will not create), and well again once a pass delivers (issue 19: failures you can
see). The runtime runs in this process, as `supportflow simulate` runs it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from local.faults import FAULTS
from local.runtime import Runtime
from local.server import proxy_event


def _wait(what: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_undelivered_effects_show_on_the_pages_until_delivered(tmp_path: Path) -> None:
    FAULTS.clear()
    environment = dict(os.environ)  # the runtime sets the functions' settings in os.environ
    runtime = Runtime(data_dir=tmp_path, smtp_port=0, timer_loop=False, reconcile_every=3600.0)
    with contextlib.redirect_stdout(io.StringIO()):  # the handlers' metrics
        runtime.up()
        try:
            FAULTS.inject("scheduler:CreateSchedule", "ValidationException", times=-1)
            ticket = {
                "customer": "webshop-bakker",
                "contact_email": "info@bakker.example",
                "subject": "Betalen met iDEAL lukt niet",
                "urgency": "high",
                "impact": "large",
                "description": "Klanten krijgen een foutmelding bij het afrekenen.",
            }
            headers = {"Content-Type": "application/json", "Idempotency-Key": "health-1"}
            body = json.dumps(ticket).encode()
            event = proxy_event("POST", "/tickets", "", headers, body, "/tickets", {})
            assert runtime.call("IntakeFunction", event)["statusCode"] == 201

            def outbox_ok() -> bool | None:
                ok = runtime.health.get("outbox", {}).get("ok")
                return None if ok is None else bool(ok)

            _wait(lambda: outbox_ok() is False)  # the triage's timers: refused
            failing = runtime.health["outbox"]
            assert failing["errors"] >= 1 and "not delivered" in failing["last_error"]
            FAULTS.clear()
            _wait(lambda: outbox_ok() is True)  # the next pass delivers them
            assert not runtime.outbox_pending()
            # the nightly retention runs in the local stack too (nothing is past its period)
            assert runtime.retention()["erased"] == []
        finally:
            FAULTS.clear()
            runtime.down()
            os.environ.clear()
            os.environ.update(environment)
