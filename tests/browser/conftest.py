"""A real `make run` stack in a subprocess, and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]
    data_dir: Path
    env: dict[str, str]
    log: Path  # the server's output (a file: a pipe nobody reads would block it when full)

    def get(self, path: str, **headers: str) -> Any:
        request = urllib.request.Request(self.base + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> str:
        """Stop the stack; fails if a function's role refused a call while it ran."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        refusals = self.refusals()
        assert not refusals, "not allowed by template.yaml:\n" + "\n".join(sorted(set(refusals)))
        return self.log.read_text(errors="replace")

    def refusals(self) -> list[str]:
        """What the functions' roles refused while the stack ran (template.yaml's statements)."""
        found = self.data_dir / "least-privilege-refusals.jsonl"
        if not found.exists():
            return []
        return [json.loads(line)["refused"] for line in found.read_text().splitlines() if line]


def start_server(data_dir: Path, **env: str) -> Server:
    port = _free_port()
    full_env = {
        **os.environ,
        "PORT": str(port),
        "SMTP_PORT": str(_free_port()),
        "DATA_DIR": str(data_dir),
        "SUPPORTFLOW_IAM": "enforce",  # a call the function's role would not allow is refused
        **env,
    }
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.server"],
            cwd=ROOT,
            env=full_env,
            text=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited: {log.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(base + "/local/status.json", timeout=1).read()
            return Server(base, process, data_dir, full_env, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the local stack did not come up in 60 s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    # Monday 09:00 in Amsterdam, ten simulated minutes per real second.
    running = start_server(
        tmp_path / "data", SPEED="600", SIM_START="2025-03-31T09:00:00+02:00", SEED="0"
    )
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()  # fails on a call a function's role would not allow
        else:
            refusals = running.refusals()
            assert not refusals, "not allowed by template.yaml:\n" + "\n".join(refusals)


@pytest.fixture
def page(server: Server) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def sign_in(
    page: Any, base: str, email: str = "anna@desk.example", password: str = "", path: str = "/agent"
) -> None:
    """An agent signs in as a person does: the agent page, its Sign in button, the sign-in form
    (the local stand-in for Cognito's managed login), and back on the queue."""
    from local.sign_in import DEMO_AGENTS

    password = password or next(a.password for a in DEMO_AGENTS if a.email == email)
    page.goto(base + path)
    page.click("#sign-in-button")
    page.wait_for_url("**/local/auth/oauth2/authorize**")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#who-am-i:not([hidden])")
