"""The demo contracts in `demo.yaml` (next to this module): one customer on each shipped pack,
which the local stack loads at its first start."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.contracts.loading import contracts_from_yaml
from supportflow.contracts.versions import ContractVersion

PACKAGE = __name__.rpartition(".")[0]  # supportflow.contracts: the package that holds demo.yaml


@cache
def demo() -> ContractDirectory:
    """The embedded demo contracts: one customer on each shipped pack."""
    return ContractDirectory(demo_contracts())


@cache
def demo_contracts() -> list[Contract]:
    text = resources.files(PACKAGE).joinpath("demo.yaml").read_text(encoding="utf-8")
    return contracts_from_yaml(text, "demo.yaml")


def demo_versions() -> list[ContractVersion]:
    """The demo contracts as first versions, in force from 2020-01-01 (as the packs are)."""
    recorded = datetime(2020, 1, 1, tzinfo=UTC)
    return [ContractVersion(c, 1, date(2020, 1, 1), recorded, "demo") for c in demo_contracts()]
