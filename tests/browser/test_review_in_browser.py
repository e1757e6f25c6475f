"""The SLA review dashboard (R004-12) in Chromium, on a month filled by `supportflow simulate`
through the real workflow: every chart drawn, the breach list with the clock's explanation, the
volume (tickets in by channel and priority, outages, standby calls), local times, every ticket a
link to the agent view, the CSV and PDF downloads, the month picker, and the page as it prints.
A screenshot, the downloaded PDF and the printed page are kept in test-artifacts/ for a person
to look at."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, CHROMIUM_FLAGS, ROOT, start_server

ARTIFACTS = ROOT / "test-artifacts"
CHARTS = (
    "chart-compliance",
    "chart-breaches",
    "chart-response-times",
    "chart-availability",
    "chart-volume",
)
LOCAL_TIME = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d [A-Z][a-z]{2} \d\d:\d\d CES?T$")


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

            # Times as people read them, in the contract's zone: no ISO, no microseconds.
            due = breaches.first.locator("td").nth(3).inner_text()
            assert LOCAL_TIME.match(due), due
            text = page.locator("#report").inner_text()
            assert not re.search(r"\d\d:\d\d:\d\d\.\d", text), "microseconds on the page"
            # Every ticket a link to the agent view.
            link = breaches.first.locator("a.ticket")
            assert re.fullmatch(r"/agent#/tickets/T-[0-9A-F]+", link.get_attribute("href") or "")
            assert link.inner_text() in (link.get_attribute("href") or "")

            # Volume per month: the simulated May has tickets in; the months before it have no
            # data, and nothing of them is drawn as available.
            volume = page.locator("table.volume tbody tr")
            assert volume.count() == 6
            may = volume.last.inner_text()
            assert may.startswith("2027-05") and "no data" not in may
            counts = [int(n) for n in volume.last.locator("td").all_inner_texts()[1:]]
            channels = page.locator("table.volume thead th", has_text="by channel")
            width = int(channels.get_attribute("colspan") or 0)
            tickets_in, by_channel = counts[0], counts[1 : 1 + width]
            by_priority = counts[1 + width : -2]  # the last two: outages, standby calls
            assert tickets_in >= 3 and sum(by_channel) == tickets_in == sum(by_priority)
            assert page.locator("table.volume tbody tr.no-data").count() == 5
            availability = page.locator("svg#chart-availability")
            assert availability.locator("rect.availability-bar").count() == 2  # May only
            assert availability.locator("text.no-data").count() == 5
            assert "axis from 90%" in availability.inner_html()  # 95% and 99.5% stand apart
            assert page.locator("svg#chart-volume rect.volume-bar").count() >= 1

            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "review-page.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            print(f"screenshot: {shot}")

            # The downloads: the API's CSV and PDF, fetched with the agent's token.
            with page.expect_download() as csv_download:
                page.click("#download-csv")
            saved = csv_download.value
            assert saved.suggested_filename == "sla-review-integratie-noord-2027-05.csv"
            csv_text = Path(saved.path()).read_text()
            assert csv_text.startswith("period,policy,priority,metric,tickets,met,breached")
            assert "volume,2027-05,tickets," in csv_text
            with page.expect_download() as pdf_download:
                page.click("#download-pdf")
            saved = pdf_download.value
            assert saved.suggested_filename == "sla-review-integratie-noord-2027-05.pdf"
            data = Path(saved.path()).read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            assert b"(SLA review May 2027: Gemeente Noord servicedesk) Tj" in data
            saved.save_as(str(ARTIFACTS / "sla-review-2027-05-download.pdf"))

            # For the meeting: the picker is not printed, the charts are.
            page.emulate_media(media="print")
            assert not page.locator("form.no-print").is_visible()
            assert not page.locator("header").is_visible()
            assert page.locator("svg#chart-compliance").is_visible()
            pdf = ARTIFACTS / "sla-review-2027-05.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
            assert pdf.read_bytes().startswith(b"%PDF")
            page.emulate_media(media="screen")

            # hosting-acme: no targets in office hours, yet its month shows what came in: the
            # simulation's alerts as outages, each a link.
            page.select_option("select[name=customer]", "hosting-acme")
            page.click("#picker button[type=submit]")
            page.wait_for_url("**customer=hosting-acme**")
            page.wait_for_function("document.title.includes('ACME')")
            page.wait_for_selector("table.volume")
            acme = page.locator("table.volume tbody tr").last
            cells = acme.locator("td").all_inner_texts()
            head = page.locator("table.volume thead tr").last.locator("th").all_inner_texts()
            row = dict(zip(head, cells, strict=True))
            outages = int(row["Outages"])
            assert outages >= 3 and int(row["monitoring"]) == outages
            assert int(row["Tickets in"]) > outages
            came_in = page.locator("table.came-in a.ticket")
            assert came_in.count() == outages
            assert re.fullmatch(
                r"/agent#/tickets/T-[0-9A-F]+", came_in.first.get_attribute("href") or ""
            )
            page.screenshot(path=str(ARTIFACTS / "review-page-hosting-acme.png"), full_page=True)
            # A ticket link opens the ticket in the agent view.
            ticket_id = came_in.first.inner_text()
            came_in.first.click()
            page.wait_for_url(f"**/agent#/tickets/{ticket_id}")
            page.wait_for_selector(f"#d-id:has-text('{ticket_id}')")
            page.go_back()
            page.wait_for_selector("table.volume")

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
