"""How long a customer's monthly SLA review takes, and what it grows with.

The ticket table (created in moto from template.yaml) is filled with 10,000 and then 100,000
tickets of 100 customers: each ticket's item, its opening event, its verdicts kept per customer
and month (as the review-tickets function writes them) and their index item. One customer, the
one reported, has the same 300 tickets in May in both tables, and a second customer has 3,000.
moto's own table Query looks at every item of the table (sorted) for each request; DynamoDB
reads the one partition. The bench (as the local stack) runs moto with a table Query on its
partition (`local.serial.partitioned`), so what is measured is the design, not moto's scan.
The report is `ComplianceReview` (what `GET /customers/{id}/report` runs): one Query of the
customer's month, every running metric aged to now, the counting. If the report reads only the
customer's month, its time is the same at 10k and 100k tickets in the table and grows with the
customer's tickets (300 -> 3,000): both ratios are printed.

Target (issue 11): a month's report for one customer in under 1 s at 100k tickets.
Results in bench/results/review.json.
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import describe, provenance
from local.serial import partitioned
from local.stack import MOTO_CONFIG, REGION, create_table

from supportflow.adapters.dynamodb.models import bind_models
from supportflow.adapters.dynamodb.verdicts import DynamoVerdicts, month_pk
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.review.verdicts import Verdict
from supportflow.policies.registry import shipped
from supportflow.services.review.compliance_review import ComplianceReview

TABLE = "supportflow-bench-review"
SIZES = (10_000, 100_000)
CUSTOMERS = 100
REPORTED, BIG = "integratie-noord", "big-customer"
REPORTED_TICKETS, BIG_TICKETS = 300, 3_000
RUNS = 5
NOW = datetime(2027, 6, 10, 10, 0, tzinfo=UTC)


def _verdict(ticket_id: str, customer: str, n: int, metric: str) -> dict[str, Any]:
    opened = datetime(2027, 5, 3, 7, 0, tzinfo=UTC) + timedelta(minutes=(n * 37) % (27 * 24 * 60))
    due = opened + timedelta(hours=1 if metric == "response" else 4)
    met = due + timedelta(minutes=(n % 7 - 5) * 20)
    breached = met > due
    return Verdict(
        ticket_id=ticket_id, customer_id=customer, metric=metric, priority="top",
        policy_id="integration-9x5", policy_version=1, target="1h", target_rule=None,
        state="breached" if breached else "met", started_at=opened, due=due, met_at=met,
        breached=breached, elapsed_us=3_600_000_000, paused_us=0,
        late_us=max(0, int((met - due).total_seconds() * 1e6)), judged_at=met,
    ).as_dict()  # fmt: skip


def _items(ticket_id: str, customer: str, n: int) -> list[dict[str, Any]]:
    pk = f"TICKET#{ticket_id}"
    month = "2027-05"
    rows = []
    for metric in ("response", "resolution"):
        body = json.dumps({"verdict": _verdict(ticket_id, customer, n, metric)})
        rows.append({"pk": month_pk(customer, month), "sk": f"{ticket_id}#{metric}", "body": body})
    keys = [[r["pk"], r["sk"]] for r in rows]
    return [
        {"pk": pk, "sk": "TICKET", "gsi1pk": f"CUSTOMER#{customer}", "gsi1sk": f"x#{ticket_id}",
         "body": json.dumps({"ticket_id": ticket_id, "customer_id": customer})},
        {"pk": pk, "sk": "EVENT#00000001", "body": '{"type":"opened"}'},
        {"pk": pk, "sk": "REVIEW", "seq": 1, "rows": json.dumps(keys)},
        *rows,
    ]  # fmt: skip


def _fill(table: Any, start: int, stop: int) -> None:
    with table.batch_writer() as batch:
        for n in range(start, stop):
            if n < REPORTED_TICKETS:
                customer = REPORTED
            elif n < REPORTED_TICKETS + BIG_TICKETS:
                customer = BIG
            else:
                customer = f"customer-{n % CUSTOMERS:03d}"
            for item in _items(f"T-{n:010d}", customer, n):
                batch.put_item(Item=item)


def _time(review: ComplianceReview, customer: str) -> tuple[float, dict[str, Any]]:
    times, report = [], {}
    for _ in range(RUNS):
        began = time.perf_counter()
        report = review(customer, "2027-05")
        times.append(time.perf_counter() - began)
    return statistics.median(times), report


def main() -> int:
    results: dict[str, Any] = {"provenance": provenance(), "sizes": {}}
    print(describe(results["provenance"]))
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), partitioned():
        resource = boto3.resource("dynamodb", region_name=REGION)
        create_table(resource.meta.client, TABLE)
        bind_models(TABLE, REGION)
        table = resource.Table(TABLE)
        demo = ROOT / "layers/supportflow/python/supportflow/contracts/demo.yaml"
        contracts = ContractDirectory.from_file(str(demo))
        review = ComplianceReview(lambda: contracts, shipped(), DynamoVerdicts(), lambda: NOW)
        filled = 0
        print(
            f"{'tickets in table':>16} {'fill s':>8} {'300 tickets s':>14} {'3000 tickets s':>15}"
        )
        for size in SIZES:
            began = time.perf_counter()
            _fill(table, filled, size)
            fill = time.perf_counter() - began
            filled = size
            small, report = _time(review, REPORTED)
            assert report["tiers"]["top"]["response"]["tickets"] == REPORTED_TICKETS
            big_review = _big_review(contracts)
            large, big_report = _time(big_review, BIG)
            assert big_report["tiers"]["top"]["response"]["tickets"] == BIG_TICKETS
            results["sizes"][str(size)] = {
                "fill_seconds": round(fill, 1),
                "report_seconds_300_tickets": round(small, 4),
                "report_seconds_3000_tickets": round(large, 4),
            }
            print(f"{size:>16,} {fill:>8.1f} {small:>14.4f} {large:>15.4f}")
    a, b = (results["sizes"][str(s)] for s in SIZES)
    results["table_growth_ratio"] = round(
        b["report_seconds_300_tickets"] / a["report_seconds_300_tickets"], 2
    )
    results["customer_growth_ratio"] = round(
        b["report_seconds_3000_tickets"] / b["report_seconds_300_tickets"], 2
    )
    results["target_met"] = b["report_seconds_300_tickets"] < 1.0
    print(
        f"10x the table: x{results['table_growth_ratio']} report time; 10x the customer's "
        f"tickets: x{results['customer_growth_ratio']}; under 1 s at 100k: {results['target_met']}"
    )
    out = ROOT / "bench" / "results" / "review.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _big_review(contracts: ContractDirectory) -> ComplianceReview:
    """The same review for the customer with 3,000 tickets (integratie-noord's contract under
    another id)."""
    contract = contracts.get(REPORTED).model_copy(update={"customer_id": BIG})
    directory = ContractDirectory([*contracts.all(), contract])
    return ComplianceReview(lambda: directory, shipped(), DynamoVerdicts(), lambda: NOW)


if __name__ == "__main__":
    raise SystemExit(main())
