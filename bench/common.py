"""What every bench result records about the run: the code measured and the machine's load."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def provenance() -> dict[str, Any]:
    """The commit, the paths changed on top of it (the working tree is measured), the Python,
    the CPUs and the 1-minute load average (other work on the machine slows every number)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=10
            )
        except OSError:
            return ""
        return done.stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain").splitlines() if line]
    return {
        "git_head": git("rev-parse", "--short", "HEAD"),
        "uncommitted_paths": changed,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def describe(p: dict[str, Any]) -> str:
    """One line: what was measured, on what."""
    extra = f" + {len(p['uncommitted_paths'])} uncommitted paths" if p["uncommitted_paths"] else ""
    return (
        f"Measured: {p['git_head']}{extra}; Python {p['python']}, {p['cpu_count']} CPUs, "
        f"load average {p['load_average_1min']} at the start"
    )
