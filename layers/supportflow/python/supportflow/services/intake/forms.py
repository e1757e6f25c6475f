"""The web form's fields per customer: which priorities a customer may pick (the pack's, less
those only a rule sets), or the urgency and impact of a matrix pack; the categories it offers,
and the pack's words for each choice and its help, in the customer's language. The public form
shows one customer (the one its link names); an agent's page lists every customer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportflow.contracts.contract import Contract
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.policies.registry import PolicyRegistry


class NoSuchForm(LookupError):
    """No contract for the customer: there is no form to fill in."""


@dataclass(frozen=True)
class CustomerForms:
    contracts: ContractDirectory
    policies: PolicyRegistry

    def one(self, customer_id: str) -> dict[str, Any]:
        contract = self.contracts.find(customer_id)
        if contract is None:
            raise NoSuchForm(f"no contract for customer {customer_id!r}")
        return self._form(contract)

    def every(self) -> list[dict[str, Any]]:
        return [self._form(c) for c in self.contracts.all()]

    def _form(self, contract: Contract) -> dict[str, Any]:
        policy = self.policies.get(contract.policy)
        matrix = policy.priorities.matrix
        form = policy.form
        language = contract.language

        def say(words: Mapping[Any, str]) -> str | None:
            """In the customer's language; else English; else the pack's own."""
            for wanted in (language, "en", policy.language):
                if words.get(wanted):
                    return str(words[wanted])
            return None

        choices = {
            field: {choice: say(words) for choice, words in per_choice.items()}
            for field, per_choice in form.choices.items()
        }
        return {
            "id": contract.customer_id,
            "name": contract.name,
            "policy": policy.id,
            "language": language,
            "priorities": [
                p for p in policy.priorities.ids if p not in policy.priorities.by_rule_only
            ],
            "urgency": matrix.urgency if matrix else None,
            "impact": matrix.impact if matrix else None,
            "categories": list(form.categories),
            "help": say(form.help),
            "words": choices,
        }
