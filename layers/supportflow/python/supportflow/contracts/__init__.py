"""Customer contracts: which policy pack a customer is under, who may file, who gets escalations,
and what the customer is entitled to and pays (rates, warranty, care, agreed standby, quota).

A contract is versioned data: every change is a new version with the date it takes effect, and
history is never rewritten. A ticket is judged and charged by the version in force when it was
opened; mail goes to the addresses of the version in force now. The versions are stored with the
tickets (services/admin/contracts.py, adapters/dynamodb/contracts.py); `demo.yaml` here holds the
demo contracts the local stack loads at its first start, and CONTRACTS_FILE a fixed set for tests.

The package's public names, from its modules:

    contract.py    ContractError, Rates, StandbyPeriod, Contract
    versions.py    ContractVersion, in_force
    loading.py     contracts_from_yaml, reason_of
    directory.py   ContractDirectory
    demo_data.py   demo, demo_contracts, demo_versions (from demo.yaml)
"""

from supportflow.contracts.contract import Contract, ContractError, Rates, StandbyPeriod
from supportflow.contracts.demo_data import demo, demo_contracts, demo_versions
from supportflow.contracts.directory import ContractDirectory
from supportflow.contracts.loading import contracts_from_yaml, reason_of
from supportflow.contracts.versions import ContractVersion, in_force

__all__ = [
    "Contract",
    "ContractDirectory",
    "ContractError",
    "ContractVersion",
    "Rates",
    "StandbyPeriod",
    "contracts_from_yaml",
    "demo",
    "demo_contracts",
    "demo_versions",
    "in_force",
    "reason_of",
]
