"""Agents' sign-in on the local stack: moto's Cognito user pool, in the shape of the deployed desk.

On AWS the pages send agents to Cognito's managed login (OAuth 2.0 authorization code with
PKCE) and API Gateway's Cognito authorizer checks the ID token on every agent route. Here:

- `provision_pool` creates the pool, its `admins` group, the pages' app client and the demo agents
  (`DEMO_AGENTS`) in moto;
- `ManagedLogin` answers the managed login's endpoints under `/local/auth` (`/oauth2/authorize`,
  `/login`, `/oauth2/token`, `/logout`): the same redirects, codes, PKCE check and token answers,
  with the tokens moto's `InitiateAuth` (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH) issues;
- `verify_id_token` is what the authorizer checks: the RS256 signature against the pool's keys
  (moto's JWKS), the issuer (this pool), the audience (the pages' client), `token_use` = id and
  the expiry. The server puts the claims where API Gateway does (`requestContext.authorizer`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from supportflow.services.desk.agents import ROLES

CODE_SECONDS = 300  # an authorization code is good once, for five minutes
LEEWAY = 0  # API Gateway allows no clock skew on exp either


@dataclass(frozen=True)
class DemoAgent:
    email: str
    password: str
    roles: tuple[str, ...] = ("first_line",)
    name: str = ""

    @property
    def admin(self) -> bool:
        return "admins" in self.roles


# The local stack's demo desk (printed by `make run`); nothing like it exists on AWS.
DEMO_AGENTS = (
    DemoAgent("anna@desk.example", "Local-Agent-Pass1", ("first_line",), "Anna de Vries"),
    DemoAgent("ben@desk.example", "Local-Agent-Pass2", ("second_line",), "Ben Jansen"),
    DemoAgent("admin@desk.example", "Local-Admin-Pass1", ("admins", "service_manager"), "Ada Smit"),
    DemoAgent("carla@desk.example", "Local-Agent-Pass3", ("coordinator",), "Carla Bakker"),
)


class TokenRefused(Exception):
    """Not a valid ID token of this pool and client (the reason is for the log, not the caller)."""


@dataclass(frozen=True)
class SignInPool:
    region: str
    pool_id: str
    pool_arn: str
    client_id: str
    callbacks: tuple[str, ...]

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


def provision_pool(
    cognito: Any, region: str, name: str, desk: str, agents: tuple[DemoAgent, ...] = DEMO_AGENTS
) -> SignInPool:
    """The agents' pool, its groups (the roles), the pages' client and the demo desk's
    accounts in moto (the template's AgentUserPool, its groups and AgentUserPoolClient)."""
    pool_id = cognito.create_user_pool(
        PoolName=f"{name}-agents",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
    desks = [desk]
    if "//localhost:" in desk:  # the local stack answers on 127.0.0.1 too
        desks.append(desk.replace("//localhost:", "//127.0.0.1:"))
    callbacks = tuple(f"{d}/{page}" for d in desks for page in ("agent", "review"))
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{name}-agent-pages",
        GenerateSecret=False,
        # USER_PASSWORD_AUTH only here: the local managed login below stands in for Cognito's.
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"],
        CallbackURLs=list(callbacks),
        LogoutURLs=[f"{d}/agent" for d in desks],
    )["UserPoolClient"]["ClientId"]
    for role in ROLES:  # the template's groups
        cognito.create_group(UserPoolId=pool_id, GroupName=role)
    for agent in agents:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=agent.email,
            UserAttributes=[
                {"Name": "email", "Value": agent.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": agent.name or agent.email},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=agent.email, Password=agent.password, Permanent=True
        )
        for role in agent.roles:
            cognito.admin_add_user_to_group(
                UserPoolId=pool_id, Username=agent.email, GroupName=role
            )
    arn = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]
    return SignInPool(region, pool_id, arn, client_id, callbacks)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pool_keys() -> dict[str, rsa.RSAPublicKey]:
    """The keys moto signs every pool's tokens with (its jwks-public.json), by key id."""
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz").read_bytes()
    keys: dict[str, rsa.RSAPublicKey] = {}
    for jwk in json.loads(gzip.decompress(raw))["keys"]:
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(_b64(jwk["e"]), "big"), int.from_bytes(_b64(jwk["n"]), "big")
        )
        keys[jwk["kid"]] = numbers.public_key()
    return keys


def jwks() -> dict[str, Any]:
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz").read_bytes()
    return dict(json.loads(gzip.decompress(raw)))


def verify_id_token(
    token: str, pool: SignInPool, now: float, keys: dict[str, rsa.RSAPublicKey]
) -> dict[str, Any]:
    """The claims of a valid ID token of `pool` for its client, or TokenRefused."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRefused("not a JWT")
    try:
        header = json.loads(_b64(parts[0]))
        claims = json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenRefused(f"not a JWT: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise TokenRefused("not a JWT")
    if header.get("alg") != "RS256":
        raise TokenRefused(f"algorithm {header.get('alg')!r}")
    key = keys.get(str(header.get("kid")))
    if key is None:
        raise TokenRefused("unknown key")
    try:
        key.verify(
            signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except Exception:
        raise TokenRefused("bad signature") from None
    if claims.get("iss") != pool.issuer:
        raise TokenRefused("another pool's token")
    if claims.get("aud") != pool.client_id:
        raise TokenRefused("another client's token")
    if claims.get("token_use") != "id":
        raise TokenRefused("not an ID token")
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or expiry + LEEWAY <= now:
        raise TokenRefused("expired")
    return claims


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as API Gateway's Cognito authorizer hands them on: every value a string,
    `cognito:groups` as one string (`admins` or `[admins, leads]`)."""
    out: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            out[name] = value[0] if len(value) == 1 else "[" + ", ".join(map(str, value)) + "]"
        else:
            out[name] = str(value)
    return out


@dataclass
class _Code:
    tokens: dict[str, Any]
    redirect_uri: str
    challenge: str
    expires: float


@dataclass
class ManagedLogin:
    """Cognito's managed login endpoints for the local stack (one client, code flow + PKCE)."""

    pool: SignInPool
    cognito: Any
    _codes: dict[str, _Code] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """GET /oauth2/authorize: the sign-in form (or 400 for a request Cognito would refuse)."""
        problem = self._check_request(query)
        if problem:
            return 400, {}, _page("Sign-in refused", f"<p>{escape(problem)}</p>")
        return 200, {}, _form(query, "")

    def login(self, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """POST /login: the credentials; a code back to the page, or the form again."""
        problem = self._check_request(form)
        if problem:
            return 400, {}, _page("Sign-in refused", f"<p>{escape(problem)}</p>")
        try:
            answer = self.cognito.initiate_auth(
                ClientId=self.pool.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": form.get("username", ""),
                    "PASSWORD": form.get("password", ""),
                },
            )
        except self.cognito.exceptions.NotAuthorizedException:
            return 200, {}, _form(form, "Incorrect username or password.")
        except self.cognito.exceptions.UserNotFoundException:
            return 200, {}, _form(form, "Incorrect username or password.")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_old()
            self._codes[code] = _Code(
                answer["AuthenticationResult"],
                form["redirect_uri"],
                form.get("code_challenge", ""),
                time.time() + CODE_SECONDS,
            )
        back = {"code": code}
        if form.get("state"):
            back["state"] = form["state"]
        return 302, {"Location": f"{form['redirect_uri']}?{urlencode(back)}"}, ""

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """POST /oauth2/token: a code (with its PKCE verifier) or a refresh token for tokens."""
        if form.get("client_id") != self.pool.client_id:
            return 400, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self._lock:
                self._forget_old()
                found = self._codes.pop(form.get("code", ""), None)  # good once
            if found is None or found.redirect_uri != form.get("redirect_uri"):
                return 400, {"error": "invalid_grant"}
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if not found.challenge or not hmac.compare_digest(challenge, found.challenge):
                return 400, {"error": "invalid_grant"}
            tokens = found.tokens
            return 200, {
                "id_token": tokens["IdToken"],
                "access_token": tokens["AccessToken"],
                "refresh_token": tokens["RefreshToken"],
                "expires_in": tokens["ExpiresIn"],
                "token_type": "Bearer",
            }
        if grant == "refresh_token":
            try:
                answer = self.cognito.initiate_auth(
                    ClientId=self.pool.client_id,
                    AuthFlow="REFRESH_TOKEN_AUTH",
                    AuthParameters={"REFRESH_TOKEN": form.get("refresh_token", "")},
                )
            except Exception:
                return 400, {"error": "invalid_grant"}
            tokens = answer["AuthenticationResult"]
            return 200, {
                "id_token": tokens["IdToken"],
                "access_token": tokens["AccessToken"],
                "expires_in": tokens["ExpiresIn"],
                "token_type": "Bearer",
            }
        return 400, {"error": "unsupported_grant_type"}

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """GET /logout: back to a registered sign-out page."""
        target = query.get("logout_uri", "")
        if query.get("client_id") != self.pool.client_id or target not in (
            f"{_origin(c)}/agent" for c in self.pool.callbacks
        ):
            return 400, {}, _page("Sign-out refused", "<p>unknown client or logout_uri</p>")
        return 302, {"Location": target}, ""

    def cors(self, origin: str) -> dict[str, str]:
        """The token endpoint answers the pages' script from the client's own origins."""
        if origin and origin in {_origin(c) for c in self.pool.callbacks}:
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def _check_request(self, query: dict[str, str]) -> str:
        if query.get("client_id") != self.pool.client_id:
            return "unknown client_id"
        if query.get("response_type", "code") != "code":
            return "only response_type=code"
        if query.get("redirect_uri") not in self.pool.callbacks:
            return "redirect_uri is not one of the client's callback URLs"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE is required (code_challenge with code_challenge_method=S256)"
        return ""

    def _forget_old(self) -> None:
        now = time.time()
        for code in [c for c, held in self._codes.items() if held.expires < now]:
            del self._codes[code]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


KEPT = ("client_id", "response_type", "redirect_uri", "state", "code_challenge", "scope")


def _form(query: dict[str, str], error: str) -> str:
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{escape(query.get(name, ''))}'>"
        for name in (*KEPT, "code_challenge_method")
    )
    alert = f"<p class='error' role='alert'>{escape(error)}</p>" if error else ""
    return _page(
        "Sign in to the desk",
        f"{alert}<form method='post' action='/local/auth/login'>{hidden}"
        "<label>E-mail <input name='username' type='email' autocomplete='username' required "
        f"value='{escape(query.get('username', ''))}'></label>"
        "<label>Password <input name='password' type='password' "
        "autocomplete='current-password' required></label>"
        "<button type='submit'>Sign in</button></form>"
        "<p class='note'>The local stack's stand-in for Cognito's managed login: the demo "
        "agents are listed by <code>make run</code>.</p>",
    )


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><link rel='stylesheet' href='/static/app.css'></head>"
        f"<body><main class='sign-in'><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
