"""Contracts as versioned data: a change is a new version from its effective date, a ticket is
judged by the version in force when it opened, history is never rewritten, and a bad contract
is refused with the path and the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from supportflow.adapters.memory.stores import InMemoryContracts
from supportflow.contracts.contract import ContractError
from supportflow.contracts.demo_data import demo_versions
from supportflow.services.admin.contracts import ContractBook, ManageContracts, read_contract

BAKKER: dict[str, Any] = {
    "customer_id": "webshop-bakker",
    "name": "Bakkerij Bakker webshop",
    "policy": "web-agency",
    "contacts": ["info@bakker.example"],
    "escalation": {"desk_lead": "lead@supportdesk.example"},
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2027, 5, 3, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def manage() -> tuple[ManageContracts, Clock]:
    clock = Clock()
    store = InMemoryContracts(demo_versions())
    return ManageContracts(store, ContractBook(store, clock), clock), clock


def test_a_version_takes_effect_on_its_date_and_old_tickets_keep_theirs() -> None:
    admin, clock = manage()
    care = read_contract({**BAKKER, "care_subscription": True, "effective_from": "2027-06-01"})
    stored = admin.put(care, "ada")
    assert stored.version == 2 and stored.recorded_by == "ada"
    directory = admin.book.directory()
    may = datetime(2027, 5, 31, 21, 59, tzinfo=UTC)  # 23:59 in Amsterdam: still May
    june = datetime(2027, 5, 31, 22, 0, tzinfo=UTC)  # 00:00 on 1 June in Amsterdam
    assert directory.as_of("webshop-bakker", may).version == 1
    assert directory.as_of("webshop-bakker", june).version == 2
    assert directory.get("webshop-bakker").care_subscription is False  # not yet in force
    shown = admin.show("webshop-bakker")
    assert shown["current_version"] == 1 and len(shown["versions"]) == 2
    (listed,) = [c for c in admin.list() if c["customer_id"] == "webshop-bakker"]
    assert listed["next"] == {"version": 2, "effective_from": "2027-06-01"}
    clock.now = june
    assert admin.book.directory().get("webshop-bakker").care_subscription is True


def test_history_is_not_rewritten_and_a_repeat_records_nothing() -> None:
    admin, _ = manage()
    first = admin.put(read_contract({**BAKKER, "effective_from": "2027-05-03"}), "ada")
    again = admin.put(read_contract({**BAKKER, "effective_from": "2027-05-03"}), "ada")
    assert again.version == first.version == 2
    with pytest.raises(ContractError, match="history is not rewritten"):
        admin.put(
            read_contract({**BAKKER, "name": "Bakker", "effective_from": "2027-01-01"}), "ada"
        )
    assert admin.put(read_contract({**BAKKER, "name": "Bakker BV"}), "ada").version == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"policy": "no-such-pack"}, "policy: Value error, unknown policy"),
        ({"rates": {"hourly_eur": "-5"}}, "rates.hourly_eur"),
        ({"escalation": {"cto": "x@y.example"}}, "escalation: 'cto' is not a role of web-agency"),
        ({"contacts": ["not an address"]}, "contacts.0"),
        (
            {"standby": [{"from": "2027-05-01T10:00:00+02:00", "to": "2027-05-01T09:00:00+02:00"}]},
            "standby.0",
        ),
        ({"effective_from": "someday"}, "effective_from"),
        ({"surprise": 1}, "surprise"),
        ({"allowed_origins": ["https://shop.example/form"]}, "allowed_origins"),  # a path
        ({"allowed_origins": ["http://shop.example"]}, "allowed_origins"),  # no TLS
        ({"allowed_origins": ["*"]}, "allowed_origins"),
        ({"allowed_origins": ["null"]}, "allowed_origins"),
    ],
)
def test_a_bad_contract_names_the_path_and_the_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ContractError) as caught:
        read_contract({**BAKKER, **change})
    assert reason.split(": Value error, ")[0] in str(caught.value)


def test_saas_basic_allows_two_authorised_contacts() -> None:
    verband = {
        "customer_id": "verband-digital",
        "name": "Verband",
        "policy": "saas-basic",
        "contacts": ["a@v.example", "b@v.example", "c@v.example"],
    }
    with pytest.raises(
        ContractError, match=r"at most 2 authorised contacts on saas-basic \(R001-4\)"
    ):
        read_contract(verband)


def test_the_cli_leaves_a_pack_it_does_not_ship_to_the_desk(tmp_path: Any) -> None:
    from supportflow.entrypoints.cli.contracts import ContractCommandError, read_file

    base = {
        "customer_id": "nieuw",
        "name": "Nieuw",
        "policy": "web-agency-plus",  # published at the desk, not shipped here
        "contacts": ["a@nieuw.example"],
        "escalation": {"desk_lead": "lead@supportdesk.example"},
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(base))
    assert read_file(str(path))[0]["policy"] == "web-agency-plus"  # the desk checks it
    # A pack it ships is checked here (the desk would refuse the same with a 422).
    path.write_text(json.dumps({**base, "policy": "web-agency", "contacts": "not a list"}))
    with pytest.raises(ContractCommandError, match="contacts"):
        read_file(str(path))


def test_a_contract_lists_its_sites_as_origins() -> None:
    contract = read_contract(
        {**BAKKER, "allowed_origins": ["https://WWW.Bakker.example", "http://localhost:9000"]}
    ).contract
    assert contract.allowed_origins == ["https://www.bakker.example", "http://localhost:9000"]
    assert contract.allows_origin("https://www.bakker.example")
    assert not contract.allows_origin("https://bakker.example")  # another host: another site
    assert not contract.allows_origin("https://www.bakker.example:8443")
    assert read_contract(BAKKER).contract.allowed_origins == []  # none by default
