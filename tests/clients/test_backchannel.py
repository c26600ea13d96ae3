"""The back-channel logout receiver refuses every malformed or forged logout token with 400 and ends
nothing; a valid one ends exactly the sessions it names."""

import json
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from clients.rp.backchannel import LOGOUT_EVENT
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack


def _provider_key(stack: Stack) -> RSAKey:
    document = json.loads((stack.idp_keys / "signing.jwks.json").read_text())
    key = next(k for k in KeySet.import_key_set(document).keys if isinstance(k, RSAKey))
    assert isinstance(key, RSAKey)
    return key


def _token(
    stack: Stack, key: RSAKey | None = None, header: dict[str, Any] | None = None, **claims: Any
) -> str:
    key = key or _provider_key(stack)
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": stack.idp,
        "aud": "portal",
        "iat": now,
        "exp": now + 120,
        "jti": f"j{now}{len(claims)}",
        "sub": "someone",
        "sid": "no-such-session",
        "events": {LOGOUT_EVENT: {}},
    }
    for name, value in claims.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    head = {"alg": "RS256", "typ": "logout+jwt", "kid": key.kid, **(header or {})}
    return jwt.encode(head, payload, key, algorithms=["RS256"])


def _post(stack: Stack, token: str) -> httpx.Response:
    return httpx.post(f"{stack.urls['portal']}/backchannel-logout", data={"logout_token": token})


def test_a_valid_token_is_accepted(stack: Stack) -> None:
    response = _post(stack, _token(stack))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("case", "changes"),
    [
        ("wrong issuer", {"iss": "http://evil.example"}),
        ("wrong audience", {"aud": "bank"}),
        ("no iat", {"iat": None}),
        ("expired", {"exp": 1_000_000, "iat": 999_000}),
        ("no events", {"events": None}),
        ("wrong event", {"events": {"http://example.com/other": {}}}),
        ("neither sub nor sid", {"sub": None, "sid": None}),
        ("a nonce", {"nonce": "n-1"}),
    ],
)
def test_bad_claims_are_refused(stack: Stack, case: str, changes: dict[str, Any]) -> None:
    response = _post(stack, _token(stack, **changes))
    assert response.status_code == 400, case
    assert response.json()["error"] == "invalid_request"


def test_a_foreign_key_is_refused(stack: Stack) -> None:
    stranger = RSAKey.generate_key(2048, auto_kid=True)
    response = _post(stack, _token(stack, key=stranger))
    assert response.status_code == 400
    assert "signature" in response.json()["error_description"]


def test_wrong_typ_and_garbage_are_refused(stack: Stack) -> None:
    assert _post(stack, _token(stack, header={"typ": "JWT"})).status_code == 400
    assert _post(stack, "not-a-jwt").status_code == 400
    missing = httpx.post(f"{stack.urls['portal']}/backchannel-logout", data={})
    assert missing.status_code == 400


def test_an_unsigned_token_is_refused(stack: Stack) -> None:
    good = _token(stack)
    header, payload, _ = good.split(".")
    assert _post(stack, f"{header}.{payload}.").status_code == 400


def test_a_valid_token_ends_exactly_that_session(stack: Stack, browser: Browser) -> None:
    browser.get(f"{stack.urls['portal']}/login")
    claims = browser.inspector("portal")[-1]["steps"][3]["data"]["claims"]  # type: ignore[index]
    other = _post(stack, _token(stack, sub=claims["sub"], sid="another-session"))
    assert other.status_code == 200
    assert 'action="/logout"' in browser.http.get(f"{stack.urls['portal']}/").text
    assert _post(stack, _token(stack, sub=claims["sub"], sid=claims["sid"])).status_code == 200
    assert 'action="/logout"' not in browser.http.get(f"{stack.urls['portal']}/").text
