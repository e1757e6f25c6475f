"""The SLA review as a PDF for the meeting (R004-12), written by hand: PDF 1.4, A4 pages of text
lines and rules in the standard Helvetica fonts (nothing embedded, no dependency).

`pdf_document(pages)` writes the file: a catalog, the page tree, two fonts (Helvetica and
Helvetica-Bold, WinAnsiEncoding), a page and an uncompressed content stream per page, the
cross-reference table with each object's byte offset, and the trailer. Every byte is ASCII
(text outside it is written as octal escapes of its WinAnsi code), so the file travels as text
through the API unchanged.

`render_pdf(report)` lays the report's JSON (`ComplianceReport.as_dict()` with availability,
volume and problem records) out on as many pages as it needs: the same numbers as the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from supportflow.domain.common.periods import Month

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN = 50.0
INK, MUTED, BAD, OK = (0.11, 0.15, 0.2), (0.36, 0.42, 0.49), (0.78, 0.16, 0.16), (0.18, 0.49, 0.2)

# Glyph widths (1/1000 em) of the standard fonts for the codes 32-126 (Adobe's AFM files);
# another character is taken as 556 wide: enough to wrap and align columns.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 "
    "556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 "
    "556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 "
    "500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
    "556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 "
    "611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 "
    "611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 "
    "556 556 500 389 280 389 584"
)
WIDTHS = {False: [int(w) for w in _REGULAR.split()], True: [int(w) for w in _BOLD.split()]}


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = WIDTHS[bold]
    units = sum(widths[ord(c) - 32] if 32 <= ord(c) <= 126 else 556 for c in text)
    return units * size / 1000


@dataclass(frozen=True)
class Run:
    """A piece of text on a page: its baseline starts at (x, y), in points from the bottom left."""

    x: float
    y: float
    text: str
    size: float = 9.0
    bold: bool = False
    colour: tuple[float, float, float] = INK


@dataclass(frozen=True)
class Rule:
    """A straight line from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5
    colour: tuple[float, float, float] = MUTED


Mark = Run | Rule


def _literal(text: str) -> str:
    """A PDF string literal of `text` in WinAnsi, ASCII only: octal escapes for the rest."""
    out = []
    for byte in text.encode("cp1252", errors="replace"):
        char = chr(byte)
        if char in "\\()":
            out.append("\\" + char)
        elif 32 <= byte <= 126:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _colour(rgb: tuple[float, float, float], op: str) -> str:
    return " ".join(_number(c) for c in rgb) + f" {op}"


def _content(marks: Sequence[Mark]) -> str:
    ops = []
    for mark in marks:
        if isinstance(mark, Rule):
            ops.append(
                f"{_colour(mark.colour, 'RG')} {_number(mark.width)} w "
                f"{_number(mark.x1)} {_number(mark.y1)} m {_number(mark.x2)} {_number(mark.y2)} l S"
            )
        else:
            font = "F2" if mark.bold else "F1"
            ops.append(
                f"BT {_colour(mark.colour, 'rg')} /{font} {_number(mark.size)} Tf "
                f"{_number(mark.x)} {_number(mark.y)} Td {_literal(mark.text)} Tj ET"
            )
    return "\n".join(ops) + "\n"


def pdf_document(pages: Sequence[Sequence[Mark]], title: str = "") -> bytes:
    """A PDF 1.4 file of A4 pages (at least one) with these marks."""
    pages = list(pages) or [[]]
    first_page = 6  # 1 catalog, 2 page tree, 3 and 4 fonts, 5 info
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Title {_literal(title)} /Producer (supportflow) >>",
    ]
    for n, marks in enumerate(pages):
        content = _content(marks)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_number(PAGE_WIDTH)} "
            f"{_number(PAGE_HEIGHT)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
            f"/Contents {first_page + 2 * n + 1} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}endstream")
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))  # ASCII only: characters are bytes
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
    out += f"startxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


# ----- the report laid out -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    right: bool = False  # numbers are aligned right


class Layout:
    """Lines of text down A4 pages, a new page when one is full; a footer on each at the end."""

    def __init__(self, footer: str) -> None:
        self.pages: list[list[Mark]] = [[]]
        self.y = PAGE_HEIGHT - MARGIN
        self.footer = footer

    @property
    def width(self) -> float:
        return PAGE_WIDTH - 2 * MARGIN

    def room(self, height: float) -> None:
        """A new page unless `height` more points fit on this one."""
        if self.y - height < MARGIN + 20:
            self.pages.append([])
            self.y = PAGE_HEIGHT - MARGIN

    def line(
        self,
        text: str,
        size: float = 9.0,
        bold: bool = False,
        colour: tuple[float, float, float] = INK,
        indent: float = 0.0,
    ) -> None:
        """A paragraph, wrapped to the page's width."""
        for part in wrap(text, self.width - indent, size, bold):
            self.room(size * 1.35)
            self.y -= size * 1.35
            self.pages[-1].append(Run(MARGIN + indent, self.y, part, size, bold, colour))

    def gap(self, points: float = 6.0) -> None:
        self.y -= points

    def heading(self, text: str) -> None:
        self.room(40)  # a heading is not left alone at the foot of a page
        self.gap(10)
        self.line(text, 12, bold=True)
        self.pages[-1].append(Rule(MARGIN, self.y - 4, PAGE_WIDTH - MARGIN, self.y - 4))
        self.gap(6)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        colours: Sequence[tuple[float, float, float] | None] = (),
        size: float = 8.5,
        notes: Sequence[str | None] = (),
    ) -> None:
        """A table: a bold header (again on a new page), a row per line, cells cut to fit; a
        row's note (the SLA clock's account of a breach) wrapped in small print under it."""

        def cells(values: Sequence[Any], bold: bool, colour: tuple[float, float, float]) -> None:
            x = MARGIN
            for column, value in zip(columns, values, strict=False):
                text = clip(_cell(value), column.width - 6, size, bold)
                left = x + column.width - 6 - text_width(text, size, bold) if column.right else x
                self.pages[-1].append(Run(left, self.y, text, size, bold, colour))
                x += column.width

        def header() -> None:
            self.y -= size * 1.5
            cells([c.title for c in columns], True, MUTED)
            self.pages[-1].append(Rule(MARGIN, self.y - 3, PAGE_WIDTH - MARGIN, self.y - 3))

        self.room(size * 4)
        header()
        for n, row in enumerate(rows):
            note = notes[n] if n < len(notes) else None
            lines = wrap(note, self.width - 10, size - 1) if note else []
            if self.y - size * 1.5 - len(lines) * (size - 1) * 1.35 < MARGIN + 20:
                self.pages.append([])
                self.y = PAGE_HEIGHT - MARGIN
                header()
            self.y -= size * 1.5
            colour = colours[n] if n < len(colours) and colours[n] else INK
            cells(row, False, colour or INK)
            for line in lines:
                self.y -= (size - 1) * 1.35
                self.pages[-1].append(Run(MARGIN + 10, self.y, line, size - 1, False, MUTED))
            if lines:
                self.y -= 2
        self.gap(4)

    def finish(self, title: str) -> bytes:
        total = len(self.pages)
        for n, marks in enumerate(self.pages, start=1):
            footer = f"{self.footer} · page {n} of {total}"
            marks.append(Rule(MARGIN, MARGIN, PAGE_WIDTH - MARGIN, MARGIN, 0.3))
            marks.append(Run(MARGIN, MARGIN - 12, footer, 7.5, False, MUTED))
        return pdf_document(self.pages, title)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` in lines no wider than `width` (a word longer than a line is cut)."""
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            trial = f"{current} {word}" if current else word
            if text_width(trial, size, bold) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            while text_width(word, size, bold) > width:
                cut = len(clip(word, width, size, bold, ellipsis=False)) or 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def clip(text: str, width: float, size: float, bold: bool = False, ellipsis: bool = True) -> str:
    """`text` cut to fit `width` (with an ellipsis)."""
    if text_width(text, size, bold) <= width:
        return text
    mark = "…" if ellipsis else ""
    while text and text_width(text + mark, size, bold) > width:
        text = text[:-1]
    return text + mark


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _duration(seconds: Any) -> str:
    """Business time as the review page shows it: 1d 2h05m, 4h39m, 12m, 40s."""
    if seconds is None:
        return "-"
    s = round(float(seconds))
    days, hours, minutes = s // 86400, s % 86400 // 3600, s % 3600 // 60
    if days:
        return f"{days}d {hours}h{minutes:02d}m"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m" if minutes else f"{s % 60}s"


def _share(value: Any) -> str:
    """A percentage without a trailing .0 (100%, 99.5%, 66.67%)."""
    if value is None:
        return "-"
    return f"{int(value) if float(value) == int(value) else value}%"


def _title(report: Mapping[str, Any]) -> str:
    try:
        month = Month.parse(str(report["period"])).name()
    except ValueError:
        month = str(report["period"])
    who = report.get("customer") or report.get("customer_id") or report.get("policy")
    return f"SLA review {month}: {who}"


def render_pdf(report: Mapping[str, Any]) -> bytes:
    """The report on A4 pages, in the order of the meeting: warnings, compliance, volume,
    availability, breaches, exclusions, problem records."""
    title = _title(report)
    page = Layout(f"supportflow · {title}")
    page.line(title, 16, bold=True)
    page.gap(2)
    as_of = report.get("now_text") or report.get("now") or ""
    page.line(f"Policy {report.get('policy')}; as of {as_of}.", 9, colour=MUTED)
    for warning in report.get("warnings") or []:
        page.line(f"! {warning}", 9, bold=True, colour=BAD)
    _tiers(page, report)
    if report.get("volume"):
        _volume(page, report["volume"])
    if report.get("availability"):
        _availability(page, report["availability"])
    _breaches(page, report.get("breaches") or [])
    _excluded(page, report.get("excluded") or [])
    _problems(page, report.get("problems") or [])
    return page.finish(title)


def _tiers(page: Layout, report: Mapping[str, Any]) -> None:
    page.heading("Compliance per priority (R004-5)")
    columns = [
        Column("priority", 58), Column("metric", 58), Column("tickets", 38, True),
        Column("met", 30, True), Column("breached", 44, True), Column("excluded", 44, True),
        Column("share", 48, True), Column("threshold", 50, True), Column("verdict", 44),
        Column("median", 40, True), Column("p90", 40, True),
    ]  # fmt: skip
    rows, colours = [], []
    for priority, metrics in report["tiers"].items():
        for metric, row in metrics.items():
            met = row.get("threshold_met")
            verdict = "-" if met is None else "met" if met else "MISSED"
            rows.append(
                [
                    priority, metric, row["tickets"], row["met"], row["breached"],
                    row["excluded"], _share(row["compliance_percent"]),
                    _share(row["threshold_percent"]), verdict,
                    _duration(row["median_business_seconds"]),
                    _duration(row["p90_business_seconds"]),
                ]
            )  # fmt: skip
            colours.append(BAD if met is False else None)
    page.table(columns, rows, colours)


def _volume(page: Layout, volume: Mapping[str, Any]) -> None:
    page.heading("Volume: what came in")
    page.line(
        f"{volume['tickets']} tickets in; {volume['outages']} outages; "
        f"{volume['standby_calls']} standby calls"
        + (
            f"; {volume['desk_tickets']} of the desk's own (problem records, RCA tasks)"
            if volume.get("desk_tickets")
            else ""
        )
        + "."
    )
    for label, counts in (("by channel", volume.get("by_channel")),
                          ("by priority", volume.get("by_priority"))):  # fmt: skip
        if not counts:
            continue
        width = max(45.0, min(75.0, (page.width - 80) / len(counts)))
        columns = [Column(label, 80), *(Column(name, width, True) for name in counts)]
        page.table(columns, [["tickets in", *counts.values()]])
    fees = volume.get("standby_fees")
    if fees:
        periods = fees.get("periods_eur")
        page.line(
            f"Standby fees ({fees.get('rule')}): EUR {fees['total_eur']} "
            f"(agreed periods {'not known' if periods is None else 'EUR ' + periods}, "
            f"work on calls EUR {fees['call_work_eur']})."
        )
    listed = [("outage", t) for t in volume.get("outage_tickets") or []]
    listed += [("standby call", t) for t in volume.get("standby_tickets") or []]
    if listed:
        columns = [
            Column("ticket", 80), Column("what", 70), Column("opened", 130),
            Column("channel", 80), Column("priority", 70), Column("work", 60, True),
        ]  # fmt: skip
        page.table(
            columns,
            [
                [
                    t["id"],
                    what,
                    t.get("opened_text"),
                    t.get("channel"),
                    t.get("priority"),
                    t.get("call_work_eur") and f"EUR {t['call_work_eur']}",
                ]
                for what, t in listed
            ],
        )


def _availability(page: Layout, a: Mapping[str, Any]) -> None:
    page.heading(f"Availability{' (' + str(a['rule']) + ')' if a.get('rule') else ''}")
    rows, colours = [], []
    for part, label in (("in_hours", "in hours"), ("outside_hours", "outside hours")):
        row = a.get(part) or {}
        if row.get("target_percent") is None:
            continue
        met = row.get("met")
        verdict = {True: "met", False: "MISSED", None: "-"}[met]
        rows.append(
            [
                label,
                _share(row.get("percent")),
                _share(row.get("target_percent")),
                verdict,
                _duration(row.get("downtime_seconds")),
            ]
        )
        colours.append(BAD if met is False else None)
    columns = [Column("when", 110), Column("available", 70, True), Column("target", 60, True),
               Column("verdict", 60), Column("down", 70, True)]  # fmt: skip
    page.table(columns, rows, colours)
    most = a.get("max_interruptions")
    late = ", ".join(str(t) for t in a.get("restored_late") or []) or "none"
    page.line(
        f"Interruptions: {a.get('interruptions', 0)}"
        + ("" if most is None else f" (at most {most})")
        + f". Restored later than {a.get('restore_within') or '-'}: {late}."
    )


def _breaches(page: Layout, breaches: Sequence[Mapping[str, Any]]) -> None:
    page.heading(f"Breaches ({len(breaches)})")
    if not breaches:
        page.line("None this month.", colour=MUTED)
        return
    columns = [Column("ticket", 80), Column("metric", 70), Column("priority", 60),
               Column("due", 130), Column("late (business time)", 100, True)]  # fmt: skip
    rows = [
        [
            b["id"],
            b["metric"],
            b.get("priority"),
            b.get("due_text") or b.get("due"),
            _duration(b.get("late_business_seconds")),
        ]
        for b in breaches
    ]
    notes = [b.get("explanation") for b in breaches]
    page.table(columns, rows, [BAD] * len(rows), notes=notes)


def _excluded(page: Layout, excluded: Sequence[Mapping[str, Any]]) -> None:
    if not excluded:
        return
    page.heading(f"Excluded from compliance, R004-10 ({len(excluded)})")
    for e in excluded:
        who = f" ({e['by']})" if e.get("by") else ""
        due = e.get("due_text") or e.get("due")
        page.line(f"{e['id']} {e['metric']}, due {due}: {e.get('reason')}{who}")


def _problems(page: Layout, problems: Sequence[Mapping[str, Any]]) -> None:
    if not problems:
        return
    page.heading(f"Problem records, R004-8 ({len(problems)})")
    for p in problems:
        incidents = ", ".join(str(t) for t in p.get("incidents") or []) or "none"
        reports = len(p.get("reports") or [])
        page.line(
            f"{p['id']} {p.get('subject') or ''}: incidents {incidents}; {reports} RCA report"
            f"{'s' if reports != 1 else ''}; {str(p.get('stage') or '').replace('_', ' ')}"
        )
