"""Search and the queue's first page with 10,000 and 100,000 tickets in the table.

What is measured is what `GET /search`, `GET /customers/{id}/tickets` and `GET /queue` run:
`SearchTickets.search` and `.customer` and `TicketViews.queue`, built by the real composition
root (`bootstrap.Container`) over a moto table created from template.yaml, with
`DynamoSearchIndex` and `DynamoTickets`.

The table. For each size a fresh table is filled with N tickets of 100 customers (the five demo
contracts, each copied under 20 customer ids, so the policies and the hydration are real),
opened evenly over the same two years (so the open tickets' ages, and so their deadlines, are
alike at both sizes; the intake rate grows with N). 5% are open: half of the newest 10%, over
triage 5%, first line 40% (half of it taken and answered), second line 25% (a fifth not taken),
waiting on the customer 15%, resolved 15%; 30% of the open tickets are held by nobody. Each
ticket's item is `codec.ticket_item` of a real `Ticket`: one template per contract and stage, made
by the real use cases over the in-memory adapters (open, triage, park, take, respond, hand to
second line, ask the customer, resolve, close), copied with its own id, customer, opening time,
subject and description; an open ticket's deadlines, timers and next due are moved with its
opening time (so the queue's order and its breached/left figures are real), a closed ticket keeps
its template's SLA outcome as it is. Event items are not written (no measured path reads them).
Its words: a Zipf-like vocabulary of 16,000 words, word r in a share min(20%, 1.6/r) of the
tickets (about 14 words a ticket, 10 to 20 for most): ranks 1-8 are in 20% of the tickets
("storing" is rank 1), rank 160 ("certificaat") in 1%, rank 16,000 ("kwartaalafsluiting") in
0.01% (the measured words have exactly that share). Every word entry and the `SEARCH` list item
are written as `DynamoSearchIndex.keep` writes them (`WORD#<word>`, `<opened UTC>#<id>`, c), for
every word of the vocabulary; the words `ticket_terms` would add from a ticket's id and contact
address (partitions of their own, which no measured search reads) are left out. Items are put
into moto's table model directly (`Table.put_item`, without the HTTP round trip of
batch_writer: five times faster); the 100k fill is about 1.5M items and 1.5 GB.

moto, and what is DynamoDB's. moto's own table Query looks at every item of the table, sorted;
`local.serial.partitioned` makes a table Query read its one partition, as DynamoDB does (it
still sorts that partition for every request, and moto sorts it again: moto's time for a Query
of a word grows with the word's partition, DynamoDB's does not). That helper does NOT partition
index queries: moto's GSI Query (by_customer, by_stage_due) sorts and scans every item of the
table for every request (seconds at 10k tickets, tens of seconds at 100k: measured once per size
on the customer history and printed). So the bench also serves a GSI Query from its one index
partition, as DynamoDB reads it, from a snapshot of the indexes taken after the fill (nothing
is written while measuring; the customer history is checked to be the same either way). What
DynamoDB would do is counted per call from every botocore call made (wrapping
BaseClient._make_api_call): requests per operation, items read (a Query's ScannedCount, the items
a GetItem/BatchGetItem returned) and read units estimated as workflow_bench does (per started
4 KB, x0.5 eventually consistent; a Query rounds the sum). These counts do not depend on moto.
Most of the wall time is moto's (parsing, sorting, serializing: about 120 ms for a Query page
of 500 entries); "own ms" is the time outside the AWS calls (supportflow's and pynamodb's own
work). The filled table lives in the measured process: it is frozen out of the garbage
collector (gc.freeze) so that collections do not walk moto's 1.5M items.

Each case runs once to warm up, then RUNS times (20; BENCH_SEARCH_RUNS); p50/p95 are of those.
Targets (issue "make bench shows search and the queue's first page at 10,000 and 100,000
tickets"): search and the queue's first page in under ~300 ms locally, and flat between 10k and
100k (ratio about 1) in DynamoDB requests and items read for a search by a rare or medium word
and for the queue. (A rare word's tickets grow with the table, 1 -> 10 here, until they fill a
page: what a search reads for it grows with them; the check printed is the plain ratio.) Two
extra cases (marked +) show searches that filter after reading: status=open (the status is
known only from the ticket items read) and within one customer (from the word entries read).
Results in bench/results/search.json.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.client import BaseClient
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import describe, provenance
from bench.workflow_bench import read_units
from local.serial import partitioned
from local.stack import MOTO_CONFIG, REGION, create_table

from supportflow.adapters.dynamodb.codec import ticket_item
from supportflow.adapters.memory.fakes import RecordingMailer, RecordingTimers
from supportflow.adapters.memory.stores import (
    InMemoryContracts,
    InMemoryFilings,
    InMemoryMailQuota,
    InMemoryPolicies,
    InMemorySearchIndex,
)
from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.bootstrap import Container
from supportflow.contracts.demo_data import demo_contracts, demo_versions
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.search_terms import words
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies.registry import shipped
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.open_ticket import Opened
from supportflow.services.ports.search import IndexedTicket, position_of
from supportflow.settings import Settings, load_settings

SIZES = (10_000, 100_000)
RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "20"))
CUSTOMERS = 100
SPAN = timedelta(days=730)  # every size is opened over the same two years
NOW = datetime(2027, 6, 10, 10, 0, tzinfo=UTC)
TEMPLATE_START = datetime(2027, 6, 7, 7, 0, tzinfo=UTC)  # a Monday, 09:00 in Amsterdam
VOCABULARY = 16_000
ZIPF = 1.6  # word r is in min(20%, ZIPF / r) of the tickets
COMMON, MEDIUM, RARE = "storing", "certificaat", "kwartaalafsluiting"
MEASURED = {1: COMMON, 160: MEDIUM, VOCABULARY: RARE}
HISTORY_CUSTOMER = "customer-007"
# The open tickets' templates, and the share of the open tickets each stands for.
OPEN_MIX = {
    "triage": 5,
    "first_line": 20,
    "first_line_taken": 20,
    "second_line": 5,
    "second_line_taken": 20,
    "waiting": 15,
    "resolved": 15,
}
AGENT, SPECIALIST = "anna@supportdesk.example", "bram@supportdesk.example"


# ----- the templates: real tickets, made by the use cases ---------------------------------------


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class _NoWorkflow:
    """The templates are driven by hand (triage, park): nothing starts or signals."""

    def start(self, ticket_id: str, payload: Any) -> None:
        return None

    def signal(self, token: str, output: Any) -> None:
        return None


def templates() -> dict[str, dict[str, Ticket]]:
    """Per demo customer, a real ticket at each stage the fill uses (see OPEN_MIX, and closed)."""
    clock = _Clock(TEMPLATE_START)
    desk = Container(
        load_settings(Settings, {"TABLE_NAME": "templates"}),
        clock=clock,
        tickets=InMemoryTickets(clock),
        filings=InMemoryFilings(),
        quota=InMemoryMailQuota(),
        timers=RecordingTimers(),
        mailer=RecordingMailer(),
        workflow=_NoWorkflow(),
        contract_store=InMemoryContracts(demo_versions()),
        policy_store=InMemoryPolicies(),
        search_index=InMemorySearchIndex(),
        token_secret=b"bench",
    )
    tokens = iter(range(1_000_000))

    def act(tid: str, action: str, actor: str = AGENT, **data: Any) -> None:
        clock.now += timedelta(minutes=20)
        desk.record_action()(tid, action, actor=actor, role="agent", data=data)

    def park(tid: str, stage: Stage) -> None:
        desk.park()(tid, stage, f"token-{next(tokens)}")

    def made(contract_id: str, contact: str, *steps: str) -> Ticket:
        clock.now = TEMPLATE_START
        form = NewTicket.model_validate(
            {
                "customer": contract_id,
                "contact_email": contact,
                "subject": f"template {next(tokens)}",  # a repeat would give the same ticket
                "description": "template",
                "channel": "portal",
            }
        )
        opened = desk.open_ticket()(form, None)
        assert isinstance(opened, Opened)
        tid = opened.ticket.ticket_id
        for step in steps:
            if step == "triage":
                desk.triage()(tid)
                park(tid, Stage.FIRST_LINE)
            elif step == "take":
                act(tid, "take")
                act(tid, "respond", message="We are looking into it.")
            elif step == "second_line":
                act(tid, "hand_to_second_line")
                park(tid, Stage.SECOND_LINE)
            elif step == "take_second":
                act(tid, "take", actor=SPECIALIST)
            elif step == "wait":
                act(tid, "ask_customer", message="Which version do you run?")
                park(tid, Stage.WAITING_ON_CUSTOMER)
            elif step == "resolve":
                act(tid, "resolve", message="Fixed in the nightly release.")
                park(tid, Stage.RESOLVED)
            elif step == "close":
                act(tid, "close")
        return desk.tickets.get(tid)

    out: dict[str, dict[str, Ticket]] = {}
    for contract in demo_contracts():
        cid, contact = contract.customer_id, contract.contacts[0]
        out[cid] = {
            "triage": made(cid, contact),
            "first_line": made(cid, contact, "triage"),
            "first_line_taken": made(cid, contact, "triage", "take"),
            "second_line": made(cid, contact, "triage", "take", "second_line"),
            "second_line_taken": made(cid, contact, "triage", "take", "second_line", "take_second"),
            "waiting": made(cid, contact, "triage", "take", "wait"),
            "resolved": made(cid, contact, "triage", "take", "resolve"),
            "closed": made(cid, contact, "triage", "take", "resolve", "close"),
        }
    return out


def customers() -> tuple[ContractDirectory, list[tuple[str, str]]]:
    """100 customers: each demo contract under 20 ids. Returns the directory and, per customer
    id in order, (its id, the demo customer whose contract and templates it uses)."""
    demo = demo_contracts()
    contracts, ids = [], []
    for j in range(CUSTOMERS):
        base = demo[j % len(demo)]
        cid = f"customer-{j:03d}"
        contracts.append(base.model_copy(update={"customer_id": cid, "name": f"{base.name} {j}"}))
        ids.append((cid, base.customer_id))
    return ContractDirectory(contracts), ids


# ----- the fill ----------------------------------------------------------------------------------

_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _shifted(value: Any, delta: timedelta) -> Any:
    """Every instant in a ticket's SLA summary or timers, moved by `delta`."""
    if isinstance(value, str) and _INSTANT.match(value):
        return format_instant(parse_instant(value) + delta)
    if isinstance(value, dict):
        return {k: _shifted(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, delta) for v in value]
    return value


def vocabulary() -> list[str]:
    """Word r (1-based) at index r - 1: made-up words of three syllables, the measured ones
    named."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    syllables = [c + v for c in consonants for v in vowels]
    out = []
    for rank in range(1, VOCABULARY + 1):
        if rank in MEASURED:
            out.append(MEASURED[rank])
            continue
        n, parts = rank, []
        for _ in range(3):
            n, digit = divmod(n, len(syllables))
            parts.append(syllables[digit])
        out.append("".join(parts))
    assert len(set(out)) == VOCABULARY and all(words(w) == [w] for w in out)
    return out


def share(rank: int) -> float:
    return min(0.2, ZIPF / rank)


def ticket_words(size: int, rng: random.Random) -> list[list[str]]:
    """Each ticket's words: word r in share(r) of the tickets (exactly, for a measured word)."""
    per_ticket: list[list[str]] = [[] for _ in range(size)]
    for rank, word in enumerate(vocabulary(), start=1):
        expected = share(rank) * size
        k = max(1, round(expected)) if rank in MEASURED else int(expected + rng.random())
        for n in rng.sample(range(size), k):
            per_ticket[n].append(word)
    return per_ticket


@dataclass
class Filled:
    seconds: float = 0.0
    tickets: int = 0
    open: Counter[str] = field(default_factory=Counter)
    unassigned_open: int = 0
    word_entries: int = 0
    holding: dict[str, int] = field(default_factory=dict)  # measured word -> tickets


def fill(
    table: Any,
    size: int,
    made: dict[str, dict[str, Ticket]],
    ids: list[tuple[str, str]],
) -> Filled:
    """Put `size` tickets, their word entries and list items into moto's table model."""
    began = time.perf_counter()
    rng = random.Random(size)
    per_ticket = ticket_words(size, rng)
    step = SPAN / size
    newest = size - size // 10
    kinds = list(OPEN_MIX)
    weights = [OPEN_MIX[k] for k in kinds]
    done = Filled(tickets=size)
    for n in range(size):
        customer, demo_id = ids[n % CUSTOMERS]
        opened = NOW - SPAN + step * n
        is_open = n >= newest and rng.random() < 0.5
        kind = rng.choices(kinds, weights)[0] if is_open else "closed"
        template = made[demo_id][kind]
        found_by = per_ticket[n]
        ticket_id = f"T-{n:010X}"
        delta = opened - template.opened_at
        ticket = replace(
            template,
            ticket_id=ticket_id,
            customer_id=customer,
            opened_at=opened,
            subject=" ".join(found_by[:5]) or "storing",
            description=" ".join(found_by[5:]) or "-",
            events=[],
            new_events=[],
        )
        if is_open:
            ticket.sla = _shifted(template.sla, delta)
            ticket.timers = _shifted(template.timers, delta)
            ticket.next_due = _shifted(template.next_due, delta)
            done.open[kind] += 1
            done.unassigned_open += ticket.assignee is None
        table.put_item(ticket_item(ticket).serialize())
        position = position_of(IndexedTicket(ticket_id, customer, opened, frozenset(found_by)))
        for word in found_by:
            table.put_item(
                {"pk": {"S": f"WORD#{word}"}, "sk": {"S": position}, "c": {"S": customer}}
            )
        done.word_entries += len(found_by)
        table.put_item(
            {
                "pk": {"S": f"TICKET#{ticket_id}"},
                "sk": {"S": "SEARCH"},
                "seq": {"N": str(template.last_seq)},
                "position": {"S": position},
                "words": {"S": json.dumps(sorted(found_by), ensure_ascii=False)},
            }
        )
    done.holding = {w: sum(w in t for t in per_ticket) for w in MEASURED.values()}
    done.seconds = time.perf_counter() - began
    return done


# ----- moto's GSI on its one partition, and what DynamoDB would read -----------------------------


class IndexPartitions:
    """A GSI Query answered from its one index partition (as DynamoDB does), from a snapshot of
    the table's indexes taken by `build` after the fill (nothing is written while measuring).
    Off: moto's own index query, which sorts and scans every item of the table."""

    def __init__(self) -> None:
        self.on = False
        self._parts: dict[tuple[str, str, Any], list[Any]] = {}

    def build(self, table: Any) -> None:
        self._parts.clear()
        keys = [
            (index.name, next(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"))
            for index in table.global_indexes
        ]
        for bucket in table.items.values():
            for item in bucket.values():
                for name, attr in keys:
                    value = item.attrs.get(attr)
                    if value is not None:
                        self._parts.setdefault((table.name, name, value.value), []).append(item)
        for part in self._parts.values():
            part.sort(key=lambda item: (item.hash_key, item.range_key))
        self.on = True

    def of(self, table: Any, index_name: str, hash_key: Any) -> list[Any] | None:
        if not self.on or hash_key is None:
            return None
        return self._parts.get((table.name, index_name, hash_key.value), [])


@contextmanager
def partitioned_indexes() -> Iterator[IndexPartitions]:
    parts = IndexPartitions()
    inner = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        candidates = parts.of(self, index_name, hash_key) if index_name else None
        if candidates is None:
            return inner(self, hash_key, *args, **kwargs)
        self.all_items = lambda: candidates
        try:
            return inner(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]
    try:
        yield parts
    finally:
        Table.query = inner  # type: ignore[method-assign]


@dataclass
class Reads:
    requests: Counter[str] = field(default_factory=Counter)
    items: int = 0
    units: float = 0.0
    seconds: float = 0.0  # inside botocore: moto's part of the wall time

    def add(self, operation: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        self.requests[operation] += 1
        if operation in ("Query", "Scan"):
            self.items += int(response.get("ScannedCount", 0))
        elif operation == "GetItem":
            self.items += 1 if response.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items += sum(len(found) for found in response.get("Responses", {}).values())
        self.units += read_units(operation, params, response)


@contextmanager
def counted() -> Iterator[list[Reads]]:
    """Every DynamoDB call made in the context, into the last `Reads` of the yielded list."""
    log: list[Reads] = [Reads()]
    original = BaseClient._make_api_call

    def call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        began = time.perf_counter()
        response = original(self, operation, params)
        log[-1].seconds += time.perf_counter() - began
        if self.meta.service_model.service_name == "dynamodb":
            log[-1].add(operation, params, response)
        return response

    BaseClient._make_api_call = call
    try:
        yield log
    finally:
        BaseClient._make_api_call = original


# ----- the cases -----------------------------------------------------------------------------


def cases(desk: Container) -> dict[str, Callable[[], dict[str, Any]]]:
    search, views = desk.search_tickets(), desk.views()
    first = search.search(COMMON)
    assert len(first["tickets"]) == 25 and first["next"], "the common word fills a page"
    after = first["next"]
    return {
        "search common word (20%)": lambda: search.search(COMMON),
        "search medium word (1%)": lambda: search.search(MEDIUM),
        "search rare word (0.01%)": lambda: search.search(RARE),
        "search common + medium": lambda: search.search(f"{COMMON} {MEDIUM}"),
        "search medium, status=closed": lambda: search.search(MEDIUM, status="closed"),
        "search common, next page": lambda: search.search(COMMON, after=after),
        "customer history, first page": lambda: search.customer(HISTORY_CUSTOMER),
        "queue first page (50)": lambda: views.queue(limit=50),
        "queue view=unassigned (50)": lambda: views.queue("unassigned", limit=50),
        "+ search medium, status=open": lambda: search.search(MEDIUM, status="open"),
        "+ search medium, one customer": lambda: search.search(
            MEDIUM, customer_id=HISTORY_CUSTOMER
        ),
    }


def rows_of(result: dict[str, Any]) -> int:
    return len(result["tickets"])


def measure(run: Callable[[], dict[str, Any]], log: list[Reads], runs: int) -> dict[str, Any]:
    run()  # warm: contracts, policies, calendars, connections
    times, own, reads = [], [], Reads()
    result: dict[str, Any] = {}
    for _ in range(runs):
        log.append(Reads())
        began = time.perf_counter()
        result = run()
        took = time.perf_counter() - began
        reads = log.pop()
        times.append(took * 1000)
        own.append((took - reads.seconds) * 1000)
    times.sort()
    return {
        "ms_p50": round(statistics.median(times), 1),
        "ms_p95": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "ms_p50_outside_aws_calls": round(statistics.median(own), 1),
        "requests": sum(reads.requests.values()),
        "requests_by_operation": dict(reads.requests),
        "items_read": reads.items,
        "read_units": round(reads.units, 1),
        "rows": rows_of(result),
    }


def measure_size(
    size: int, made: dict[str, dict[str, Ticket]], directory: ContractDirectory, ids: Any
) -> dict[str, Any]:
    table_name = f"supportflow-bench-search-{size}"
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), partitioned(), partitioned_indexes() as parts:
        client = boto3.client("dynamodb", region_name=REGION)
        create_table(client, table_name)
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table_name)
        gc.disable()  # the fill makes millions of objects: no collection passes over them
        try:
            filled = fill(table, size, made, ids)
            parts.build(table)
        finally:
            gc.collect()
            gc.freeze()  # moto's table is not the measured process's heap: never scanned again
            gc.enable()
        settings = load_settings(Settings, {"TABLE_NAME": table_name, "AWS_REGION": REGION})
        desk = Container(settings, clock=lambda: NOW, contracts=directory, policies=shipped())
        print(
            f"{size:,} tickets: filled in {filled.seconds:.0f} s ({filled.word_entries:,} word "
            f"entries; open {sum(filled.open.values()):,}, of which held by nobody "
            f"{filled.unassigned_open:,}; tickets holding {filled.holding})",
            flush=True,
        )
        with counted() as log:
            history = desk.search_tickets()
            page = history.customer(HISTORY_CUSTOMER)  # warm (connections, contracts)
            parts.on = False  # moto's own index query: every item of the table, sorted
            began = time.perf_counter()
            same = history.customer(HISTORY_CUSTOMER)
            own_index = time.perf_counter() - began
            parts.on = True
            assert same == page, "the index partition answers as moto's own index does"
            results = {name: measure(run, log, RUNS) for name, run in cases(desk).items()}
    gc.unfreeze()
    gc.collect()
    return {
        "fill_seconds": round(filled.seconds, 1),
        "word_entries": filled.word_entries,
        "open_tickets": dict(filled.open),
        "open_held_by_nobody": filled.unassigned_open,
        "tickets_holding": filled.holding,
        "moto_own_gsi_customer_history_ms": round(own_index * 1000),
        "cases": results,
    }


def main() -> int:
    results: dict[str, Any] = {"provenance": provenance(), "runs": RUNS, "sizes": {}}
    print(describe(results["provenance"]))
    made = templates()
    directory, ids = customers()
    for size in SIZES:
        results["sizes"][str(size)] = measure_size(size, made, directory, ids)
    results.update(report(*(results["sizes"][str(s)] for s in SIZES)))
    out = ROOT / "bench" / "results" / "search.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


FLAT = ("search medium word (1%)", "search rare word (0.01%)", "queue first page (50)")


def report(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    """The table (each figure at the small size -> the large one), and the targets."""
    a_k, b_k = (f"{s // 1000}k" for s in SIZES)
    print(
        f"\n{'case':<31} {a_k + ' p50/p95 ms':>14} {b_k + ' p50/p95 ms':>15} {'own ms':>12} "
        f"{'requests':>9} {'items read':>11} {'read units':>11}  {'ratio ms':>10} {'requests':>8} "
        f"{'items':>5}"
    )
    ratios: dict[str, dict[str, float]] = {}
    for name, a in small["cases"].items():
        b = large["cases"][name]
        ratio = ratios[name] = {
            k: round(b[k] / max(a[k], 0.1), 2)
            for k in ("ms_p50", "requests", "items_read", "read_units")
        }
        print(
            f"{name:<31} {a['ms_p50']:>6.0f}/{a['ms_p95']:<7.0f} {b['ms_p50']:>7.0f}/"
            f"{b['ms_p95']:<7.0f} {a['ms_p50_outside_aws_calls']:>5.1f}->"
            f"{b['ms_p50_outside_aws_calls']:<5.1f} {a['requests']:>3}->{b['requests']:<4}"
            f" {a['items_read']:>4}->{b['items_read']:<5} {a['read_units']:>4}->"
            f"{b['read_units']:<5}  {ratio['ms_p50']:>10} {ratio['requests']:>8} "
            f"{ratio['items_read']:>5}"
        )
    print(
        "own ms: outside the AWS calls. Customer history on moto's own GSI (one run: every "
        f"item of the table sorted and scanned): {small['moto_own_gsi_customer_history_ms']:,} "
        f"ms at {a_k}, {large['moto_own_gsi_customer_history_ms']:,} ms at {b_k}."
    )
    slow = [
        n
        for n, c in large["cases"].items()
        if n.startswith(("search", "queue")) and c["ms_p50"] >= 300
    ]
    grows = {
        n: ratios[n] for n in FLAT if max(ratios[n]["requests"], ratios[n]["items_read"]) > 1.2
    }
    print(
        f"Target under 300 ms (p50, {b_k}, moto): "
        f"{'met' if not slow else 'not met by ' + json.dumps(slow)}"
    )
    print(
        f"Target flat {a_k} -> {b_k} in requests and items read: "
        f"{'met' if not grows else 'not met by ' + json.dumps(grows)}"
    )
    return {
        "ratios": ratios,
        "targets": {"p50_at_least_300_ms": slow, "not_flat": grows},
    }


if __name__ == "__main__":
    raise SystemExit(main())
