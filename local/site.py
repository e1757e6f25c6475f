"""The desk's pages as a site: published to the site bucket, served under the desk's one URL.

`make deploy` (tools/deploy.py) and the local stack publish the same files (`pages/`) the same
way: every file under its path, and a `config.json` written from the stack's outputs (where the
API is, the agents' sign-in). The local server then serves a page the way CloudFront does: the
page-paths function's table (read from template.yaml, so the two cannot drift) maps an address
to its file in the bucket, and `/api/*` goes to the API.
"""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from local.stack import ROOT, load_template

PAGES = ROOT / "pages"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


def page_paths(template: dict[str, Any] | None = None) -> dict[str, str]:
    """The addresses of pages and their files: the PagePathsFunction's `PAGES` table."""
    template = template or load_template()
    code = template["Resources"]["PagePathsFunction"]["Properties"]["FunctionCode"]
    found = re.search(r"var PAGES = (\{.*?\});", code)
    if found is None:
        raise RuntimeError("PagePathsFunction has no PAGES table")
    return dict(json.loads(found.group(1)))


def site_config(
    *, api: str, sign_in_domain: str, client_id: str, desk: str, local: bool = False
) -> dict[str, Any]:
    """The pages' one config: all that differs between the local stack and a deployed desk."""
    return {
        "api": api,
        "desk": desk,
        "signIn": {
            "domain": sign_in_domain,
            "clientId": client_id,
            "scopes": "openid email profile",
        },
        "local": local,
    }


def site_files(pages: Path = PAGES) -> list[tuple[str, Path, str]]:
    """(key, file, content type) for every file of the site."""
    out = []
    for file in sorted(pages.rglob("*")):
        if file.is_file() and not file.name.startswith("."):
            kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
            kind = kind or "application/octet-stream"
            out.append((file.relative_to(pages).as_posix(), file, kind))
    return out


def publish(s3: Any, bucket: str, config: dict[str, Any], pages: Path = PAGES) -> list[str]:
    """Put the pages and their config.json into the site bucket; the keys written."""
    keys = []
    for key, file, kind in site_files(pages):
        s3.put_object(
            Bucket=bucket, Key=key, Body=file.read_bytes(), ContentType=kind, CacheControl=CACHE
        )
        keys.append(key)
    s3.put_object(
        Bucket=bucket,
        Key="config.json",
        Body=json.dumps(config, indent=2).encode(),
        ContentType="application/json",
        CacheControl="no-cache",
    )
    keys.append("config.json")
    return keys


CACHE = "max-age=300"  # a deploy invalidates the distribution's copies; browsers keep 5 minutes

# The stack outputs (template.yaml, Outputs) the site is published from.
OUTPUTS = ("SiteBucketName", "SignInDomain", "AgentUserPoolClientId", "DeskUrl")


def publish_outputs(s3: Any, outputs: dict[str, str], *, local: bool = False) -> list[str]:
    """Publish the pages for the stack whose outputs these are: what `make deploy` does after
    `sam deploy`, and what the local stack does with its own."""
    missing = [name for name in OUTPUTS if not outputs.get(name)]
    if missing:
        raise KeyError(f"the stack has no output {', '.join(missing)}: deploy the stack first")
    config = site_config(
        api="/api",
        sign_in_domain=outputs["SignInDomain"],
        client_id=outputs["AgentUserPoolClientId"],
        desk=outputs["DeskUrl"],
        local=local,
    )
    return publish(s3, outputs["SiteBucketName"], config)


def page_key(path: str, paths: dict[str, str]) -> str | None:
    """The bucket key CloudFront asks for at `path` (None: not a file of the site)."""
    target = paths.get(path, path)
    if not target.startswith("/") or ".." in target or "//" in target:
        return None
    return target.lstrip("/") or None
