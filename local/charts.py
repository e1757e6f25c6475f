"""The SLA review dashboard's charts (R004-12), drawn with matplotlib as inline SVG: they need no
script and no network in the browser, and print as sharply as the text around them.

Each function takes report JSON (`GET /customers/{id}/report`) and returns one <svg> element
with an `id` the browser test looks for."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: smaller, searchable, prints with the page
        "svg.hashsalt": "supportflow",  # the same figure gives the same SVG
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
GREEN, RED, GREY, BLUE = "#3a9a6a", "#c44", "#999", "#4a74b0"


def _svg(fig: Any, chart_id: str, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    label = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return re.sub(
        r"<svg ",
        f'<svg id="{chart_id}" class="chart" role="img" aria-label="{label}" ',
        text,
        count=1,
    )


def compliance_chart(report: dict[str, Any]) -> str:
    """Compliance per priority and metric, each bar against its threshold line (R004-5)."""
    tiers = report["tiers"]
    labels, shares, thresholds, colours = [], [], [], []
    for priority, metrics in tiers.items():
        for metric, row in metrics.items():
            labels.append(f"{priority}\n{metric}")
            share = row["compliance_percent"]
            shares.append(0 if share is None else share)
            thresholds.append(row["threshold_percent"])
            colours.append(
                GREY if share is None else RED if row["threshold_met"] is False else GREEN
            )
    fig, ax = plt.subplots(figsize=(max(4.0, 0.7 * len(labels)), 2.8))
    xs = range(len(labels))
    ax.bar(xs, shares, color=colours, width=0.6)
    for x, threshold in zip(xs, thresholds, strict=True):
        if threshold is not None:
            ax.hlines(threshold, x - 0.4, x + 0.4, colors="black", linewidth=2)
    for x, row in zip(xs, [r for m in tiers.values() for r in m.values()], strict=True):
        counted = row["met"] + row["breached"]
        ax.text(x, 2, f"{row['met']}/{counted}" if counted else "none", ha="center", fontsize=7)
    ax.set_xticks(list(xs), labels, fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% within target")
    ax.set_title(f"Compliance per tier, {report['period']} (line: threshold)")
    return _svg(fig, "chart-compliance", "compliance per tier against its threshold")


def breaches_chart(report: dict[str, Any]) -> str:
    """Breaches over the month, per day of the deadline, stacked by metric."""
    year, month = (int(p) for p in str(report["period"]).split("-"))
    first = date(year, month, 1)
    days = (date(year + month // 12, month % 12 + 1, 1) - first).days
    counts = {"response": Counter[int](), "resolution": Counter[int]()}
    for breach in report["breaches"]:
        day = int(str(breach["due"])[8:10])
        counts.setdefault(breach["metric"], Counter())[day] += 1
    fig, ax = plt.subplots(figsize=(6.5, 2.4))
    xs = list(range(1, days + 1))
    bottom = [0] * days
    for metric, colour in (("response", "#e08a3c"), ("resolution", RED)):
        heights = [counts.get(metric, Counter())[d] for d in xs]
        ax.bar(xs, heights, bottom=bottom, color=colour, label=metric, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_xlim(0.3, days + 0.7)
    ax.set_xlabel("day of the deadline")
    ax.set_ylabel("breaches")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False, fontsize=7)
    ax.set_title(f"Breaches over {report['period']}: {len(report['breaches'])}")
    return _svg(fig, "chart-breaches", "breaches over time")


def response_times_chart(report: dict[str, Any]) -> str:
    """The distribution of the time to respond (business hours), per priority."""
    series = {
        priority: [s / 3600 for s in metrics.get("response", [])]
        for priority, metrics in (report.get("business_seconds") or {}).items()
    }
    series = {p: v for p, v in series.items() if v}
    fig, ax = plt.subplots(figsize=(6.5, 2.4))
    if series:
        ax.hist(list(series.values()), bins=12, label=list(series), stacked=True)
        ax.legend(frameon=False, fontsize=7)
    else:
        ax.text(0.5, 0.5, "no responses this month", ha="center", transform=ax.transAxes)
    ax.set_xlabel("business hours to the first response")
    ax.set_ylabel("tickets")
    ax.set_title("Time to respond")
    return _svg(fig, "chart-response-times", "the time-to-respond distribution")


def availability_chart(reports: Sequence[dict[str, Any]]) -> str:
    """Availability in and outside hours per month, against the targets (R001-7, R004-11)."""
    months = [r["period"] for r in reports]
    fig, ax = plt.subplots(figsize=(6.5, 2.4))
    spec = next((r["availability"] for r in reports if r.get("availability")), None)
    if spec is None:
        ax.text(0.5, 0.5, "the contract sets no availability target", ha="center",
                transform=ax.transAxes)  # fmt: skip
    else:
        xs = range(len(months))
        for offset, part, colour in ((-0.2, "in_hours", BLUE), (0.2, "outside_hours", GREY)):
            values = [(r.get("availability") or {}).get(part, {}).get("percent") for r in reports]
            if all(v is None for v in values):
                continue
            ax.bar([x + offset for x in xs], [v or 0 for v in values], width=0.4, color=colour,
                   label=part.replace("_", " "))  # fmt: skip
            target = spec[part]["target_percent"]
            if target is not None:
                ax.axhline(target, color=colour, linestyle="--", linewidth=1)
        low = min(
            [90.0]
            + [
                v
                for r in reports
                for part in ("in_hours", "outside_hours")
                if (v := ((r.get("availability") or {}).get(part) or {}).get("percent")) is not None
            ]
        )
        ax.set_ylim(max(0.0, low - 2), 100.5)
        ax.set_xticks(list(xs), months, fontsize=7)
        ax.legend(frameon=False, fontsize=7, loc="lower left")
    ax.set_ylabel("% available")
    ax.set_title("Availability per month (dashed: target)")
    return _svg(fig, "chart-availability", "availability per month")


def dashboard_charts(report: dict[str, Any], months: Sequence[dict[str, Any]]) -> list[str]:
    """The four charts of the review page: the month's, and availability over `months`."""
    return [
        compliance_chart(report),
        breaches_chart(report),
        response_times_chart(report),
        availability_chart(months),
    ]
