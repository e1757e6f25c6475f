"""Privacy on the agent page and the command line, against the local stack (issue 22): an admin
exports a contact's data and downloads the archive, sets a legal hold on a ticket, erases the
contact (the held ticket is left alone and named), and the erasure is on record; a plain agent
sees none of it. The same export and an erasure through `supportflow privacy`. Screenshots in
test-artifacts/."""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from supportflow.entrypoints.cli.main import main

from .conftest import ROOT, Server, sign_in

ARTIFACTS = ROOT / "test-artifacts"
ANNA, BERT = "it@verband.example", "redaktion@verband.example"


def _file(server: Server, contact: str, subject: str) -> str:
    key = "".join(c if c.isascii() and c.isalnum() else "-" for c in subject)
    body = {"customer": "verband-digital", "contact_email": contact, "subject": subject,
            "description": "Seit heute Morgen, sagt Annegret."}  # fmt: skip
    request = urllib.request.Request(
        server.base + "/api/tickets", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["ticket_id"])


def test_an_admin_exports_holds_and_erases_on_the_agent_page(server: Server, page: Any) -> None:
    mine = _file(server, ANNA, "Newsletter-Versand hängt")
    held = _file(server, ANNA, "Rechnung strittig")
    theirs = _file(server, BERT, "Suche leer")
    sign_in(page, server.base, "admin@desk.example", path=f"/agent#/tickets/{held}")
    page.wait_for_selector(f"#d-id:has-text('{held}')")
    page.wait_for_selector("#hold-note:not([hidden])")
    page.click("#legal-hold")
    page.wait_for_selector("#a-error:has-text('Write the reason first')")
    page.fill("#a-reason", "invoice dispute")
    page.click("#legal-hold")
    page.wait_for_selector("#hold-state:has-text('invoice dispute')")

    page.goto(server.base + "/agent#/")
    page.click("#privacy summary")
    page.fill("#x-email", ANNA)
    page.click("#x-submit")
    page.wait_for_selector("#x-download")
    assert "2 tickets" in page.inner_text("#x-result")
    href = page.get_attribute("#x-download", "href")
    # the page links the archive; here it is fetched from this origin (the stack's own address)
    archive = page.evaluate(
        "async (u) => Array.from(new Uint8Array(await (await fetch(new URL(u).pathname))"
        ".arrayBuffer()))",
        href,
    )
    names = zipfile.ZipFile(io.BytesIO(bytes(archive))).namelist()
    assert "export.json" in names
    ARTIFACTS.mkdir(exist_ok=True)

    page.select_option("#e-kind", "email")
    page.fill("#e-who", ANNA)
    page.fill("#e-ground", "art. 17(1)(a): her request")
    page.fill("#e-requested", "the person, by mail")
    page.click("#e-submit")
    page.wait_for_selector("#privacy-error:has-text('cannot be undone')")  # not ticked: nothing
    page.check("#e-sure")
    page.click("#e-submit")
    page.wait_for_selector("#e-result:has-text('Erased')")
    said = page.inner_text("#e-result")
    assert "1 ticket" in said and held in said, said
    row = page.locator("#erasures tbody tr").first
    assert "her request" in row.inner_text() and mine in row.inner_text()
    assert ANNA not in page.inner_text("#erasures")
    page.screenshot(path=str(ARTIFACTS / "privacy.png"), full_page=True)

    page.goto(server.base + f"/agent#/tickets/{mine}")
    page.wait_for_selector(f"#d-id:has-text('{mine}')")
    page.wait_for_selector("#d-subject:has-text('[erased]')")
    assert ANNA not in page.inner_text("#d-request-meta")
    page.goto(server.base + f"/agent#/tickets/{theirs}")
    page.wait_for_selector("#d-subject:has-text('Suche leer')")  # a colleague's stays

    agent = page.context.browser.new_context().new_page()
    agent.set_default_timeout(20_000)
    sign_in(agent, server.base, "anna@desk.example")
    agent.wait_for_selector("#queue, #tickets", state="attached")
    assert agent.is_hidden("#privacy-section")


def test_the_cli_exports_and_erases(server: Server, tmp_path: Path, capsys: Any) -> None:
    _file(server, BERT, "Export per Kommandozeile")
    api = server.base + "/api"
    out = tmp_path / "bert.zip"
    assert main(["privacy", "export", "--email", BERT, "--out", str(out), "--api", api]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["tickets"] >= 1 and out.stat().st_size == summary["bytes"]
    document = json.loads(zipfile.ZipFile(out).read("export.json"))
    assert any(t["subject"] == "Export per Kommandozeile" for t in document["tickets"])
    erase = ["privacy", "erase", "--email", BERT, "--ground", "art. 17", "--requested-by", "Bert"]
    assert main([*erase, "--api", api]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["scope"] == "person" and record["tickets"]
    assert main(["privacy", "erase", "--email", "not-an-address", "--ground", "x y",
                 "--requested-by", "x", "--api", api]) == 2  # fmt: skip
    assert "the desk refused (422)" in capsys.readouterr().err
