"""A compliance report for people: plain text, CSV (a row per priority and metric, then a row per
breach, then the month's volume), and a printable HTML page for the SLA review meeting (R004-12).
The PDF is report_pdf's.

They all render the report's `as_dict()`, so the numbers are the JSON's numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from supportflow.domain.common.timeutil import format_seconds

TIER_COLUMNS = (
    "tickets",
    "met",
    "breached",
    "excluded",
    "compliance_percent",
    "threshold_percent",
    "threshold_met",
    "median_business_seconds",
    "p90_business_seconds",
)


def _duration(seconds: Any) -> str:
    return "-" if seconds is None else format_seconds(float(seconds))


def _share(value: Any) -> str:
    return "-" if value is None else f"{value}%"


def _verdict(row: Mapping[str, Any]) -> str:
    met = row.get("threshold_met")
    return "-" if met is None else "met" if met else "MISSED"


def render_text(report: Mapping[str, Any]) -> str:
    lines = [f"SLA compliance {report['period']}, policy {report['policy']}", ""]
    head = (
        f"{'priority':<10} {'metric':<11} {'tickets':>7} {'met':>5} {'breached':>8} "
        f"{'excluded':>8} {'share':>8} {'target':>7} {'verdict':>7} {'median':>9} {'p90':>9}"
    )
    lines += [head, "-" * len(head)]
    for priority, metrics in report["tiers"].items():
        for metric, row in metrics.items():
            lines.append(
                f"{priority:<10} {metric:<11} {row['tickets']:>7} {row['met']:>5} "
                f"{row['breached']:>8} {row['excluded']:>8} "
                f"{_share(row['compliance_percent']):>8} {_share(row['threshold_percent']):>7} "
                f"{_verdict(row):>7} {_duration(row['median_business_seconds']):>9} "
                f"{_duration(row['p90_business_seconds']):>9}"
            )
    lines.append("")
    lines.append(f"Breaches ({len(report['breaches'])}):")
    for b in report["breaches"]:
        lines.append(
            f"  {b['id']} {b['metric']} due {b.get('due_text') or b['due']}, "
            f"{_duration(b['late_business_seconds'])} late"
        )
        if b.get("explanation"):
            lines.append(f"    {b['explanation']}")
    excluded = report.get("excluded") or []
    if excluded:
        lines.append(f"Excluded (R004-10) ({len(excluded)}):")
        for e in excluded:
            who = f" by {e['by']}" if e.get("by") else ""
            lines.append(f"  {e['id']} {e['metric']} due {e['due']}: {e.get('reason')}{who}")
    if report["warnings"]:
        lines.append("Warnings:")
        lines += [f"  ! {w}" for w in report["warnings"]]
    if report.get("volume"):
        lines += ["", *volume_lines(report["volume"])]
    return "\n".join(lines) + "\n"


def volume_lines(volume: Mapping[str, Any]) -> list[str]:
    """The month's volume in a few lines: what came in, by channel and priority."""

    def counts(of: Mapping[str, int]) -> str:
        return ", ".join(f"{name} {n}" for name, n in of.items()) or "-"

    lines = [
        f"Volume: {volume['tickets']} tickets in, {volume['outages']} outages, "
        f"{volume['standby_calls']} standby calls",
        f"  by channel: {counts(volume.get('by_channel') or {})}",
        f"  by priority: {counts(volume.get('by_priority') or {})}",
    ]
    if volume.get("desk_tickets"):
        lines.append(f"  the desk's own (problem records, RCA tasks): {volume['desk_tickets']}")
    fees = volume.get("standby_fees")
    if fees:
        periods = fees.get("periods_eur")
        lines.append(
            f"  standby fees ({fees.get('rule')}): EUR {fees['total_eur']} (agreed periods "
            f"{'not known' if periods is None else 'EUR ' + periods}, work on calls EUR "
            f"{fees['call_work_eur']})"
        )
    for kind, key in (("outage", "outage_tickets"), ("standby call", "standby_tickets")):
        for t in volume.get(key) or []:
            lines.append(f"  {kind} {t['id']} opened {t.get('opened_text') or t['opened_at']}")
    return lines


def render_csv(report: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("period", "policy", "priority", "metric", *TIER_COLUMNS))
    for priority, metrics in report["tiers"].items():
        for metric, row in metrics.items():
            writer.writerow(
                (
                    report["period"],
                    report["policy"],
                    priority,
                    metric,
                    *("" if row[c] is None else row[c] for c in TIER_COLUMNS),
                )
            )
    writer.writerow(())
    writer.writerow(("breach", "id", "metric", "priority", "due", "late_business_seconds"))
    for b in report["breaches"]:
        writer.writerow(
            (
                "breach",
                b["id"],
                b["metric"],
                b.get("priority"),
                b["due"],
                b["late_business_seconds"],
            )
        )
    volume = report.get("volume")
    if volume:
        writer.writerow(())
        writer.writerow(("volume", "period", "kind", "name", "value"))
        period = report["period"]
        writer.writerow(("volume", period, "tickets", "", volume["tickets"]))
        for name, n in (volume.get("by_channel") or {}).items():
            writer.writerow(("volume", period, "channel", name, n))
        for name, n in (volume.get("by_priority") or {}).items():
            writer.writerow(("volume", period, "priority", name, n))
        writer.writerow(("volume", period, "outages", "", volume["outages"]))
        writer.writerow(("volume", period, "standby_calls", "", volume["standby_calls"]))
        writer.writerow(("volume", period, "desk_tickets", "", volume.get("desk_tickets", 0)))
        fees = volume.get("standby_fees")
        if fees:
            for part in ("periods_eur", "call_work_eur", "total_eur"):
                value = fees.get(part)
                writer.writerow(("volume", period, "standby_fees", part, value or ""))
    return out.getvalue()


PRINT_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
td.missed { color: #a00; font-weight: bold; } td.met { color: #075; }
.bar { position: relative; width: 12em; height: 1em; background: #eee; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; background: #4a7; }
.bar span.low { background: #c44; }
.bar i { position: absolute; top: -2px; bottom: -2px; width: 2px; background: #000; }
ul.warnings li { color: #a00; }
figure.chart { margin: 1em 0; } figure.chart svg { max-width: 100%; height: auto; }
form.no-print { margin: .5em 0 1em; }
@media print { body { margin: 1cm; } a { color: inherit; text-decoration: none; }
  .no-print { display: none; } figure.chart { break-inside: avoid; }
  h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def render_html(
    report: Mapping[str, Any], charts: Sequence[str] = (), title: str = "", lead: str = ""
) -> str:
    """A page that prints well: the tiers with a bar against the threshold line, the warnings,
    the breaches with the clock's explanation, the exclusions with their reasons, availability.
    `charts` are ready-made figures (inline SVG) to put between the summary and the breaches;
    `lead` is ready-made HTML under the title (the dashboard's month picker)."""
    heading = title or f"SLA review {report['period']}: {report['policy']}"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(heading)}</title><style>{PRINT_CSS}</style></head><body>",
        f"<h1>{escape(heading)}</h1>",
        lead,
        f"<p>Period {escape(str(report['period']))}, as of {escape(str(report.get('now', '')))}."
        "</p>",
    ]
    if report["warnings"]:
        parts.append("<ul class='warnings'>")
        parts += [f"<li>{escape(w)}</li>" for w in report["warnings"]]
        parts.append("</ul>")
    parts.append("<h2>Compliance per priority</h2><table class='tiers'><thead><tr>")
    for name in ("priority", "metric", "tickets", "met", "breached", "excluded", "share"):
        parts.append(f"<th>{name}</th>")
    parts.append("<th>against threshold</th><th>threshold</th><th>median</th><th>p90</th>")
    parts.append("</tr></thead><tbody>")
    for priority, metrics in report["tiers"].items():
        for metric, row in metrics.items():
            parts.append(_tier_row(priority, metric, row))
    parts.append("</tbody></table>")
    parts += [f"<figure class='chart'>{svg}</figure>" for svg in charts]
    availability = report.get("availability")
    if availability:
        parts.append(_availability(availability))
    if report.get("volume"):
        items = "".join(
            f"<li>{escape(line.strip())}</li>" for line in volume_lines(report["volume"])
        )
        parts.append(f"<h2>Volume</h2><ul class='volume'>{items}</ul>")
    parts += [_breaches(report["breaches"]), _problems(report.get("problems") or [])]
    parts.append(_excluded(report.get("excluded") or []))
    parts.append("</body></html>\n")
    return "".join(parts)


def _breaches(breaches: Sequence[Mapping[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(str(b['id']))}</td><td class='text'>{escape(b['metric'])}</td>"
        f"<td class='text'>{escape(str(b.get('priority')))}</td>"
        f"<td class='text'>{escape(str(b.get('due_text') or b['due']))}</td>"
        f"<td>{escape(_duration(b['late_business_seconds']))}</td>"
        f"<td class='text'>{escape(str(b.get('explanation') or ''))}</td></tr>"
        for b in breaches
    )
    return (
        f"<h2>Breaches ({len(breaches)})</h2><table class='breaches'><thead><tr><th>ticket</th>"
        "<th>metric</th><th>priority</th><th>due</th><th>late</th><th>why (the SLA clock)</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _problems(problems: Sequence[Mapping[str, Any]]) -> str:
    """The desk's report: the problem records open in the month (R004-8)."""
    if not problems:
        return ""
    items = []
    for p in problems:
        incidents = ", ".join(str(t) for t in p.get("incidents") or []) or "none"
        reports = len(p.get("reports") or [])
        items.append(
            f"<li>{escape(str(p['id']))} {escape(str(p.get('subject') or ''))}: incidents "
            f"{escape(incidents)}; {reports} RCA report{'s' if reports != 1 else ''}; "
            f"{escape(str(p.get('stage') or '').replace('_', ' '))}</li>"
        )
    heading = f"<h2>Problem records, R004-8 ({len(problems)})</h2>"
    return f"{heading}<ul class='problems'>{''.join(items)}</ul>"


def _excluded(excluded: Sequence[Mapping[str, Any]]) -> str:
    if not excluded:
        return ""
    items = []
    for e in excluded:
        who = f" ({e['by']})" if e.get("by") else ""
        items.append(
            f"<li>{escape(str(e['id']))} {escape(e['metric'])}, due {escape(str(e['due']))}: "
            f"{escape(str(e.get('reason')))}{escape(who)}</li>"
        )
    heading = f"<h2>Excluded from compliance, R004-10 ({len(excluded)})</h2>"
    return f"{heading}<ul>{''.join(items)}</ul>"


def _tier_row(priority: str, metric: str, row: Mapping[str, Any]) -> str:
    share, threshold = row["compliance_percent"], row["threshold_percent"]
    bar = ""
    if share is not None:
        low = " class='low'" if row.get("threshold_met") is False else ""
        line = "" if threshold is None else f"<i style='left:{threshold}%'></i>"
        bar = f"<div class='bar'><span{low} style='width:{share}%'></span>{line}</div>"
    verdict = _verdict(row)
    css = "missed" if verdict == "MISSED" else "met" if verdict == "met" else ""
    return (
        f"<tr><td>{escape(priority)}</td><td class='text'>{escape(metric)}</td>"
        f"<td>{row['tickets']}</td><td>{row['met']}</td><td>{row['breached']}</td>"
        f"<td>{row['excluded']}</td><td class='{css}'>{_share(share)}</td><td>{bar}</td>"
        f"<td>{_share(threshold)}</td><td>{_duration(row['median_business_seconds'])}</td>"
        f"<td>{_duration(row['p90_business_seconds'])}</td></tr>"
    )


def _availability(a: Mapping[str, Any]) -> str:
    rows = []
    for part, label in (("in_hours", "in hours"), ("outside_hours", "outside hours")):
        row = a.get(part) or {}
        if row.get("target_percent") is None:
            continue
        share = "-" if row.get("percent") is None else f"{row['percent']}%"
        verdict = {True: "met", False: "MISSED", None: "-"}[row.get("met")]
        css = "missed" if verdict == "MISSED" else "met" if verdict == "met" else ""
        rows.append(
            f"<tr><td>{label}</td><td>{share}</td><td>{row['target_percent']}%</td>"
            f"<td class='{css}'>{verdict}</td>"
            f"<td>{_duration(row.get('downtime_seconds'))}</td></tr>"
        )
    most = a.get("max_interruptions")
    interruptions = f"{a.get('interruptions', 0)}" + ("" if most is None else f" (at most {most})")
    late = ", ".join(str(t) for t in a.get("restored_late") or []) or "none"
    rule = f" ({escape(str(a['rule']))})" if a.get("rule") else ""
    return (
        f"<h2>Availability{rule}</h2><table class='availability'><thead><tr><th>when</th>"
        "<th>available</th><th>target</th><th>verdict</th><th>down</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><p>Interruptions: {escape(interruptions)}. Restored later than "
        f"{escape(str(a.get('restore_within') or '-'))}: {escape(late)}.</p>"
    )
