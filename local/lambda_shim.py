"""The in-process Lambda shim: moto's Docker-less Lambda backend answers every invoke with a
canned payload, so Step Functions tasks would never run our code. This replaces
`LambdaSimpleBackend.invoke` with a call of the function's own handler, in this process, with
errors returned in Lambda's envelope (`x-amz-function-error` + errorType/errorMessage) so the
state machine's Retry and Catch see them as on AWS.

It touches one moto internal, in one place; tests/workflow/test_moto_canary.py pins the moto
behaviour it relies on.
"""

from __future__ import annotations

import importlib.util
import io
import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

from local.aws_calls import CALLER, attributed
from local.serial import LOCK
from supportflow.bootstrap import serving

Handler = Callable[[Any, Any], Any]


@dataclass
class FakeContext:
    """The parts of the Lambda context that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    invoked_function_arn: str = ""
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    remaining: Callable[[], int] | None = None  # the local stack: none left once it stops

    def get_remaining_time_in_millis(self) -> int:
        return 30_000 if self.remaining is None else self.remaining()


class HandlerRegistry:
    """Function name -> the handler callable, loaded from `functions/<dir>/app.py` once.

    With `dependencies` (settings type -> the composition root's Container), each handler is
    built by its module's `build(container)`, so the local stack and tests inject their clock
    and adapters; without, the module's own `lambda_handler` runs, as on Lambda."""

    def __init__(self, dependencies: Callable[[Any], Any] | None = None) -> None:
        self.dependencies = dependencies
        self._paths: dict[str, Path] = {}
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.overrides: dict[str, Handler] = {}  # tests can make a function fail
        self.closed = False  # the local stack is stopping: no more steps run

    def register(self, function_name: str, code_dir: Path) -> None:
        self._paths[function_name] = code_dir

    def handler(self, function_name: str) -> Handler:
        name = (
            function_name.rsplit(":", 1)[-1] if function_name.startswith("arn:") else function_name
        )
        if self.closed:
            return _closed
        if name in self.overrides:
            return self.overrides[name]
        with self._lock:
            if name not in self._handlers:
                path = self._paths[name] / "app.py"
                module = _load(f"functions_{self._paths[name].name}_app", path)
                cold_start = CALLER.set(name)  # what a cold start calls is the function's too
                try:
                    built = (
                        serving(module.build, self.dependencies(module.SETTINGS))
                        if self.dependencies is not None
                        else module.lambda_handler
                    )
                finally:
                    CALLER.reset(cold_start)
                self._handlers[name] = attributed(name, built)  # its AWS calls are its own
            return self._handlers[name]

    def preload(self) -> None:
        """Load every function now, as a warm Lambda would be: a module imported lazily while
        the workflows catch up after a restart competes with them for the interpreter, and the
        first page a person opens would wait for it."""
        for name in list(self._paths):
            self.handler(name)


def _closed(event: Any, context: Any) -> Any:
    from supportflow.services.ports.tickets import TemporarilyUnavailable

    raise TemporarilyUnavailable("the local stack is stopping")


def _load(module_name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(registry: HandlerRegistry, function_name: str, body: Any) -> tuple[bytes, str | None]:
    """Run a handler; (payload, function error or None), as Lambda's Invoke answers."""
    event = json.loads(body) if body else {}
    context = FakeContext(function_name=function_name, aws_request_id=str(uuid.uuid4()))
    try:
        with LOCK.released():  # moto may be mid-request (a workflow's task): let others in
            result = registry.handler(function_name)(event, context)
    except Exception as exc:
        error = {
            "errorType": type(exc).__name__,
            "errorMessage": str(exc),
            "stackTrace": traceback.format_exception(exc)[-3:],
        }
        return json.dumps(error).encode(), "Unhandled"
    return json.dumps(result, default=str).encode(), None


@contextmanager
def installed(registry: HandlerRegistry) -> Iterator[HandlerRegistry]:
    """Patch moto's simple Lambda backend to call our handlers while the context is open."""
    original = LambdaSimpleBackend.invoke

    def shim(
        self: LambdaSimpleBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Mapping[str, str],
        response_headers: dict[str, str],
    ) -> bytes:
        payload, error = invoke(registry, function_name, body)
        if error:
            response_headers["x-amz-function-error"] = error
        return payload

    LambdaSimpleBackend.invoke = shim  # type: ignore[method-assign]
    try:
        yield registry
    finally:
        LambdaSimpleBackend.invoke = original  # type: ignore[method-assign]


class InProcessLambda:
    """Lambda's Invoke, answered in this thread by the shim (not through moto): the pumps that
    stand in for AWS's own invokers (Scheduler, the stream's event source mapping) use it, so a
    long batch holds the moto lock only for each AWS call it makes, not for the whole run."""

    def __init__(self, registry: HandlerRegistry) -> None:
        self.registry = registry

    def invoke(self, FunctionName: str, Payload: bytes = b"{}") -> dict[str, Any]:
        payload, error = invoke(self.registry, FunctionName, Payload)
        answer: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(payload)}
        if error:
            answer["FunctionError"] = error
        return answer
