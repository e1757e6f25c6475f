"""Forms on customers' own sites: CORS on the public routes, for the origins contracts allow.

A page on a customer's site (an origin listed in the contract's `allowed_origins`) may file a
ticket (`POST /tickets`), read its form's fields and follow a ticket's status with its link's
token. The browser asks first (the preflight, `OPTIONS`), answered for an origin some contract
allows; every answer to such an origin carries `Access-Control-Allow-Origin` (errors too, so the
page can show them). An origin no contract allows gets no CORS headers: the browser keeps the
answer from the page (and refuses to send a JSON post at all). A filing from another site must
name a customer whose contract lists that site (`cross_site_filing`): a plain HTML form, which
the browser posts without asking, cannot file for a customer from a site the customer did not
list. Agents' routes have no CORS: the desk's own pages are on the desk's origin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.errors import Forbidden

# The routes a customer's site may call (API Gateway's resource paths).
PUBLIC = {
    "/tickets": "POST, OPTIONS",
    "/forms/{customer_id}": "GET, OPTIONS",
    "/tickets/{ticket_id}/status": "GET, OPTIONS",
    "/tickets/{ticket_id}/customer/{action}": "POST, OPTIONS",
}
ALLOWED_HEADERS = "Content-Type, Idempotency-Key, X-Customer-Token"
MAX_AGE = "600"  # seconds a browser keeps a preflight's answer


def header(event: dict[str, Any], name: str) -> str:
    for key, value in (event.get("headers") or {}).items():
        if str(key).lower() == name:
            return str(value)
    return ""


def origin_of(event: dict[str, Any]) -> str:
    return header(event, "origin").strip().lower()


def is_same_site(event: dict[str, Any], desk: str) -> bool:
    """The desk's own pages: no Origin (not a browser's cross-site call), the desk's URL, or the
    host the request was sent to (the local stack, the API's own address)."""
    origin = origin_of(event)
    if not origin or origin == "null":
        return not origin
    parts = urlsplit(desk)
    if origin == f"{parts.scheme}://{parts.netloc}".lower():
        return True
    return urlsplit(origin).netloc == header(event, "host").strip().lower()


def allowed_anywhere(contracts: Callable[[], ContractDirectory], origin: str) -> bool:
    """Some contract lists `origin` (the contracts read only for a browser's cross-site call)."""
    return bool(origin) and any(c.allows_origin(origin) for c in contracts().all())


def preflight(event: dict[str, Any], contracts: Callable[[], ContractDirectory]) -> dict[str, Any]:
    """The answer to a browser's OPTIONS: 204, with CORS headers only for an allowed origin."""
    methods = PUBLIC.get(str(event.get("resource") or ""))
    origin = origin_of(event)
    headers = {"Vary": "Origin"}
    if methods and allowed_anywhere(contracts, origin):
        headers |= {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": methods,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": MAX_AGE,
        }
    return {"statusCode": 204, "headers": headers, "body": ""}


def with_cors(
    response: dict[str, Any], event: dict[str, Any], contracts: Callable[[], ContractDirectory]
) -> dict[str, Any]:
    """The response, with CORS headers if it answers a public route for an allowed origin."""
    origin = origin_of(event)
    if str(event.get("resource") or "") not in PUBLIC or not origin:
        return response
    headers = dict(response.get("headers") or {})
    headers["Vary"] = "Origin"
    if allowed_anywhere(contracts, origin):
        headers["Access-Control-Allow-Origin"] = origin
    multi = response.get("multiValueHeaders")
    if multi:  # API Gateway merges both; keep them from disagreeing
        multi = {k: v for k, v in multi.items() if k not in headers}
        return {**response, "headers": headers, "multiValueHeaders": multi}
    return {**response, "headers": headers}


def cross_site_filing(
    contracts: ContractDirectory, customer: str | None, contact: str, origin: str
) -> Contract:
    """The contract a filing from another site files under, or Forbidden (nothing is stored):
    the customer it names, or whose contact filed, must list that site."""
    found = contracts.find(customer) if customer else contracts.of_contact(contact)
    if found is None or not found.allows_origin(origin):
        raise Forbidden(
            f"tickets cannot be filed from {origin} for this customer: the customer's contract "
            "lists the sites its forms may be on"
        )
    return found
