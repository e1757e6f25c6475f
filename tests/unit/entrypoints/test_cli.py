"""The `supportflow` CLI is a public interface: its arguments, JSON keys and exit codes hold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import supportflow.policies
from supportflow.entrypoints.cli.main import main

PACK_DIR = Path(supportflow.policies.__file__).parent
METRIC_KEYS = {
    "due",
    "met_at",
    "breached",
    "elapsed_business_seconds",
    "paused_business_seconds",
    "state",
}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


REPLAY = {
    "ticket": {"priority": "top", "channel": "portal"},
    "events": [
        {"at": "2025-03-28T16:45:00+01:00", "type": "opened"},
        {"at": "2025-03-28T17:10:00+01:00", "type": "responded"},
        {"at": "2025-03-31T10:00:00+02:00", "type": "root_cause_found"},
        {"at": "2025-03-31T11:00:00+02:00", "type": "waiting_on_customer"},
        {"at": "2025-04-01T09:00:00+02:00", "type": "customer_replied"},
        {
            "at": "2025-04-01T10:00:00+02:00",
            "type": "priority_changed",
            "priority": "high",
            "reason": "workaround in place",
        },
    ],
    "now": "2025-04-01T12:00:00+02:00",
}


def test_policies_lists_the_pack_ids(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "policies")
    assert code == 0
    assert out.split("\n") == [
        "best-effort",
        "hosting-standby",
        "integration-9x5",
        "saas-basic",
        "web-agency",
        "",
    ]


@pytest.mark.parametrize("pack", sorted(p.name for p in PACK_DIR.glob("*.yaml")))
def test_shipped_packs_validate(capsys: pytest.CaptureFixture[str], pack: str) -> None:
    code, _, err = cli(capsys, "policy", "validate", str(PACK_DIR / pack))
    assert code == 0 and err == ""


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("response: 1h, resolution: 4h", "response: 1 fortnight, resolution: 4h"),
            "targets.top.response: not a duration: '1 fortnight'",
        ),
        (
            ("timezone: Europe/Amsterdam", "timezone: Europe/Atlantis"),
            "calendars.support: unknown time zone 'Europe/Atlantis'",
        ),
        (("notify: cto,", "notify: ceo,"), "escalation.ladder[2].notify: 'ceo' is not a role"),
        (
            ("start: [root_cause_found]", "start: [root_cause]"),
            "metrics.resolution.start: 'root_cause' is not a ticket event",
        ),
        (("version: 1\n", "version: 1\nbogus: 3\n"), "bogus: unknown field"),
        (("effective_from: 2020-01-01\n", ""), "effective_from: required field is missing"),
        (
            (
                "degraded: { several_users: high, one_user: low }",
                "degraded: { several_users: high }",
            ),
            "priorities.matrix: table row 'degraded' has no entry for impact 'one_user'",
        ),
        (
            ("default: medium", "default: urgent"),
            "priorities: default 'urgent' is not a listed priority",
        ),
        (("top: 100", "top: 140"), "compliance.top: must be a percentage"),
        (("id: integration-9x5", "id: Integration 9x5"), "id: 'Integration 9x5' is not an id"),
        (("name: Managed", "name: [Managed"), "line "),
    ],
)
def test_invalid_policy_names_file_path_and_reason_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = (PACK_DIR / "integration-9x5.yaml").read_text()
    assert edit[0] in text
    path = write(tmp_path, "broken.yaml", text.replace(edit[0], edit[1], 1))
    code, out, err = cli(capsys, "policy", "validate", path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"supportflow: {path}: ")
    assert expected in err


def test_validate_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "policy", "validate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "cannot read" in err


def test_replay_prints_every_metric(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = cli(
        capsys, "replay", "--policy", "integration-9x5", write(tmp_path, "t.json", REPLAY)
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["priority"] == "high"
    assert set(result["metrics"]) == {"response", "resolution"}
    for metric in result["metrics"].values():
        assert set(metric) >= METRIC_KEYS
    response, resolution = result["metrics"]["response"], result["metrics"]["resolution"]
    assert response["state"] == "met" and response["met_at"] == "2025-03-28T17:10:00+01:00"
    assert response["due"] == "2025-03-31T08:45:00+02:00" and response["breached"] is False
    assert response["elapsed_business_seconds"] == 25 * 60
    # Resolution from the root cause (Mon 10:00), paused Mon 11:00 - Tue 09:00 (7 h of open
    # time), high = 18 h after the change: 1 h Mon + Tue 09:00-17:30 8.5 h + Wed 08:30 + 8.5 h.
    assert resolution == {
        **resolution,
        "due": "2025-04-02T17:00:00+02:00",
        "met_at": None,
        "breached": False,
        "elapsed_business_seconds": 4 * 3600,
        "paused_business_seconds": 7 * 3600,
        "state": "running",
    }


def test_replay_reads_standard_input(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "supportflow.entrypoints.cli.main",
            "replay",
            "--policy",
            "integration-9x5",
            "-",
        ],
        input=json.dumps(REPLAY),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["priority"] == "high"


def test_explain_shows_segments_pauses_and_holidays(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = {
        "ticket": {"priority": "medium"},
        "events": [{"at": "2025-12-24T12:00:00+01:00", "type": "opened"}],
        "now": "2025-12-24T13:00:00+01:00",
    }
    code, out, err = cli(
        capsys, "explain", "--policy", "integration-9x5", write(tmp_path, "x.json", doc)
    )
    assert code == 0, err
    assert "counted    Wed 2025-12-24 12:00 CET -> 13:00" in out
    assert "skipped    2025-12-25: holiday: Christmas Day" in out
    assert "skipped    2025-12-26: holiday: Second Day of Christmas" in out
    assert "due        Tue 2025-12-30 12:00 CET" in out
    code, out, _ = cli(
        capsys, "explain", "--json", "--policy", "integration-9x5", write(tmp_path, "x.json", doc)
    )
    data = json.loads(out)
    segments = data["metrics"]["response"]["segments"]
    assert sum(s["seconds"] for s in segments) == 18 * 3600
    assert segments[-1]["end"] == "2025-12-30T12:00:00+01:00"


def test_explain_of_a_paused_ticket(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = {
        "ticket": {"urgency": "high", "impact": "small"},
        "events": [
            {"at": "2025-04-14T09:00:00+02:00", "type": "opened"},
            {"at": "2025-04-14T10:00:00+02:00", "type": "waiting_on_customer"},
        ],
        "now": "2025-04-14T12:00:00+02:00",
    }
    code, out, _ = cli(capsys, "explain", "--policy", "web-agency", write(tmp_path, "p.json", doc))
    assert code == 0
    assert "paused     Mon 2025-04-14 10:00 CEST -> now (still paused)" in out
    assert "24h30m of open time remain when the clock resumes" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["deadlines", "--policy", "nope", "--opened", "2025-01-01T10:00Z"],
            "unknown policy 'nope'",
        ),
        (["deadlines", "--policy", "web-agency", "--opened", "yesterday"], "not an ISO 8601"),
        (
            ["deadlines", "--policy", "web-agency", "--opened", "2025-13-01T10:00Z"],
            "not an ISO 8601",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--priority",
                "urgent",
            ],
            "unknown priority 'urgent'",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--urgency",
                "high",
            ],
            "--urgency and --impact go together",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--urgency",
                "extreme",
                "--impact",
                "large",
            ],
            "unknown urgency 'extreme'",
        ),
        (
            [
                "deadlines",
                "--policy",
                "saas-basic",
                "--opened",
                "2025-01-01T10:00Z",
                "--urgency",
                "high",
                "--impact",
                "large",
            ],
            "has no urgency x impact matrix",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--priority",
                "high",
                "--urgency",
                "high",
                "--impact",
                "large",
            ],
            "not allowed with",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--channel",
                "pigeon",
            ],
            "unknown channel 'pigeon'",
        ),
        (
            [
                "deadlines",
                "--policy",
                "web-agency",
                "--opened",
                "2025-01-01T10:00Z",
                "--type",
                "party",
            ],
            "unknown request type 'party'",
        ),
        (["deadlines", "--policy", "web-agency"], "required"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("supportflow: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ([], "must be a JSON object"),
        ({"ticket": {}, "events": []}, "non-empty list"),
        (
            {
                "events": [
                    {"at": "2025-03-31T09:00:00+02:00", "type": "opened"},
                    {"at": "2025-03-31T08:00:00+02:00", "type": "responded"},
                ],
                "now": "2025-03-31T12:00:00+02:00",
            },
            "earlier than the event before",
        ),
        ({"events": [{"at": "2025-03-31T09:00:00+02:00"}]}, "'at' and 'type'"),
        ({"events": [{"at": "soon", "type": "opened"}]}, "events[0].at: not an ISO 8601"),
        (
            {"events": [{"at": "2025-03-31T09:00:00+02:00", "type": "opened"}], "now": "later"},
            "now: not an ISO 8601",
        ),
        (
            {
                "ticket": {"priority": "p7"},
                "events": [{"at": "2025-03-31T09:00:00+02:00", "type": "opened"}],
                "now": "2025-03-31T12:00:00+02:00",
            },
            "unknown priority 'p7'",
        ),
        (
            {
                "ticket": {"priority": 7},
                "events": [{"at": "2025-03-31T09:00:00+02:00", "type": "opened"}],
                "now": "2025-03-31T12:00:00+02:00",
            },
            "ticket:",
        ),
    ],
)
def test_bad_replay_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, document: Any, message: str
) -> None:
    path = write(tmp_path, "bad.json", document)
    for command in ("replay", "explain"):
        code, out, err = cli(capsys, command, "--policy", "integration-9x5", path)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and message in err


def test_missing_replay_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "replay", "--policy", "web-agency", str(tmp_path / "none.json"))
    assert code == 2 and "cannot read" in err


def test_instants_without_offset_are_read_in_the_policys_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(
        capsys,
        "deadlines",
        "--policy",
        "web-agency",
        "--opened",
        "2025-04-14T09:00",
        "--priority",
        "high",
    )
    assert code == 0
    assert json.loads(out)["opened"] == "2025-04-14T09:00:00+02:00"


def test_a_policy_file_can_stand_in_for_a_pack_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (
        (PACK_DIR / "web-agency.yaml")
        .read_text()
        .replace("high: { response: 2h", "high: { response: 3h")
    )
    path = write(tmp_path, "mine.yaml", text)
    code, out, _ = cli(
        capsys,
        "deadlines",
        "--policy",
        path,
        "--opened",
        "2025-04-14T09:00:00+02:00",
        "--priority",
        "high",
    )
    assert code == 0 and json.loads(out)["response_due"] == "2025-04-14T12:00:00+02:00"


def test_the_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "supportflow"
    proc = subprocess.run([str(exe), "policies"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "integration-9x5" in proc.stdout


def test_simulate_finds_the_local_stack_of_its_checkout() -> None:
    from supportflow.entrypoints.cli.month_commands import CHECKOUT

    assert (CHECKOUT / "local" / "simulate.py").is_file()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "supportflow.entrypoints.cli.main",
            "simulate",
            "--days",
            "1",
            "--tickets-per-day",
            "1",
            "--speed",
            "0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and proc.stderr.strip() == "supportflow: --speed must be above 0"
