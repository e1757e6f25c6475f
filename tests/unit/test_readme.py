"""The README stays true: its policy example validates and its CLI example prints what it says."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from supportflow.domain.policy.policy import load_policy_text
from supportflow.entrypoints.cli.contracts import read_file
from supportflow.entrypoints.cli.main import main
from supportflow.services.admin.contracts import read_contract

README = Path(__file__).resolve().parents[2] / "README.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.S)


def test_the_policy_example_is_a_valid_policy() -> None:
    (example,) = [b for b in _blocks("yaml") if b.startswith("id:")]
    policy = load_policy_text(example, "README.md")
    assert policy.id == "my-desk" and policy.calendar().workday_seconds == 8 * 3600


def test_the_contract_example_is_a_valid_contract(tmp_path: Path) -> None:
    (example,) = [b for b in _blocks("yaml") if b.startswith("customer_id:")]
    path = tmp_path / "contract.yaml"
    path.write_text(example)
    (contract,) = read_file(str(path))  # what `supportflow contract put` checks before sending
    assert read_contract(contract).contract.rates.hourly_eur == Decimal("85.00")


def test_the_standby_fee_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = re.search(r"\$ supportflow (standby-fee [^\n]+)\n([^\n]+)", README.read_text())
    assert command is not None
    assert main(command.group(1).split()) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(command.group(2))


def test_the_replay_example_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (example,) = _blocks("json")
    path = tmp_path / "ticket.json"
    path.write_text(example)
    assert main(["replay", "--policy", "web-agency", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["priority"] == "medium"


def test_the_deadlines_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = README.read_text()
    command = re.search(r"\$ supportflow (deadlines [^\n]+)", text)
    assert command is not None
    assert main(command.group(1).split()) == 0
    shown = text[command.end() :].split("```")[0]
    assert json.loads(shown) == json.loads(capsys.readouterr().out)


def test_the_layout_names_every_module_of_the_package() -> None:
    text = README.read_text()
    layout = text[text.index("## Layout") :]
    package = README.parent / "layers" / "supportflow" / "python" / "supportflow"
    for folder in ("domain", "services"):
        for module in sorted((package / folder).glob("*.py")):
            if module.stem != "__init__":
                assert re.search(rf"\b{module.stem}\b", layout), f"{folder}/{module.name}"
    for top in package.glob("*.py"):
        if top.stem != "__init__":
            assert f"{top.stem}.py" in layout, top.name
    for function in (README.parent / "functions").iterdir():
        assert function.name in layout, function.name


def test_every_path_the_readme_names_exists() -> None:
    """The layout, the table of where each rule lives and the notes name files that exist."""
    root = README.parent
    package = root / "layers" / "supportflow" / "python" / "supportflow"
    named = set(re.findall(r"`((?:[\w-]+/)+[\w.-]+\.(?:py|yaml|json))[`.:]", README.read_text()))
    assert len(named) > 40
    missing = [
        path
        for path in sorted(named)
        if "<" not in path
        and not path.startswith("test-artifacts/")  # what the tests write
        and not (root / path).exists()
        and not (package / path).exists()
    ]
    assert not missing, missing
