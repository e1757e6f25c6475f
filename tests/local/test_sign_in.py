"""The local stack's sign-in, as the deployed desk's: Cognito's managed login (code flow with
PKCE) and API Gateway's Cognito authorizer, against moto's user pool."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from collections.abc import Iterator
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from local.sign_in import (
    DEMO_AGENTS,
    ManagedLogin,
    SignInPool,
    TokenRefused,
    authorizer_claims,
    pool_keys,
    provision_pool,
    verify_id_token,
)
from moto import mock_aws

DESK = "http://localhost:8080"
ANNA = DEMO_AGENTS[0]
ADMIN = next(a for a in DEMO_AGENTS if a.admin)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def moto_private_key() -> rsa.RSAPrivateKey:
    """The key moto signs with (it ships in moto): tokens the local pool would accept."""
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz")
    jwk = json.loads(gzip.decompress(raw.read_bytes()))
    n, e, d = _int(jwk["n"]), _int(jwk["e"]), _int(jwk["d"])
    p, q = rsa.rsa_recover_prime_factors(n, e, d)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, n),
    )  # fmt: skip
    return numbers.private_key()


def mint(claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None, kid: str = "dummy") -> str:
    header = _b64(json.dumps({"alg": "RS256", "kid": kid, "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signer = key or moto_private_key()
    signature = signer.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{_b64(signature)}"


@pytest.fixture
def pool() -> Iterator[tuple[SignInPool, Any]]:
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name="eu-west-1")
        yield provision_pool(cognito, "eu-west-1", "supportflow", DESK), cognito


def _sign_in(login: ManagedLogin, who: Any = ANNA) -> dict[str, Any]:
    verifier = "v" * 50
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    request = {
        "client_id": login.pool.client_id,
        "response_type": "code",
        "redirect_uri": f"{DESK}/agent",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    status, _, page = login.authorize(request)
    assert status == 200 and "name='password'" in page
    status, headers, _ = login.login({**request, "username": who.email, "password": who.password})
    assert status == 302
    back = urlsplit(headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{DESK}/agent"
    code = parse_qs(back.query)["code"][0]
    assert parse_qs(back.query)["state"] == ["s1"]
    status, tokens = login.token(
        {
            "grant_type": "authorization_code",
            "client_id": login.pool.client_id,
            "code": code,
            "redirect_uri": f"{DESK}/agent",
            "code_verifier": verifier,
        }
    )
    assert status == 200, tokens
    return {**tokens, "code": code, "verifier": verifier}


def test_the_code_flow_gives_an_id_token_the_authorizer_accepts(pool: Any) -> None:
    sign_in, cognito = pool
    login = ManagedLogin(sign_in, cognito)
    tokens = _sign_in(login, ADMIN)
    claims = verify_id_token(tokens["id_token"], sign_in, time.time(), pool_keys())
    assert claims["email"] == ADMIN.email
    passed = authorizer_claims(claims)  # as API Gateway hands them to the function
    assert "admins" in passed["cognito:groups"] and passed["email"] == ADMIN.email
    # A code is good once; the refresh token gives a new ID token.
    again = login.token(
        {
            "grant_type": "authorization_code",
            "client_id": sign_in.client_id,
            "code": tokens["code"],
            "redirect_uri": f"{DESK}/agent",
            "code_verifier": tokens["verifier"],
        }
    )
    assert again == (400, {"error": "invalid_grant"})
    status, fresh = login.token(
        {
            "grant_type": "refresh_token",
            "client_id": sign_in.client_id,
            "refresh_token": tokens["refresh_token"],
        }
    )
    assert status == 200
    assert verify_id_token(fresh["id_token"], sign_in, time.time(), pool_keys())["email"]


def test_the_managed_login_refuses_what_cognito_refuses(pool: Any) -> None:
    sign_in, cognito = pool
    login = ManagedLogin(sign_in, cognito)
    good = {
        "client_id": sign_in.client_id,
        "response_type": "code",
        "redirect_uri": f"{DESK}/agent",
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
    }
    assert login.authorize(good)[0] == 200
    for bad in (
        {"client_id": "another"},
        {"redirect_uri": "https://evil.example/agent"},  # not a callback URL: no code leaves
        {"code_challenge_method": "plain"},
        {"code_challenge": ""},
        {"response_type": "token"},
    ):
        assert login.authorize({**good, **bad})[0] == 400, bad
    # A wrong password: the form again, the same words for an unknown account.
    for username, password in ((ANNA.email, "wrong-password-1"), ("nobody@desk.example", "x")):
        status, headers, page = login.login({**good, "username": username, "password": password})
        assert status == 200 and "Incorrect username or password." in page and not headers
    # A code with the wrong PKCE verifier is refused (and spent).
    status, headers, _ = login.login({**good, "username": ANNA.email, "password": ANNA.password})
    code = parse_qs(urlsplit(headers["Location"]).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "client_id": sign_in.client_id,
        "code": code,
        "redirect_uri": f"{DESK}/agent",
        "code_verifier": "not-the-verifier",
    }
    assert login.token(form) == (400, {"error": "invalid_grant"})
    assert login.token({**form, "grant_type": "password"})[0] == 400
    assert login.token({**form, "client_id": "another"}) == (400, {"error": "invalid_client"})
    # Sign-out goes back only to a registered page.
    assert login.logout({"client_id": sign_in.client_id, "logout_uri": f"{DESK}/agent"})[0] == 302
    assert (
        login.logout({"client_id": sign_in.client_id, "logout_uri": "https://evil.example"})[0]
        == 400
    )
    # The token endpoint answers the pages' origin, nobody else's.
    assert login.cors(DESK)["Access-Control-Allow-Origin"] == DESK
    assert "Access-Control-Allow-Origin" not in login.cors("https://evil.example")


def test_the_authorizer_refuses_expired_forged_and_foreign_tokens(pool: Any) -> None:
    sign_in, cognito = pool
    keys = pool_keys()
    now = time.time()
    claims = {
        "iss": sign_in.issuer,
        "aud": sign_in.client_id,
        "token_use": "id",
        "email": ANNA.email,
        "exp": int(now) + 600,
    }
    assert verify_id_token(mint(claims), sign_in, now, keys)["email"] == ANNA.email
    refused = {
        "expired": mint({**claims, "exp": int(now) - 1}),
        "another pool": mint({**claims, "iss": sign_in.issuer + "x"}),
        "another client": mint({**claims, "aud": "another-client"}),
        "an access token": mint({**claims, "token_use": "access"}),
        "no expiry": mint({k: v for k, v in claims.items() if k != "exp"}),
        "another key": mint(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "an unknown key id": mint(claims, kid="other"),
        "not a JWT": "local-agent-token",
        "alg none": ".".join(
            [_b64(b'{"alg":"none","kid":"dummy"}'), _b64(json.dumps(claims).encode()), ""]
        ),
    }
    token = mint(claims)
    head, body, signature = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged["cognito:groups"] = ["admins"]
    refused["a changed claim"] = f"{head}.{_b64(json.dumps(forged).encode())}.{signature}"
    for why, bad in refused.items():
        with pytest.raises(TokenRefused):
            verify_id_token(bad, sign_in, now, keys)
            pytest.fail(why)
