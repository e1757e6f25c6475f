"""Privacy under the AVG/GDPR: an admin exports or erases a person's data, or a customer's, and
sets legal holds (the privacy API); every night the retention run erases the personal data of
tickets closed longer ago than their contract keeps it. The one function allowed to delete what
the desk keeps."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.entrypoints.api.privacy import app
from supportflow.entrypoints.api.requests import serve
from supportflow.observability import API_REQUEST_ID, Handler, count, instrument, logger
from supportflow.settings import PrivacySettings

SETTINGS = PrivacySettings


def build(deps: Container) -> Handler:
    @instrument(correlation_id_path=API_REQUEST_ID, capture_response=False)  # personal data
    def handler(event: dict[str, Any], context: Any) -> Any:
        if "httpMethod" in event or "requestContext" in event:
            return serve(app, deps, event, context)

        # the nightly schedule: erase what is past its retention (the next night goes on)
        def time_left() -> float:
            return float(context.get_remaining_time_in_millis()) / 1000

        run = deps.apply_retention().run(time_left=time_left)
        count("RetentionErased", len(run.erased))
        count("RetentionHeld", len(run.held))
        count("RetentionFailed", len(run.failed))
        if run.more:
            logger.info("retention: more tomorrow", extra={"erased": len(run.erased)})
        return run.as_dict()

    return handler


lambda_handler = entry(build, SETTINGS)
