"""The SLA review dashboard (R004-12) in Chromium, on a month filled by `supportflow simulate`
through the real workflow: every chart drawn, the breach list with the clock's explanation, the
month picker, and the page as it prints. A screenshot and the printed PDF are kept in
test-artifacts/ for a person to look at."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, start_server

ARTIFACTS = ROOT / "test-artifacts"
CHARTS = ("chart-compliance", "chart-breaches", "chart-response-times", "chart-availability")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """May 2027 through the desk: a ticket a day (fewer at weekends), alerts now and then."""
    data = tmp_path_factory.mktemp("simulated") / "data"
    run = subprocess.run(
        [
            sys.executable, "-m", "supportflow.entrypoints.cli.main", "simulate", "--days", "31",
            "--tickets-per-day", "1", "--start", "2027-05-01T00:00:00+02:00",
            "--speed", "120", "--data", str(data),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    return data, summary


def test_the_dashboard_draws_a_simulated_month(
    simulated: tuple[Path, dict[str, Any]],
) -> None:
    data, summary = simulated
    assert summary["tickets"] >= 20 and summary["actions"] > summary["tickets"]
    assert summary["timers_fired"] > 0
    assert summary["escalation_lateness_seconds"]["max"] is not None

    server = start_server(data, SPEED="60", SEED="0")
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.set_default_timeout(30_000)
            # The managers' warning mail links here; the page asks the agent to sign in first
            # and comes back to the same customer and month.
            page.goto(f"{server.base}/review?customer=integratie-noord&period=2027-05")
            page.click("#sign-in-button")
            page.fill("input[name=username]", "anna@desk.example")
            page.fill("input[name=password]", "Local-Agent-Pass1")
            page.click("button[type=submit]")
            page.wait_for_selector("svg#chart-availability")
            assert "customer=integratie-noord&period=2027-05" in page.url
            assert "SLA review May 2027" in page.title()
            for chart in CHARTS:
                svg = page.locator(f"svg#{chart}")
                assert svg.count() == 1, chart
                box = svg.bounding_box()
                assert box is not None and box["width"] > 200 and box["height"] > 100, chart
                # drawn: bars, lines or text beyond the bare axes
                assert svg.locator("rect, line, text").count() > 8, chart
                assert svg.locator("rect").count() >= 1, chart  # bars
            tiers = page.locator("table.tiers tbody tr")
            assert tiers.count() == 8  # four priorities x response and resolution
            breaches = page.locator("table.breaches tbody tr")
            assert breaches.count() >= 1
            first = breaches.first.inner_text()
            assert "target" in first and "due" in first and "late in business time" in first
            assert page.locator("h2", has_text="Availability").count() == 1

            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "sla-review-dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            print(f"screenshot: {shot}")

            # For the meeting: the picker is not printed, the charts are.
            page.emulate_media(media="print")
            assert not page.locator("form.no-print").is_visible()
            assert not page.locator("header").is_visible()
            assert page.locator("svg#chart-compliance").is_visible()
            pdf = ARTIFACTS / "sla-review-2027-05.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            assert pdf.read_bytes().startswith(b"%PDF")
            page.emulate_media(media="screen")

            # Another customer from the picker: its own month, same charts.
            page.select_option("select[name=customer]", "webshop-bakker")
            page.click("#picker button[type=submit]")
            page.wait_for_url("**customer=webshop-bakker**")
            page.wait_for_function("document.title.includes('Bakker')")
            assert page.locator("svg#chart-compliance").count() == 1
            assert "Bakker" in page.locator("#report h1").inner_text()

            # Bad input is a clear 4xx message on the page, never a traceback.
            page.goto(f"{server.base}/review?customer=integratie-noord&period=2027-13")
            page.wait_for_selector("#review-error:has-text('422')")
            page.goto(f"{server.base}/review?customer=nobody&period=2027-05")
            page.wait_for_selector("#review-error:has-text('404')")
            assert page.locator("svg.chart").count() == 0
            browser.close()
    finally:
        server.stop()
