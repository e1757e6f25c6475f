"""The deployable artefact: `sam build` (offline: no AWS account, no Docker) builds every function
and the layers, and each function's handler imports with nothing on sys.path but what Lambda gives
it: the function's built folder (/var/task), its layers unpacked in order (/opt/python) and the
runtime's own boto3. Each import runs in a fresh interpreter with -I -S (no site-packages, no
PYTHONPATH, no repository), in the environment template.yaml gives that function (placeholder
values where the template computes one), so a missing package, a wrong CodeUri or Handler, or a
setting the template does not pass fails here.

Needs `sam` from .venv-tools/sam (`make test` and `make lint` install it)."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from local.stack import load_template

ROOT = Path(__file__).resolve().parents[2]
SAM_BIN = ROOT / ".venv-tools" / "sam" / "bin"

SOURCE = load_template()["Resources"]
FUNCTIONS = sorted(k for k, v in SOURCE.items() if v["Type"] == "AWS::Serverless::Function")

# What the python3.x Lambda runtime itself provides (boto3 and what it needs), after the layers on
# sys.path. The project's pinned copies stand in for the runtime's.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")

# Lambda's own variables, as a python3.11 function sees them.
LAMBDA_ENV = {
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "LAMBDA_TASK_ROOT": "/var/task",
    "TZ": ":UTC",
    "LANG": "en_US.UTF-8",
}

# Runs in the isolated interpreter: import the handler, then every module of the shipped package
# (the adapters are imported lazily, at the first invocation), and say where each came from.
PROBE = """
import importlib, json, pkgutil, sys
paths, handler = json.loads(sys.argv[1]), sys.argv[2]
sys.path[:0] = paths
module_name, _, attribute = handler.rpartition(".")
module = importlib.import_module(module_name)
assert callable(getattr(module, attribute)), handler
import supportflow
for info in pkgutil.walk_packages(supportflow.__path__, "supportflow."):
    importlib.import_module(info.name)
print(json.dumps({
    "settings": module.SETTINGS.__name__,
    "files": sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())}),
}))
"""


class _Loader(yaml.SafeLoader):
    """sam build writes long-form intrinsics; short tags are read as plain values all the same."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _sam_build(workdir: Path) -> Path:
    sam = SAM_BIN / "sam"
    if not sam.exists():
        pytest.fail(f"{sam} is missing: `make tools` (or `make test`) installs it")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    # sam build uses the python3.11 and pip it finds first on PATH: the tools virtualenv's.
    env |= {"PATH": f"{SAM_BIN}{os.pathsep}{env.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}
    build = workdir / "build"
    command = [str(sam), "build", "--parallel", "--template-file", str(ROOT / "template.yaml")]
    command += ["--build-dir", str(build), "--base-dir", str(ROOT)]
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        pytest.fail(f"sam build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}", False)
    return build


def _runtime_provided(target: Path) -> Path:
    for name in RUNTIME_PROVIDED:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        if spec.submodule_search_locations:
            source = Path(next(iter(spec.submodule_search_locations)))
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(spec.origin, target / Path(spec.origin).name)
    return target


class Built:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.build = _sam_build(workdir)
        self.template = yaml.load((self.build / "template.yaml").read_text(), Loader=_Loader)
        self.runtime = _runtime_provided(workdir / "var-runtime")
        self._opts: dict[tuple[str, ...], Path] = {}

    @property
    def globals(self) -> dict[str, Any]:
        return dict(self.template.get("Globals", {}).get("Function", {}))

    def function(self, name: str) -> dict[str, Any]:
        props = dict(self.template["Resources"][name]["Properties"])
        glob = self.globals
        props["Layers"] = [*glob.get("Layers", []), *props.get("Layers", [])]
        env = dict(glob.get("Environment", {}).get("Variables", {}))
        env |= props.get("Environment", {}).get("Variables", {})
        props["Variables"] = env
        for key in ("Runtime", "Architectures", "Handler"):
            props.setdefault(key, glob.get(key))
        return props

    def opt(self, layers: list[Any]) -> Path:
        """/opt as Lambda makes it: every layer unpacked into it, in order."""
        refs = tuple(layer["Ref"] for layer in layers)
        if refs not in self._opts:
            opt = self.workdir / f"opt-{len(self._opts)}"
            opt.mkdir()
            for ref in refs:
                layer = self.template["Resources"][ref]
                assert layer["Type"] == "AWS::Serverless::LayerVersion", ref
                content = (self.build / layer["Properties"]["ContentUri"]).resolve()
                assert (content / "python").is_dir(), f"{ref}: no python/ in {content}"
                shutil.copytree(
                    content, opt, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
                )
            self._opts[refs] = opt
        return self._opts[refs]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(tmp_path_factory.mktemp("sam"))


def test_every_function_folder_is_built_once(built: Built) -> None:
    resources = built.template["Resources"]
    kinds = {k for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}
    assert sorted(kinds) == FUNCTIONS
    folders = {
        f"functions/{d.name}" for d in (ROOT / "functions").glob("*") if (d / "app.py").exists()
    }
    assert {SOURCE[name]["Properties"]["CodeUri"].strip("/") for name in FUNCTIONS} == folders
    for name in FUNCTIONS:
        source = ROOT / SOURCE[name]["Properties"]["CodeUri"]
        target = built.build / resources[name]["Properties"]["CodeUri"]
        assert sorted(p.relative_to(target) for p in target.rglob("*.py")) == sorted(
            p.relative_to(source) for p in source.rglob("*.py")
        ), name


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_built_handler_imports_from_the_artefacts_alone(built: Built, name: str) -> None:
    props = built.function(name)
    # The artefact is only proven for the interpreter and machine that import it here.
    assert props["Runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
    assert props["Architectures"] == [machine[platform.machine().lower()]]

    task = built.build / props["CodeUri"]
    opt = built.opt(props["Layers"])
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    paths = [task, opt / "python" / "lib" / version / "site-packages", opt / "python"]
    paths.append(built.runtime)
    parameters = built.template.get("Parameters", {})

    def value_of(key: str, value: Any) -> str:
        if isinstance(value, str):
            return value
        ref = value.get("Ref") if isinstance(value, dict) else None
        if ref in parameters and "Default" in parameters[ref]:  # a parameter as deployed
            return str(parameters[ref]["Default"])
        return f"placeholder-{key.lower()}"  # what the template computes

    env = {key: value_of(key, value) for key, value in props["Variables"].items()}
    env |= LAMBDA_ENV | {"AWS_LAMBDA_FUNCTION_NAME": name, "_HANDLER": props["Handler"]}
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            PROBE,
            json.dumps([str(p) for p in paths]),
            props["Handler"],
        ],
        cwd=built.workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(f"{name} does not import from its artefacts:\n{done.stderr[-4000:]}", False)
    report = json.loads(done.stdout.splitlines()[-1])

    # The right code under the function (each app.py names its settings model).
    assert report["settings"] == name.removesuffix("Function") + "Settings"
    # Everything imported came from the artefacts or the standard library, nothing else.
    allowed = [str(p) for p in (built.workdir, Path(sys.base_prefix), Path(sys.base_exec_prefix))]
    strays = [f for f in report["files"] if f and not f.startswith(tuple(allowed))]
    assert not strays, strays
    assert any(f.startswith(str(opt / "python" / "pydantic_core")) for f in report["files"])
