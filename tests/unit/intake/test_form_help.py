"""The form's help on choosing a priority (issue 21): the pack's words for each urgency, impact,
priority and category, and its paragraph of help, in the customer's language (R002-4, R001-3,
R000-5, R004-3); a pack that names a choice it does not have is refused, naming the path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import supportflow.policies
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import load_policy_text

PACKS = Path(supportflow.policies.__file__).parent


def test_each_customer_reads_the_choices_in_their_own_language(world: Any) -> None:
    desk, *_ = world
    forms = desk.customer_forms()
    german = forms.one("verband-digital")  # saas-basic, a German contract
    assert german["language"] == "de"
    assert german["help"].startswith("Kritisch ist: der Dienst ist nicht erreichbar")
    assert german["categories"][0] == "service_downtime"
    assert german["words"]["category"]["login_failure"] == "Anmeldung scheitert für viele"
    english = forms.one("hosting-acme")  # an English contract on a Dutch pack
    assert english["help"].startswith("On office days (08:30-18:00) we pick up your ticket")
    matrix = forms.one("webshop-bakker")  # web-agency, nl: urgency and impact in words
    assert matrix["words"]["urgency"]["high"].startswith("Hoog: het moet nu")
    assert matrix["words"]["impact"]["small"].startswith("Klein: één pagina")
    best_effort = forms.one("cliendo-zorg")
    assert "één keer per jaar per organisatie gratis" in best_effort["help"]
    assert best_effort["words"]["priority"]["urgent"] == "Spoed (noodgeval)"


def test_a_pack_may_word_only_choices_it_has() -> None:
    text = (PACKS / "saas-basic.yaml").read_text()
    broken = text.replace("      subjective: { de:", "      gossip: { de:", 1)
    assert broken != text
    with pytest.raises(PolicyError) as refused:
        load_policy_text(broken, "saas-basic.yaml")
    assert "form.choices.category.gossip" in str(refused.value)
