"""Cold-start import time of every Lambda handler, next to a bare `import boto3`.

Each function's `functions/<name>/app.py` is imported in a fresh interpreter the way Lambda does
it: the function's folder on sys.path, the supportflow layer on PYTHONPATH (a copy of
layers/supportflow/python, as /opt/python holds it), the environment of template.yaml (Globals
plus the function's own variables, intrinsic functions replaced by placeholders, so each
handler's settings validate at import as on AWS) and the variables the Lambda runtime sets
(LAMBDA_TASK_ROOT among them, so Powertools' Tracer is enabled as under `Tracing: Active`). The
baseline is a fresh interpreter doing only `import boto3` in the same environment. Each timing
is `perf_counter` around the import statement inside the child (interpreter start-up is not
counted), RUNS times, after one untimed warm-up run; the median counts.

Two layer variants: "bytecode" (the layer copy compiled with compileall, on the same footing as
site-packages, which pip compiled) is the measurement the target applies to; "source" (no .pyc:
Lambda's /opt is read-only, so a layer shipped without bytecode is compiled at every cold start)
is reported beside it.

A handler over TARGET_RATIO x boto3 gets `python -X importtime` (IMPORTTIME_RUNS runs, median per
module): the imports a supportflow module triggers of third-party packages (the edges to make
lazy), the self time per top-level package, and the supportflow modules that cost most.

Results in bench/results/imports.json.
"""

from __future__ import annotations

import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.stack import STACK, load_template

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "supportflow" / "python"
RESULTS = ROOT / "bench" / "results" / "imports.json"
RUNS = 7
IMPORTTIME_RUNS = 3
TARGET_RATIO = 2.0
TOP = 8
FIRST_PARTY = ("app", "supportflow")

TIMED = """\
import sys, time
{setup}
began = time.perf_counter()
import {module}
print(time.perf_counter() - began)
"""


@dataclass
class Module:
    """One line of `-X importtime`: a module, its own time, its time with what it imported."""

    name: str
    depth: int
    self_us: int
    cumulative_us: int
    children: list[Module] = field(default_factory=list)


def parse_importtime(text: str) -> list[Module]:
    """The import tree of a `-X importtime` run (its lines come children first)."""
    pending: dict[int, list[Module]] = defaultdict(list)
    roots: list[Module] = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, raw = line[len("import time:") :].split("|", 2)
        depth = (len(raw) - len(raw.lstrip(" ")) - 1) // 2
        module = Module(raw.strip(), depth, int(self_us), int(cumulative_us))
        module.children = pending.pop(depth + 1, [])
        if depth == 0:
            roots.append(module)
        else:
            pending[depth].append(module)
    return roots


def walk(modules: list[Module]) -> list[tuple[Module | None, Module]]:
    """Every (importer, module) pair of a tree; the importer is None at the top."""
    out: list[tuple[Module | None, Module]] = []
    stack: list[tuple[Module | None, Module]] = [(None, m) for m in modules]
    while stack:
        parent, module = stack.pop()
        out.append((parent, module))
        stack.extend((module, child) for child in module.children)
    return out


def first_party(name: str) -> bool:
    return name.split(".")[0] in FIRST_PARTY


def lambda_environment(resource: dict[str, Any], task_root: Path) -> dict[str, str]:
    """template.yaml's variables for one function (intrinsics -> placeholders) and Lambda's."""
    template = load_template()
    variables: dict[str, Any] = {
        **template["Globals"]["Function"]["Environment"]["Variables"],
        **resource["Properties"].get("Environment", {}).get("Variables", {}),
    }
    env = {
        key: value if isinstance(value, str) else f"bench-placeholder-{key.lower()}"
        for key, value in variables.items()
    }
    if "TABLE_NAME" in env:
        env["TABLE_NAME"] = f"{STACK}-tickets"
    name = f"{STACK}-{task_root.name.replace('_', '-')}"
    env.update(
        {
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "LAMBDA_TASK_ROOT": str(task_root),
            "_HANDLER": "app.lambda_handler",
        }
    )
    return env


def functions() -> dict[str, tuple[Path, dict[str, Any]]]:
    """functions/<dir> -> (its folder, its template resource), for every functions/*/app.py."""
    by_dir: dict[str, tuple[Path, dict[str, Any]]] = {}
    for logical_id, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        folder = ROOT / str(resource["Properties"]["CodeUri"]).rstrip("/")
        if (folder / "app.py").exists():
            by_dir[folder.name] = (folder, resource)
    missing = {p.parent.name for p in ROOT.glob("functions/*/app.py")} - set(by_dir)
    if missing:
        raise SystemExit(f"functions without a template resource: {sorted(missing)}")
    return dict(sorted(by_dir.items()))


def child_env(base: dict[str, str], layer: Path) -> dict[str, str]:
    """This environment without AWS/Powertools/PYTHON* variables, plus `base` and the layer."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "POWERTOOLS_", "PYTHON", "LAMBDA_", "_HANDLER"))
    }
    env.update(base)
    env["PYTHONPATH"] = str(layer)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing written: every run starts alike
    return env


def time_import(module: str, setup: str, env: dict[str, str], runs: int) -> list[float]:
    """Seconds to import `module` in `runs` fresh interpreters, after one untimed warm-up."""
    code = TIMED.format(setup=setup, module=module)
    times = []
    for n in range(runs + 1):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"importing {module} failed:\n{done.stderr[-2000:]}")
        if n:
            times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def importtime_profile(setup: str, env: dict[str, str], runs: int) -> dict[str, Any]:
    """The costly imports of a handler, by `-X importtime` (median per module over `runs`)."""
    code = TIMED.format(setup=setup, module="app")
    edges: dict[tuple[str, str], list[int]] = defaultdict(list)
    packages: dict[str, list[int]] = defaultdict(list)
    own: dict[str, list[int]] = defaultdict(list)
    totals = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"importtime failed:\n{done.stderr[-2000:]}")
        roots = parse_importtime(done.stderr)
        app = next(m for m in roots if m.name == "app")
        totals.append(app.cumulative_us)
        per_package: dict[str, int] = defaultdict(int)
        for parent, module in walk([app]):
            per_package[module.name.split(".")[0]] += module.self_us
            if first_party(module.name):
                own[module.name].append(module.self_us)
            if parent is not None and first_party(parent.name) and not first_party(module.name):
                edges[(parent.name, module.name)].append(module.cumulative_us)
        for package, self_us in per_package.items():
            packages[package].append(self_us)
    total = statistics.median(totals)

    def ms(values: list[int]) -> float:
        return round(statistics.median(values + [0] * (runs - len(values))) / 1000, 1)

    ranked_edges = sorted(edges.items(), key=lambda kv: -ms(kv[1]))[:TOP]
    ranked_packages = sorted(packages.items(), key=lambda kv: -ms(kv[1]))[:TOP]
    ranked_own = sorted(own.items(), key=lambda kv: -ms(kv[1]))[:TOP]
    return {
        "importtime_total_ms": round(total / 1000, 1),
        "costliest_outside_imports": [
            {
                "importer": importer,
                "imports": imported,
                "cumulative_ms": ms(values),
                "share": round(ms(values) * 1000 / total, 3),
            }
            for (importer, imported), values in ranked_edges
        ],
        "self_time_by_package": [
            {
                "package": package,
                "self_ms": ms(values),
                "share": round(ms(values) * 1000 / total, 3),
            }
            for package, values in ranked_packages
        ],
        "costliest_own_modules_self": [
            {"module": module, "self_ms": ms(values)} for module, values in ranked_own
        ],
    }


def prepare_layer(folder: Path, bytecode: bool) -> Path:
    """A copy of the supportflow layer (as /opt/python holds it), compiled or not."""
    target = folder / ("bytecode" if bytecode else "source")
    shutil.copytree(LAYER / "supportflow", target / "supportflow", ignore=_no_caches)
    if bytecode:
        compileall.compile_dir(target, quiet=1)
    return target


def _no_caches(_: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or n.endswith(".pyc")]


def median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def main() -> int:
    handlers = functions()
    summary: dict[str, Any] = {
        "method": (
            f"perf_counter around the import statement in a fresh interpreter, median of {RUNS} "
            "runs after one untimed warm-up; handler: functions/<name> on sys.path, the layer on "
            "PYTHONPATH, template.yaml's environment plus Lambda's (LAMBDA_TASK_ROOT set: "
            "Powertools Tracer enabled as under Tracing: Active); baseline: `import boto3` in "
            "the same environment. 'bytecode' = layer compiled (the target applies to it); "
            "'source' = layer without .pyc (compiled at every cold start)"
        ),
        "runs": RUNS,
        "target_ratio": TARGET_RATIO,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "functions": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as temp:
        layers = {
            "bytecode": prepare_layer(Path(temp), bytecode=True),
            "source": prepare_layer(Path(temp), bytecode=False),
        }
        folder, resource = next(iter(handlers.values()))
        base_env = lambda_environment(resource, folder)
        baseline = {
            mode: time_import("boto3", "", child_env(base_env, layer), RUNS)
            for mode, layer in layers.items()
        }
        summary["boto3_ms"] = {mode: median_ms(t) for mode, t in baseline.items()}
        summary["boto3_samples_ms"] = {
            mode: [round(x * 1000, 1) for x in t] for mode, t in baseline.items()
        }
        for name, (folder, resource) in handlers.items():
            env = lambda_environment(resource, folder)
            setup = f"sys.path.insert(0, {str(folder)!r})"
            row: dict[str, Any] = {}
            for mode, layer in layers.items():
                times = time_import("app", setup, child_env(env, layer), RUNS)
                row[f"{mode}_ms"] = median_ms(times)
                row[f"{mode}_samples_ms"] = [round(x * 1000, 1) for x in times]
                row[f"{mode}_ratio_vs_boto3"] = round(
                    statistics.median(times) / statistics.median(baseline[mode]), 2
                )
            row["target_met"] = row["bytecode_ratio_vs_boto3"] <= TARGET_RATIO
            if not row["target_met"]:
                row["profile"] = importtime_profile(
                    setup, child_env(env, layers["bytecode"]), IMPORTTIME_RUNS
                )
            summary["functions"][name] = row
            print(
                f"  {name:<15} {row['bytecode_ms']:>7.1f} ms  {row['bytecode_ratio_vs_boto3']:>5.2f}x"
                f"   (no .pyc: {row['source_ms']:>7.1f} ms {row['source_ratio_vs_boto3']:>5.2f}x)",
                flush=True,
            )
    summary["target_met"] = all(r["target_met"] for r in summary["functions"].values())
    summary["dominant_imports"] = dominant(summary["functions"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    return 0


def dominant(rows: dict[str, Any]) -> list[dict[str, Any]]:
    """The costly third-party imports over all handlers: in how many, and their median cost."""
    seen: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows.values():
        for edge in row.get("profile", {}).get("costliest_outside_imports", []):
            seen[(edge["importer"], edge["imports"])].append(edge["cumulative_ms"])
    ranked = sorted(seen.items(), key=lambda kv: -statistics.median(kv[1]))
    return [
        {
            "importer": importer,
            "imports": imported,
            "handlers": len(values),
            "median_cumulative_ms": round(statistics.median(values), 1),
        }
        for (importer, imported), values in ranked[:TOP]
    ]


def print_summary(s: dict[str, Any]) -> None:
    print()
    print(f"Method: {s['method']}")
    print(
        f"import boto3: {s['boto3_ms']['bytecode']:.1f} ms (source mode: "
        f"{s['boto3_ms']['source']:.1f} ms)"
    )
    for name, row in s["functions"].items():
        profile = row.get("profile")
        if not profile:
            continue
        print(
            f"\n{name}: over {s['target_ratio']:g}x; -X importtime {profile['importtime_total_ms']} ms:"
        )
        for edge in profile["costliest_outside_imports"][:5]:
            print(
                f"    {edge['importer']:<32} -> {edge['imports']:<28} {edge['cumulative_ms']:>7.1f} ms"
                f" ({edge['share']:.0%})"
            )
        packages = ", ".join(
            f"{p['package']} {p['self_ms']:.0f}" for p in profile["self_time_by_package"][:6]
        )
        print(f"    self time by package (ms): {packages}")
    print("\nDominant imports over all handlers over the target (importer -> imported):")
    for edge in s["dominant_imports"]:
        print(
            f"    {edge['importer']:<32} -> {edge['imports']:<28} {edge['median_cumulative_ms']:>7.1f}"
            f" ms median, in {edge['handlers']} handlers"
        )
    verdict = "met" if s["target_met"] else "NOT met"
    print(
        f"\nTarget (every handler <= {s['target_ratio']:g}x boto3): {verdict}. Results in {RESULTS}"
    )


if __name__ == "__main__":
    sys.exit(main())
