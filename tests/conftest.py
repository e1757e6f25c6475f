"""Process-wide test settings, applied before any module is imported: the Powertools service and
metrics namespace the template gives every function (Globals), so the shared Logger and Metrics
of supportflow.observability are configured as on Lambda whichever test imports them first."""

from __future__ import annotations

import os

os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "supportflow")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Supportflow")
