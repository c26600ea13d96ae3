"""A SET (RFC 8417) is accepted only when it is one, from the provider, signed with the provider's key,
for this app, with one event and a subject, and without the ``sub`` and ``exp`` SSF forbids; each
refusal carries RFC 8935's error code. Its ``iat`` may be ahead of the app's clock."""

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from clients.rp.security_events import SetError
from clients.rp.security_events import validate_set
from clients.rp.signal_types import ACCOUNT_DISABLED

ISSUER = "http://127.0.0.1:8000"
KEY = RSAKey.generate_key(2048, {"use": "sig"}, auto_kid=True)
JWKS = {"keys": [KEY.as_dict(private=False)]}


def _set(header: dict[str, Any] | None = None, key: RSAKey = KEY, **claims: Any) -> str:
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": "bank",
        "iat": int(time.time()),
        "jti": "j-1",
        "sub_id": {"format": "iss_sub", "iss": ISSUER, "sub": "s-1"},
        "events": {ACCOUNT_DISABLED: {"event_timestamp": 1}},
    }
    for name, value in claims.items():
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    head = {"alg": "RS256", "typ": "secevent+jwt", "kid": key.kid, **(header or {})}
    return jwt.encode(head, body, key, algorithms=["RS256"])


def _validate(token: str) -> Any:
    return validate_set(token, JWKS, ISSUER, "bank", ["RS256", "HS256", "none"])


def test_a_good_set_gives_its_one_event() -> None:
    event = _validate(_set(aud=["bank", "other"]))
    assert event.event_type == ACCOUNT_DISABLED
    assert event.payload == {"event_timestamp": 1}
    assert event.jti == "j-1"
    assert event.subject["sub"] == "s-1"


@pytest.mark.parametrize(
    ("token", "err"),
    [
        ("not a token", "invalid_request"),
        (_set(header={"typ": "logout+jwt"}), "invalid_request"),
        (_set(iss="http://evil.example"), "invalid_issuer"),
        (_set(key=RSAKey.generate_key(2048, auto_kid=True)), "invalid_key"),
        (_set(aud="portal"), "invalid_audience"),
        (_set(iat=None), "invalid_request"),
        (_set(iat="yesterday"), "invalid_request"),
        (_set(sub="s-1"), "invalid_request"),  # SSF §4.1: never a JWT sub
        (_set(exp=int(time.time()) + 3600), "invalid_request"),  # SSF §4.1: never an exp
        (_set(jti=None), "invalid_request"),
        (_set(events={}), "invalid_request"),
        (_set(events={ACCOUNT_DISABLED: "locked"}), "invalid_request"),
        (_set(sub_id=None), "invalid_request"),
    ],
)
def test_a_bad_set_is_refused_with_its_code(token: str, err: str) -> None:
    with pytest.raises(SetError) as refused:
        _validate(token)
    assert refused.value.err == err


def test_a_set_issued_ahead_of_the_apps_clock_is_taken() -> None:
    """The provider's clock may be moved ahead (the sandbox's clock): its SETs are still good."""
    event = _validate(_set(iat=int(time.time()) + 30 * 86400))
    assert event.jti == "j-1"


def test_an_unsigned_set_is_refused() -> None:
    head = "eyJhbGciOiJub25lIiwidHlwIjoic2VjZXZlbnQrand0In0"  # {"alg":"none","typ":"secevent+jwt"}
    payload = _set().split(".")[1]
    with pytest.raises(SetError) as refused:
        _validate(f"{head}.{payload}.")
    assert refused.value.err == "invalid_key"
