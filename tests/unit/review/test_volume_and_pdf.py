"""The SLA review's volume (R004-12 with R003-1, R003-4) and its PDF for the meeting.

Volume: every ticket leaves an intake in the month it was opened (in the pack's zone), counted
per channel and priority, with the outages and the standby calls and their work. The PDF: a
hand-written PDF 1.4 whose cross-reference table points at its objects, on as many A4 pages as
the report needs."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from supportflow.domain.common.periods import Month
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.review.report_pdf import (
    PAGE_HEIGHT,
    Run,
    clip,
    pdf_document,
    render_pdf,
    text_width,
    wrap,
)
from supportflow.domain.review.report_text import render_csv, render_text
from supportflow.domain.review.volume import Intake, intake_of, month_volume
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies.registry import shipped
from supportflow.services.review.keep_verdicts import ticket_verdicts

AMS = ZoneInfo("Europe/Amsterdam")
MAY = Month(2027, 5)


def intake(ticket_id: str, at: str, channel: str, priority: str | None, **more: Any) -> Intake:
    return Intake(ticket_id, parse_instant(at), channel, priority, **more)


def test_the_volume_of_a_month_by_hand() -> None:
    intakes = [
        # 30 April 23:30 UTC is 1 May 01:30 in Amsterdam: May's
        intake("T-1", "2027-04-30T23:30:00+00:00", "monitoring", "normal", outage=True),
        intake(
            "T-2",
            "2027-05-08T20:10:00+02:00",
            "phone",
            "standby",
            standby=True,
            call_work=Decimal("95.00"),
        ),
        intake("T-3", "2027-05-10T09:00:00+02:00", "portal", "normal"),
        intake("T-4", "2027-05-11T09:00:00+02:00", "portal", None),  # no priority level
        # kept before intakes had channels: read as unknown
        Intake.from_dict({"ticket_id": "T-5", "opened_at": "2027-05-12T09:00:00+02:00"}),
        # the desk's own: a problem record and an RCA task
        intake("T-6", "2027-05-12T10:00:00+02:00", "portal", None, type="problem"),
        intake("T-7", "2027-05-12T10:00:00+02:00", "portal", "rca", type="rca"),
        # June's (1 June 00:00 in Amsterdam) and April's
        intake("T-8", "2027-05-31T22:00:00+00:00", "portal", "normal"),
        intake("T-9", "2027-04-30T21:59:00+00:00", "portal", "normal"),
    ]
    volume = month_volume(
        intakes, MAY, AMS,
        priorities=("standby", "normal"), channels=("portal", "email", "phone", "monitoring"),
        standby=True, standby_periods=Decimal("427.50"),
    )  # fmt: skip
    assert volume["tickets"] == 5 and volume["desk_tickets"] == 2
    assert volume["by_channel"] == {
        "portal": 2, "email": 0, "phone": 1, "monitoring": 1, "unknown": 1,
    }  # fmt: skip
    assert volume["by_priority"] == {"standby": 1, "normal": 2, "none": 2}
    assert (volume["outages"], volume["standby_calls"]) == (1, 1)
    assert volume["outage_tickets"] == [
        {
            "id": "T-1",
            "opened_at": "2027-05-01T01:30:00+02:00",
            "opened_text": "Sat 01 May 01:30 CEST",
            "channel": "monitoring",
            "priority": "normal",
            "call_work_eur": None,
        }
    ]
    assert volume["standby_tickets"][0]["call_work_eur"] == "95.00"
    assert volume["standby_fees"] == {
        "periods_eur": "427.50",
        "call_work_eur": "95.00",
        "total_eur": "522.50",
        "rule": "R003-4",
    }
    # a pack without standby shows no fees; periods not known are said to be
    assert month_volume(intakes, MAY, AMS)["standby_fees"] is None
    unknown = month_volume(intakes, MAY, AMS, standby=True)["standby_fees"]
    assert unknown["periods_eur"] is None and unknown["total_eur"] == "95.00"
    assert month_volume([], MAY, AMS)["tickets"] == 0


def test_an_intake_from_the_ticket() -> None:
    """A monitoring alert is an outage; only the standby priority's call work counts; charges
    of other codes do not."""
    alert = intake_of("T-1", parse_instant("2027-05-01T03:00:00+02:00"), "monitoring", "normal",
                      "incident", outage=False, standby_priority="standby")  # fmt: skip
    assert alert.outage and not alert.standby
    charges = [
        {"rule": "R003-4", "code": "standby_call_work", "amount": "95.00"},
        {"rule": "R003-5", "code": "out_of_contract_work", "amount": "67.50"},
        {"rule": "R003-4", "code": "standby_call_work", "amount": "-95.00"},  # a credit
        {"rule": "R003-4", "code": "standby_call_work", "amount": "142.50"},
    ]
    call = intake_of("T-2", parse_instant("2027-05-08T20:10:00+02:00"), "phone", "standby",
                     None, outage=False, standby_priority="standby", charges=charges)  # fmt: skip
    assert call.standby and call.call_work == Decimal("142.50") and call.type == "incident"
    assert Intake.from_dict(call.as_dict()) == call
    other = intake_of("T-3", parse_instant("2027-05-08T20:10:00+02:00"), None, "normal",
                      None, outage=False, standby_priority=None, charges=charges)  # fmt: skip
    assert other.channel == "unknown" and other.call_work == 0 and not other.standby


def test_every_ticket_keeps_its_intake_in_the_month_it_opened() -> None:
    """hosting-standby sets no targets in office hours: a normal ticket has no verdict, yet its
    intake is kept (the month showed all zeros before); a standby call's intake carries its
    work."""
    policy = shipped().get("hosting-standby", None)

    def ticket(ticket_id: str, at: str, channel: str) -> Ticket:
        return Ticket.open(
            ticket_id=ticket_id, customer_id="hosting-acme", policy_id="hosting-standby",
            policy_version=1, attributes={"channel": channel}, subject="s", description="d",
            contact_email="ops@acme.example", channel=channel, at=parse_instant(at),
        )  # fmt: skip

    portal = ticket("T-1", "2027-05-31T17:00:00+02:00", "portal")
    rows = ticket_verdicts(portal, policy, parse_instant("2027-06-02T12:00:00+02:00"))
    assert [(r.key, r.month) for r in rows] == [("intake", "2027-05")]
    assert rows[0].intake is not None and rows[0].intake.priority == "normal"

    call = ticket("T-2", "2027-05-08T20:10:00+02:00", "phone")  # Saturday evening: standby
    work = {"rule": "R003-4", "code": "standby_call_work", "hours": "1", "rate": "95.00",
            "amount": "95.00"}  # fmt: skip
    call.log("charged", "system", work, parse_instant("2027-05-08T22:00:00+02:00"))
    rows = ticket_verdicts(call, policy, parse_instant("2027-06-02T12:00:00+02:00"))
    (kept,) = [r.intake for r in rows if r.intake is not None]
    assert (kept.channel, kept.priority, kept.standby, kept.call_work) == (
        "phone", "standby", True, Decimal("95.00"),
    )  # fmt: skip


# ----- the PDF ---------------------------------------------------------------------------------


def check_pdf(data: bytes) -> list[bytes]:
    """The file's structure as a reader finds it; the content streams of its pages."""
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    data.decode("ascii")  # every byte ASCII: it travels as text
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    assert data[start:].startswith(b"xref\n0 ")
    count = int(data[start:].split(b"\n")[1].split()[1])
    entries = data[start:].split(b"\n")[3 : 3 + count - 1]
    for number, entry in enumerate(entries, start=1):
        assert len(entry) == 19 and entry.endswith(b" 00000 n "), entry  # 20 bytes with \n
        offset = int(entry[:10])
        assert data[offset:].startswith(f"{number} 0 obj\n".encode()), number
    trailer = data[start:]
    assert f"/Size {count}".encode() in trailer and b"/Root 1 0 R" in trailer
    streams = []
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        length = int(match.group(1))
        body = data[match.end() : match.end() + length]
        assert data[match.end() + length :].startswith(b"endstream"), "the /Length is exact"
        streams.append(body)
    pages = int(re.search(rb"/Type /Pages /Kids \[[^\]]*\] /Count (\d+)", data).group(1))  # type: ignore[union-attr]
    assert pages == len(streams)
    return streams


def test_a_hand_written_pdf_reads_as_one() -> None:
    pages = [
        [Run(50, 800, "Storing (kritiek) \\ opgelost: één café, 5 €", 12, bold=True)],
        [Run(50, 800, "second page")],
    ]
    data = pdf_document(pages, "SLA review (May)")
    first, second = check_pdf(data)
    assert b"/F2 12 Tf" in first
    # brackets and backslash escaped, the rest in WinAnsi octal
    assert rb"(Storing \(kritiek\) \\ opgelost: \351\351n caf\351, 5 \200) Tj" in first
    assert b"(second page) Tj" in second
    assert b"/Title (SLA review \\(May\\))" in data
    assert b"/BaseFont /Helvetica " in data and b"/BaseFont /Helvetica-Bold " in data
    assert b"/MediaBox [0 0 595.28 841.89]" in data  # A4
    check_pdf(pdf_document([]))  # no marks: still one page


def test_text_is_measured_wrapped_and_clipped() -> None:
    assert text_width("Hello", 10) == (722 + 556 + 222 + 222 + 556) / 100
    assert text_width("Hello", 10, bold=True) > text_width("Hello", 10)
    lines = wrap("the quick brown fox jumps over the lazy dog " * 5, 150, 9)
    assert len(lines) > 3 and all(text_width(line, 9) <= 150 for line in lines)
    assert wrap("x" * 100, 50, 9)[0] and all(text_width(w, 9) <= 50 for w in wrap("x" * 100, 50, 9))
    assert clip("a long subject that does not fit", 60, 9).endswith("…")
    assert text_width(clip("a long subject that does not fit", 60, 9), 9) <= 60


def report(breaches: int) -> dict[str, Any]:
    tiers = {
        p: {
            m: {
                "tickets": 4,
                "met": 3,
                "breached": 1,
                "excluded": 0,
                "compliance_percent": 75.0,
                "threshold_percent": 80,
                "threshold_met": False,
                "median_business_seconds": 1800,
                "p90_business_seconds": 7200,
            }
            for m in ("response", "resolution")
        }
        for p in ("top", "high", "medium", "low")
    }
    return {
        "customer_id": "integratie-noord",
        "customer": "Gemeente Noord servicedesk",
        "period": "2027-05",
        "policy": "integration-9x5",
        "now": "2027-05-31T10:07:00+02:00",
        "now_text": "Mon 31 May 10:07 CEST",
        "tiers": tiers,
        "breaches": [
            {
                "id": f"T-{n:04d}",
                "metric": "response",
                "priority": "high",
                "due": "2027-05-10T09:00:00+02:00",
                "due_text": "Mon 10 May 09:00 CEST",
                "late_business_seconds": 3600,
                "explanation": "response target 9h (R004-3) for high, policy integration-9x5 v1; "
                "started 2027-05-07 09:00; due 2027-05-10 09:00; 1h late",
            }
            for n in range(breaches)
        ],
        "excluded": [],
        "warnings": ["high response at 75%: 1 more on time needed to reach 80% in May 2027"],
        "availability": None,
        "problems": [],
        "volume": month_volume(
            [intake("T-1", "2027-05-03T09:00:00+02:00", "portal", "top")],
            MAY,
            AMS,
            priorities=("top", "high"),
            channels=("portal", "phone"),
        ),
    }


def test_the_report_as_a_pdf() -> None:
    (page,) = check_pdf(render_pdf(report(3)))
    assert b"(SLA review May 2027: Gemeente Noord servicedesk) Tj" in page
    assert b"(T-0002) Tj" in page and b"(Mon 10 May 09:00 CEST) Tj" in page
    assert b"(Volume: what came in) Tj" in page and b"(page 1 of 1)" not in page
    assert b"page 1 of 1) Tj" in page
    # Many breaches: more pages, each with its footer, every line inside the page
    pages = check_pdf(render_pdf(report(80)))
    assert len(pages) >= 3
    for n, content in enumerate(pages, start=1):
        assert f"page {n} of {len(pages)}) Tj".encode() in content
        for y in re.findall(rb" ([\d.]+) Td ", content):
            assert 30 <= float(y) <= PAGE_HEIGHT - 40
    assert b"(T-0079) Tj" in pages[-1] or any(b"(T-0079) Tj" in p for p in pages)


def test_csv_and_text_carry_the_volume() -> None:
    r = report(1)
    csv_text = render_csv(r)
    assert csv_text.startswith("period,policy,priority,metric,tickets,")
    assert "volume,period,kind,name,value" in csv_text
    assert "volume,2027-05,channel,portal,1" in csv_text
    assert "volume,2027-05,priority,top,1" in csv_text
    assert "volume,2027-05,outages,,0" in csv_text
    text = render_text(r)
    assert "Volume: 1 tickets in, 0 outages, 0 standby calls" in text
    assert "by channel: portal 1, phone 0" in text and "due Mon 10 May 09:00 CEST" in text
