"""The privacy commands of the CLI (AVG/GDPR), through the desk's privacy API (admins):

    supportflow privacy export --email ADDRESS [--name N]... [--phone P]... [--out FILE.zip]
    supportflow privacy erase (--email ADDRESS | --customer ID) --ground TEXT --requested-by WHO
                              [--name N]... [--phone P]...
    supportflow privacy erasures [--limit N]
    supportflow privacy retention
    supportflow privacy hold TICKET --reason TEXT [--lift]

Each prints the desk's answer as JSON (`export` without --out: the export's JSON; with --out:
the archive written to FILE.zip and a summary; `erase` sends the erasure again while the desk
says it ran out of time, and prints the last record with every run's tickets and files). Where
the desk is and who is asking: see contracts.py. Bad input or a refusal exits 2 with one line;
an unreachable desk exits 1."""

from __future__ import annotations

import argparse
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from supportflow.entrypoints.cli.contracts import (
    TIMEOUT,
    AdminApi,
    ContractCommandError,
    DeskUnreachable,
)
from supportflow.entrypoints.cli.output import print_json

MAX_RUNS = 50  # an erasure out of time (a large customer) is sent again until complete


def add_privacy(sub: Any, parser_class: Any, api_help: str) -> None:
    privacy = sub.add_parser("privacy", help="export or erase a person's data (AVG/GDPR; admins)")
    group = privacy.add_subparsers(dest="privacy_command", required=True, parser_class=parser_class)
    export = group.add_parser("export", help="everything the desk holds about one person")
    export.add_argument("--email", required=True)
    export.add_argument("--out", help="write the archive (export.json and the files) here")
    erase = group.add_parser("erase", help="erase one person's data, or one customer's")
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="a person's address")
    who.add_argument("--customer", help="a customer whose contract ended")
    erase.add_argument("--ground", required=True, help="why, e.g. 'art. 17(1)(a), request of ...'")
    erase.add_argument("--requested-by", required=True, help="who asked")
    for command in (export, erase):
        command.add_argument("--name", action="append", default=[], help="a name of theirs")
        command.add_argument("--phone", action="append", default=[], help="a number of theirs")
    erasures = group.add_parser("erasures", help="the record of recent erasures")
    erasures.add_argument("--limit", type=int, default=100)
    group.add_parser("retention", help="run the retention now (it runs every night)")
    hold = group.add_parser("hold", help="set (or --lift) a legal hold on a ticket")
    hold.add_argument("ticket")
    hold.add_argument("--reason", required=True)
    hold.add_argument("--lift", action="store_true")
    for command in (export, erase, erasures, hold, group.choices["retention"]):
        command.add_argument("--api", help=api_help)


def privacy_command(args: argparse.Namespace) -> int:
    api = AdminApi(args.api)
    command = args.privacy_command
    if command == "export":
        asked = {"email": args.email, "names": args.name, "phones": args.phone}
        answer = api.call("POST", "/privacy/exports", asked)
        if not args.out:
            print_json(answer["document"])
            return 0
        written = _download(str(answer["archive_url"]), Path(args.out))
        tickets = len(answer["document"]["tickets"])
        print_json(
            {"archive": args.out, "bytes": written, "tickets": tickets, "files": answer["files"]}
        )
        return 0
    if command == "erase":
        body: dict[str, Any] = {"ground": args.ground, "requested_by": args.requested_by}
        if args.email:
            body.update(email=args.email, names=args.name, phones=args.phone)
        else:
            body["customer_id"] = args.customer
        runs = [api.call("POST", "/privacy/erasures", body)]
        while not runs[-1].get("complete", True) and len(runs) < MAX_RUNS:
            runs.append(api.call("POST", "/privacy/erasures", body))  # out of time: go on
        last = dict(runs[-1])
        last["tickets"] = sorted({t for r in runs for t in r["tickets"]})
        last["files"] = sum(int(r["files"]) for r in runs)
        last["runs"] = len(runs)
        print_json(last)
        return 0 if last.get("complete", True) else 1
    if command == "erasures":
        print_json(api.call("GET", f"/privacy/erasures?limit={int(args.limit)}"))
        return 0
    if command == "retention":
        print_json(api.call("POST", "/privacy/retention"))
        return 0
    hold = {"hold": not args.lift, "reason": args.reason}
    print_json(api.call("PUT", f"/tickets/{quote(args.ticket, safe='')}/legal-hold", hold))
    return 0


def _download(url: str, to: Path) -> int:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        raise ContractCommandError(f"the archive could not be fetched ({exc.code})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeskUnreachable(f"cannot fetch the archive: {getattr(exc, 'reason', exc)}") from None
    try:
        to.write_bytes(data)
    except OSError as exc:
        raise ContractCommandError(f"{to}: cannot write: {exc.strerror or exc}") from None
    return len(data)
