"""Cold-start import time of every Lambda handler, next to a bare `import boto3`.

Each function's `functions/<name>/app.py` is imported in a fresh interpreter the way Lambda does
it: the function's folder on sys.path, the supportflow layer on PYTHONPATH (a copy of
layers/supportflow/python, as /opt/python holds it), the environment of template.yaml (Globals
plus the function's own variables, intrinsic functions replaced by placeholders, so each
handler's settings validate at import as on AWS) and the variables the Lambda runtime sets
(LAMBDA_TASK_ROOT among them, so Powertools' Tracer is enabled and patches boto/pynamodb as under
`Tracing: Active`). The baseline is a fresh interpreter doing only `import boto3` in the same
environment. Each timing is `perf_counter` around the import statement inside the child
(interpreter start-up is not counted). The runs go round-robin (boto3, then every handler, RUNS
rounds, after one untimed warm-up round), so a busy machine slows all of them alike; the median
counts.

Two layer variants: "bytecode" (the layer copy compiled with compileall, on the same footing as
site-packages, which pip compiled) is the measurement the target applies to; "source" (no .pyc:
Lambda's /opt is read-only, so a layer shipped without bytecode is compiled at every cold start)
is reported beside it, over SOURCE_RUNS rounds.

A handler over TARGET_RATIO x boto3 gets `python -X importtime` (IMPORTTIME_RUNS runs, median per
module), and the report names, for each of our modules, the imports of outside packages it
triggered (what to make lazy) with their cumulative time, the chain from app.py to it, and the
self time of our own module bodies (which includes building pydantic models at class creation).

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
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import describe, provenance
from local.stack import STACK, load_template

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "supportflow" / "python"
RESULTS = ROOT / "bench" / "results" / "imports.json"
RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "7"))
MIN_RUNS, BUDGET = 3, 120.0  # rounds stop after BUDGET seconds once MIN_RUNS are done
SOURCE_RUNS = 3
SOURCE_SUBJECTS = ("boto3", "park", "intake", "dispatch")  # the no-.pyc variant: a sample
IMPORTTIME_RUNS = 1
TARGET_RATIO = 2.0
TOP = 8
OURS = ("app", "supportflow")
BASELINE = "boto3"
FLOOR = "settings only"  # what every handler must import: pydantic and the settings models

TIMED = """\
import sys, time
{setup}
began, cpu = time.perf_counter(), time.process_time()
import {module}
print(time.perf_counter() - began, time.process_time() - cpu)
"""


@dataclass
class Module:
    """One line of `-X importtime`: a module, its own time, its time with what it imported."""

    name: str
    self_us: int
    cumulative_us: int
    children: list[Module] = field(default_factory=list)


@dataclass(frozen=True)
class Subject:
    """What one child interpreter imports, and how."""

    label: str
    module: str
    setup: str
    env: dict[str, str]


def parse_importtime(text: str) -> list[Module]:
    """The import tree of a `-X importtime` run (a module's line comes after its children's)."""
    pending: dict[int, list[Module]] = defaultdict(list)
    roots: list[Module] = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, raw = line[len("import time:") :].split("|", 2)
        depth = (len(raw) - len(raw.lstrip(" ")) - 1) // 2
        module = Module(raw.strip(), int(self_us), int(cumulative_us))
        module.children = pending.pop(depth + 1, [])
        (roots if depth == 0 else pending[depth]).append(module)
    return roots


def ours(name: str) -> bool:
    return name.split(".")[0] in OURS


def outside_imports(app: Module) -> list[tuple[list[str], Module]]:
    """(the chain of our modules from app.py, an outside module it imported first), depth first.
    Outside subtrees are not entered: their cost is the imported module's cumulative time."""
    found: list[tuple[list[str], Module]] = []

    def visit(module: Module, chain: list[str]) -> None:
        for child in module.children:
            if ours(child.name):
                visit(child, [*chain, child.name])
            else:
                found.append((chain, child))

    visit(app, [app.name])
    return found


def own_self_us(app: Module) -> dict[str, int]:
    """The self time of each of our modules (its body: pydantic models built, settings checked)."""
    found, stack = {}, [app]
    while stack:
        module = stack.pop()
        if ours(module.name):
            found[module.name] = module.self_us
            stack.extend(module.children)
    return found


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
    env["TABLE_NAME"] = f"{STACK}-tickets"
    env.update(
        {
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_LAMBDA_FUNCTION_NAME": f"{STACK}-{task_root.name.replace('_', '-')}",
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
    for resource in load_template()["Resources"].values():
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
    """This environment without AWS/Lambda/PYTHON* variables, plus `base` and the layer."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "POWERTOOLS_", "PYTHON", "LAMBDA_", "_HANDLER"))
    }
    env.update(base)
    env["PYTHONPATH"] = str(layer)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing written: every run starts alike
    return env


def subjects(layer: Path) -> list[Subject]:
    """The baseline first, then every handler, importing against `layer`."""
    handlers = functions()
    folder, resource = next(iter(handlers.values()))
    env = child_env(lambda_environment(resource, folder), layer)
    out = [Subject(BASELINE, "boto3", "", env), Subject(FLOOR, "supportflow.settings", "", env)]
    for name, (folder, resource) in handlers.items():
        setup = f"sys.path.insert(0, {str(folder)!r})"
        out.append(
            Subject(name, "app", setup, child_env(lambda_environment(resource, folder), layer))
        )
    return out


def run_child(subject: Subject, *flags: str) -> subprocess.CompletedProcess[str]:
    code = TIMED.format(setup=subject.setup, module=subject.module)
    done = subprocess.run(
        [sys.executable, *flags, "-c", code],
        env=subject.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"importing {subject.label} failed:\n{done.stderr[-2000:]}")
    return done


def round_robin(
    items: list[Subject], rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per import, wall and CPU, `rounds` rounds over every subject (fewer, but at least
    MIN_RUNS, when they take over BUDGET seconds), after one untimed warm-up run (the files in
    the page cache)."""
    run_child(items[-1])
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    began = time.monotonic()
    for n in range(rounds):
        if n >= MIN_RUNS and time.monotonic() - began > BUDGET:
            break
        for subject in items:
            spent, used = run_child(subject).stdout.split()[-2:]
            wall[subject.label].append(float(spent))
            cpu[subject.label].append(float(used))
    return wall, cpu


def module_names(modules: list[Module]) -> set[str]:
    names, stack = set(), list(modules)
    while stack:
        module = stack.pop()
        names.add(module.name)
        stack.extend(module.children)
    return names


def floor_modules(subject: Subject) -> set[str]:
    """Every module the floor (supportflow.settings) imports: no handler can avoid these."""
    return module_names(parse_importtime(run_child(subject, "-X", "importtime").stderr))


def profile(subject: Subject, runs: int, floor: set[str]) -> dict[str, Any]:
    """What a handler's import costs, by `-X importtime` (median per module over `runs`).

    Per module of ours: the outside modules it imported first, with their cumulative time; those
    the floor imports too (pydantic, typing, ...) are marked, since whichever of our modules
    comes first takes their cost, and they are not avoidable; the rest is `avoidable_ms`."""
    by_importer: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    chains: dict[str, list[str]] = {}
    totals, own = [], []
    bodies: dict[str, list[int]] = defaultdict(list)
    for _ in range(runs):
        roots = parse_importtime(run_child(subject, "-X", "importtime").stderr)
        app = next(m for m in roots if m.name == "app")
        totals.append(app.cumulative_us)
        selves = own_self_us(app)
        own.append(sum(selves.values()))
        for name, self_us in selves.items():
            bodies[name].append(self_us)
        for chain, module in outside_imports(app):
            chains.setdefault(chain[-1], chain)
            by_importer[chain[-1]][module.name].append(module.cumulative_us)
    total = statistics.median(totals)

    def ms(values: list[int]) -> float:
        return round(statistics.median(values + [0] * (runs - len(values))) / 1000, 1)

    importers = []
    for importer, imported in by_importer.items():
        costs = sorted(((ms(v), name) for name, v in imported.items()), reverse=True)
        avoidable = round(sum(c for c, name in costs if name not in floor), 1)
        importers.append(
            {
                "importer": importer,
                "avoidable_ms": avoidable,
                "shared_with_floor_ms": round(sum(c for c, n in costs if n in floor), 1),
                "share": round(avoidable * 1000 / total, 3),
                "imports": [
                    {"module": n, "cumulative_ms": c, "floor_needs_it_too": n in floor}
                    for c, n in costs[:6]
                    if c >= 1
                ],
                "chain": " -> ".join(chains[importer]),
            }
        )
    importers.sort(key=lambda row: -float(row["avoidable_ms"]))
    return {
        "importtime_total_ms": round(total / 1000, 1),
        "own_module_bodies_ms": ms(own),
        "own_share": round(statistics.median(own) / total, 3),
        "costliest_own_bodies": [
            {"module": name, "self_ms": ms(values)}
            for name, values in sorted(bodies.items(), key=lambda kv: -ms(kv[1]))[:TOP]
        ],
        "importers": importers[:TOP],
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


def summarise(times: dict[str, list[float]]) -> dict[str, dict[str, Any]]:
    base = statistics.median(times[BASELINE])
    return {
        label: {
            "median_ms": round(statistics.median(values) * 1000, 1),
            "ratio_vs_boto3": round(statistics.median(values) / base, 2),
            "samples_ms": [round(v * 1000, 1) for v in values],
        }
        for label, values in times.items()
    }


def dominant(rows: dict[str, Any]) -> list[dict[str, Any]]:
    """Our modules whose avoidable outside imports cost most, over the handlers over target."""
    seen: dict[str, list[float]] = defaultdict(list)
    modules: dict[str, set[str]] = defaultdict(set)
    chains: dict[str, str] = {}
    for row in rows.values():
        for entry in row.get("profile", {}).get("importers", []):
            if entry["avoidable_ms"] < 5:
                continue
            seen[entry["importer"]].append(entry["avoidable_ms"])
            chains.setdefault(entry["importer"], entry["chain"])
            modules[entry["importer"]].update(
                i["module"]
                for i in entry["imports"]
                if not i["floor_needs_it_too"] and i["cumulative_ms"] >= 5
            )
    ranked = sorted(seen.items(), key=lambda kv: -statistics.median(kv[1]))
    return [
        {
            "importer": importer,
            "handlers": len(values),
            "median_avoidable_ms": round(statistics.median(values), 1),
            "max_avoidable_ms": max(values),
            "imports": sorted(modules[importer]),
            "chain_example": chains[importer],
        }
        for importer, values in ranked[:TOP]
    ]


def main() -> int:
    summary: dict[str, Any] = {
        "method": (
            "perf_counter around the import statement in a fresh interpreter; boto3, the floor "
            f"and every handler round-robin, {RUNS} rounds after one untimed run, median; "
            "handler: functions/<name> on sys.path, the layer on PYTHONPATH, template.yaml's "
            "environment plus Lambda's (LAMBDA_TASK_ROOT set: Powertools Tracer enabled as "
            "under Tracing: Active); baseline: `import boto3` in the same environment; floor: "
            "`import supportflow.settings` (pydantic and the settings models every handler "
            "validates at import). Layer compiled to .pyc (the target applies to this); "
            f"'no .pyc': the layer without bytecode, {SOURCE_RUNS} rounds over a sample, "
            "compiled at every cold start as on a read-only /opt"
        ),
        "runs": RUNS,
        "target_ratio": TARGET_RATIO,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "provenance": provenance(),
    }
    print(
        f"Handler import time vs `import boto3` ({RUNS} rounds; takes a minute or two)", flush=True
    )
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as temp:
        compiled = subjects(prepare_layer(Path(temp), bytecode=True))
        wall, cpu = round_robin(compiled, RUNS)
        bytecode, bytecode_cpu = summarise(wall), summarise(cpu)
        sample = [
            s for s in subjects(prepare_layer(Path(temp), False)) if s.label in SOURCE_SUBJECTS
        ]
        source = summarise(round_robin(sample, SOURCE_RUNS)[0])
        summary["rounds_done"] = len(wall[BASELINE])
        summary["boto3_ms"] = bytecode[BASELINE]["median_ms"]
        summary["boto3_cpu_ms"] = bytecode_cpu[BASELINE]["median_ms"]
        summary["boto3_samples_ms"] = bytecode[BASELINE]["samples_ms"]
        summary["boto3_no_pyc_layer_ms"] = source[BASELINE]["median_ms"]
        summary["floor"] = {
            "imports": "supportflow.settings (pydantic)",
            **bytecode[FLOOR],
            "cpu_ms": bytecode_cpu[FLOOR]["median_ms"],
            "cpu_ratio_vs_boto3": bytecode_cpu[FLOOR]["ratio_vs_boto3"],
        }
        floor = floor_modules(compiled[1])
        rows: dict[str, Any] = {}
        for subject in compiled[2:]:
            row = {
                "import_ms": bytecode[subject.label]["median_ms"],
                "ratio_vs_boto3": bytecode[subject.label]["ratio_vs_boto3"],
                "samples_ms": bytecode[subject.label]["samples_ms"],
                "cpu_ms": bytecode_cpu[subject.label]["median_ms"],
                "cpu_ratio_vs_boto3": bytecode_cpu[subject.label]["ratio_vs_boto3"],
            }
            if subject.label in source:
                row["no_pyc_import_ms"] = source[subject.label]["median_ms"]
                row["no_pyc_ratio_vs_boto3"] = source[subject.label]["ratio_vs_boto3"]
            row["target_met"] = row["ratio_vs_boto3"] <= TARGET_RATIO
            if not row["target_met"]:
                row["profile"] = profile(subject, IMPORTTIME_RUNS, floor)
            rows[subject.label] = row
    summary["functions"] = rows
    summary["target_met"] = all(r["target_met"] for r in rows.values())
    summary["dominant_imports"] = dominant(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    return 0


def print_summary(s: dict[str, Any]) -> None:
    print(f"Method: {s['method']}")
    print(describe(s["provenance"]))
    print()
    print(f"  median of {s['rounds_done']} rounds; the target applies to the wall-time ratio")
    print(
        f"  {'import':<16}{'wall ms':>9}{'x boto3':>9}{'CPU ms':>9}{'x boto3':>9}"
        f"{'no .pyc ms':>12}{'x boto3':>9}"
    )
    print(
        f"  {'boto3':<16}{s['boto3_ms']:>9.1f}{1:>9.2f}{s['boto3_cpu_ms']:>9.1f}{1:>9.2f}"
        f"{s['boto3_no_pyc_layer_ms']:>12.1f}"
    )
    floor = s["floor"]
    print(
        f"  {'(floor) settings':<16}{floor['median_ms']:>9.1f}{floor['ratio_vs_boto3']:>9.2f}"
        f"{floor['cpu_ms']:>9.1f}{floor['cpu_ratio_vs_boto3']:>9.2f}"
    )
    for name, row in s["functions"].items():
        mark = "" if row["target_met"] else "  over target"
        source = (
            f"{row['no_pyc_import_ms']:>12.1f}{row['no_pyc_ratio_vs_boto3']:>9.2f}"
            if "no_pyc_import_ms" in row
            else " " * 21
        )
        print(
            f"  {name:<16}{row['import_ms']:>9.1f}{row['ratio_vs_boto3']:>9.2f}"
            f"{row['cpu_ms']:>9.1f}{row['cpu_ratio_vs_boto3']:>9.2f}{source}{mark}"
        )
    for name, row in s["functions"].items():
        if "profile" not in row:
            continue
        p = row["profile"]
        print(
            f"\n  {name}: -X importtime {p['importtime_total_ms']} ms; our module bodies "
            f"{p['own_module_bodies_ms']} ms ({p['own_share']:.0%}); avoidable outside imports:"
        )
        for entry in p["importers"][:4]:
            modules = ", ".join(
                f"{i['module']} {i['cumulative_ms']:.0f}"
                for i in entry["imports"]
                if not i["floor_needs_it_too"]
            )
            print(f"    {entry['avoidable_ms']:>6.1f} ms  {entry['importer']}: {modules}")
        bodies = ", ".join(
            f"{b['module']} {b['self_ms']:.0f}" for b in p["costliest_own_bodies"][:4]
        )
        print(f"    our costliest module bodies (ms): {bodies}")
    print("\n  Dominant over all handlers (our module: avoidable imports it makes at import):")
    for entry in s["dominant_imports"]:
        print(
            f"    {entry['median_avoidable_ms']:>6.1f} ms median (max "
            f"{entry['max_avoidable_ms']:.0f}, {entry['handlers']} handlers)  "
            f"{entry['importer']}: {', '.join(entry['imports'])}"
        )
    verdict = "met" if s["target_met"] else "NOT met"
    print(
        f"\nTarget (every handler <= {s['target_ratio']:g}x boto3): {verdict}. Results in {RESULTS}"
    )


if __name__ == "__main__":
    sys.exit(main())
