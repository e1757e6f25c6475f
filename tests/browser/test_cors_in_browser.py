"""Forms on customers' own sites (issue 19), in Chromium: two more local origins stand in for
sites on the web. The customer's contract lists one of them (allowed_origins, recorded by an
admin through the API); the form pasted there (pages/static/embed.js) files a ticket through
the preflight and the post; the same form on the other site is blocked by the browser, and a
plain HTML form post from it is refused with nothing stored. The plain form from the listed site
lands on the desk's status page."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from .conftest import ROOT, Server, _free_port

ARTIFACTS = ROOT / "test-artifacts"
ADMIN = {"Authorization": "Bearer local-admin-token", "Content-Type": "application/json"}


def customer_page(desk: str, with_script: bool) -> bytes:
    script = f'<script src="{desk}/static/embed.js" defer></script>' if with_script else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Bakkerij Bakker: contact</title></head><body><h1>Storing melden</h1>
<form data-supportflow method="post" action="{desk}/api/tickets">
  <input type="hidden" name="customer" value="webshop-bakker">
  <label>Your e-mail <input name="contact_email" type="email" required></label>
  <label>Subject <input name="subject" required maxlength="200"></label>
  <label>What happened? <textarea name="description" required></textarea></label>
  <button type="submit">Send</button>
  <p data-supportflow-result role="status"></p>
</form>{script}</body></html>""".encode()


class _Site:
    def __init__(self, desk: str, with_script: bool) -> None:
        page = customer_page(desk, with_script)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        self.port = _free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.origin = f"http://localhost:{self.port}"  # another origin than the desk's
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def sites(server: Server) -> Iterator[tuple[_Site, _Site, _Site]]:
    made = (
        _Site(server.base, with_script=True),
        _Site(server.base, with_script=True),
        _Site(server.base, with_script=False),
    )
    yield made
    for site in made:
        site.server.shutdown()


def _allow(server: Server, customer: str, origins: list[str]) -> None:
    current = server.get(f"/api/contracts/{customer}", **ADMIN)
    latest = max(current["versions"], key=lambda v: v["version"])
    contract = {**latest["contract"], "allowed_origins": origins}
    request = urllib.request.Request(
        f"{server.base}/api/contracts/{customer}",
        data=json.dumps(contract).encode(),
        headers=ADMIN,
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def _fill(page: Any, subject: str) -> None:
    page.fill("input[name=contact_email]", "info@bakker.example")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=description]", "De betaalpagina geeft een foutmelding.")


def _tickets(server: Server) -> list[str]:
    queue = server.get("/api/queue", Authorization="Bearer local-agent-token")
    return [t["subject"] for t in queue["tickets"]]


def test_a_form_on_the_customers_site_files_and_others_are_blocked(
    server: Server, page: Any, sites: tuple[_Site, _Site, _Site]
) -> None:
    listed, other, plain = sites
    _allow(server, "webshop-bakker", [listed.origin, plain.origin])

    # The listed site: a JSON post with an Idempotency-Key, so the browser asks first (the
    # preflight; Chromium does not show it to Playwright), then posts; the answer shows.
    page.goto(listed.origin + "/")
    _fill(page, "Betalen lukt niet (eigen site)")
    page.click("button[type=submit]")
    result = page.wait_for_selector("[data-supportflow-result][data-state='filed']")
    assert "Received as T-" in result.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "form-on-customer-site.png"))
    status_link = page.get_attribute("[data-supportflow-result] a", "href")
    assert status_link and "/status#/tickets/T-" in status_link

    # A site the contract does not list: the browser blocks the call (no CORS headers).
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text))
    page.goto(other.origin + "/")
    _fill(page, "Betalen lukt niet (andere site)")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-supportflow-result][data-state='unreachable']")
    assert any("CORS policy" in e for e in errors)

    # A plain HTML form (no script) posted from the unlisted site: refused, nothing stored.
    page.set_content(customer_page(server.base, with_script=False).decode())  # about:blank
    page.goto(other.origin + "/")
    page.evaluate("document.querySelector('script')?.remove()")
    page.evaluate(
        "() => { const f = document.querySelector('form'); f.replaceWith(f.cloneNode(true)); }"
    )  # the script's listener gone: the browser posts the form itself
    _fill(page, "Betalen lukt niet (formulier andere site)")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('not filed')")
    assert "lists the sites its forms may be on" in page.inner_text("body")

    # The same plain form on a listed site lands on the desk's status page.
    page.goto(plain.origin + "/")
    _fill(page, "Betalen lukt niet (formulier eigen site)")
    page.click("button[type=submit]")
    page.wait_for_selector("#status-section:not([hidden])")
    assert page.url.startswith(server.base.replace("127.0.0.1", "localhost") + "/status#/tickets/")
    assert page.inner_text("#ticket-id").startswith("T-")

    subjects = _tickets(server)
    assert "Betalen lukt niet (eigen site)" in subjects
    assert "Betalen lukt niet (formulier eigen site)" in subjects
    assert not [s for s in subjects if "andere site" in s]


def test_the_preflight_answers_only_listed_origins(server: Server) -> None:
    _allow(server, "webshop-bakker", ["https://www.bakker.example"])

    def preflight(origin: str, path: str = "/api/tickets") -> dict[str, str]:
        request = urllib.request.Request(
            server.base + path,
            method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 204
            return dict(answer.headers)

    allowed = preflight("https://www.bakker.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.bakker.example"
    assert "POST" in allowed["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example")
    status = preflight("https://www.bakker.example", "/api/tickets/T-0000000000/status")
    assert status["Access-Control-Allow-Origin"] == "https://www.bakker.example"
