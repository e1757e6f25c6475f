"""The queue a desk works from: what is late first (most late at the top), a badge per metric
(running, warned, paused, breached, met), views (breached, due today, mine, unassigned, waiting
on the customer) and a search; every time in the contract's zone, named."""

from __future__ import annotations

from tests.unit.desk.test_desk import act, fire_due, form, make_world


def test_late_first_badges_views_and_search() -> None:
    desk, clock, timers, _, _ = make_world()  # Monday 31 March 2025, 09:00 Amsterdam
    top = desk.open_ticket()(form(subject="Koppeling ligt eruit"), None).ticket.ticket_id
    low = desk.open_ticket()(
        form(subject="Rapport traag", urgency="degraded", impact="one_user"), None
    ).ticket.ticket_id
    waiting = desk.open_ticket()(
        form(subject="Vraag over export", urgency="degraded", impact="several_users"), None
    ).ticket.ticket_id
    clock.advance(minutes=5)
    act(desk, waiting, "ask_customer", actor="anna", role="agent",
        data={"message": "welke export?"}, now=clock())  # fmt: skip
    act(desk, low, "take", actor="anna", role="agent", data={}, now=clock())
    clock.advance(minutes=46)  # 09:51: top's 75% warning (09:45) passed
    fire_due(desk, timers, clock())
    queue = desk.views().queue()
    assert [r["ticket_id"] for r in queue["tickets"]][:2] == [top, low]
    row = queue["tickets"][0]
    assert row["badges"]["response"] == "warned"
    assert row["due_text"] == "Mon 31 Mar 10:00 CEST"
    clock.advance(minutes=20)  # 10:11: top breached 11 minutes ago
    rows = desk.views().queue()["tickets"]
    assert rows[0]["ticket_id"] == top and rows[0]["breached"]
    assert rows[0]["badges"]["response"] == "breached" and rows[0]["business_seconds_left"] < 0
    assert {r["ticket_id"]: r["badges"]["response"] for r in rows}[waiting] == "met"
    view = lambda name, **kw: [r["ticket_id"] for r in desk.views().queue(name, **kw)["tickets"]]  # noqa: E731
    assert view("breached") == [top]
    assert view("mine", agent="anna") == [low]
    assert set(view("unassigned")) == {top, waiting}
    assert view("waiting") == [waiting]
    today = desk.views().queue("due_today")["tickets"]
    assert top not in [r["ticket_id"] for r in today]  # breached is not "due today"
    assert all(r["due"][:10] == "2025-03-31" and not r["breached"] for r in today)
    assert view(None, search="RAPPORT") == [low]
    assert view(None, search=top.lower()) == [top]


def test_a_ticket_view_names_its_zone() -> None:
    desk, clock, _, _, _ = make_world()
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    view = desk.views().ticket(tid, for_customer=True)
    assert view["zone"] == "Europe/Amsterdam"
    assert view["timeline"][0]["at_text"] == "Mon 31 Mar 09:00 CEST"
    assert view["metrics"]["response"]["due_text"] == "Mon 31 Mar 10:00 CEST"
    assert view["metrics"]["response"]["promise"] == (
        "within 1h of support time (mon-fri 08:30-17:30 (Europe/Amsterdam, holidays NL)): "
        "by Mon 31 Mar 10:00 CEST"
    )
