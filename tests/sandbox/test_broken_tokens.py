"""Each broken ID token fails the one check it is named after, read with python-jose (an independent
verifier), and keeps every other claim."""

from typing import Any

import pytest
from jose import jwt as jose_jwt
from jose.exceptions import JWTError
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.keys import KeyRing
from idp.oidc.keys import new_keys
from idp.sandbox.broken_tokens import break_id_token

NOW = 1_800_000_000
CLAIMS = {
    "iss": "http://127.0.0.1:8000",
    "sub": "subject-1",
    "aud": ["bank"],
    "iat": NOW,
    "exp": NOW + 600,
    "nonce": "n-1",
    "at_hash": "abc",
    "acr": "LoA2",
}


@pytest.fixture(scope="module")
def keys() -> KeyRing:
    return KeyRing(new_keys())


def _signed(keys: KeyRing) -> str:
    key = keys.signing_key("RS256")
    return jwt.encode({"alg": "RS256", "kid": str(key.kid)}, CLAIMS, KeySet([key]))


def _jwks(keys: KeyRing) -> dict[str, Any]:
    return dict(keys.public_jwks)


def _claims(token: str) -> dict[str, Any]:
    found: dict[str, Any] = jose_jwt.get_unverified_claims(token)
    return found


def _verifies(token: str, keys: KeyRing) -> bool:
    kid = jose_jwt.get_unverified_header(token).get("kid")
    matching = [key for key in _jwks(keys)["keys"] if key["kid"] == kid]
    if not matching:
        return False
    try:
        jose_jwt.decode(
            token,
            matching[0],
            algorithms=["RS256"],
            options={
                "verify_aud": False,
                "verify_exp": False,
                "verify_iat": False,
                "verify_at_hash": False,
            },
        )
    except JWTError:
        return False
    return True


CHANGED = {
    "id_token_wrong_iss": ("iss", "https://issuer.invalid"),
    "id_token_wrong_aud": ("aud", ["not-bank"]),
    "id_token_expired": ("exp", NOW - 3600),
    "id_token_issued_in_future": ("iat", NOW + 3600),
    "id_token_lower_acr": ("acr", "LoA1"),
}


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_a_claim_is_changed_and_the_signature_still_verifies(name: str, keys: KeyRing) -> None:
    broken = break_id_token(name, _signed(keys), keys, NOW)
    claim, value = CHANGED[name]
    claims = _claims(broken)
    assert claims[claim] == value
    assert {k: v for k, v in claims.items() if k not in (claim, "exp", "iat")} == {
        k: v for k, v in CLAIMS.items() if k not in (claim, "exp", "iat")
    }
    assert _verifies(broken, keys)


@pytest.mark.parametrize(
    "name", ["id_token_wrong_nonce", "id_token_wrong_at_hash", "id_token_sub_mismatch"]
)
def test_a_value_is_replaced_by_another(name: str, keys: KeyRing) -> None:
    claim = {"id_token_wrong_nonce": "nonce", "id_token_wrong_at_hash": "at_hash"}.get(name, "sub")
    broken = break_id_token(name, _signed(keys), keys, NOW)
    assert _claims(broken)[claim] != CLAIMS[claim]
    assert _verifies(broken, keys)


def test_the_signature_cases_do_not_verify(keys: KeyRing) -> None:
    bad = break_id_token("id_token_bad_signature", _signed(keys), keys, NOW)
    assert jose_jwt.get_unverified_header(bad)["kid"] == keys.signing_key("RS256").kid
    assert not _verifies(bad, keys)
    unknown = break_id_token("id_token_unknown_kid", _signed(keys), keys, NOW)
    published = {key["kid"] for key in _jwks(keys)["keys"]}
    assert jose_jwt.get_unverified_header(unknown)["kid"] not in published
    assert not _verifies(unknown, keys)
    none = break_id_token("id_token_alg_none", _signed(keys), keys, NOW)
    assert jose_jwt.get_unverified_header(none)["alg"] == "none"
    assert none.endswith(".")
    assert _claims(none)["sub"] == CLAIMS["sub"]
    assert not _verifies(none, keys)


def test_lower_acr_at_the_lowest_level_drops_the_claim(keys: KeyRing) -> None:
    key = keys.signing_key("RS256")
    signed = jwt.encode(
        {"alg": "RS256", "kid": str(key.kid)}, {**CLAIMS, "acr": "LoA1"}, KeySet([key])
    )
    assert "acr" not in _claims(break_id_token("id_token_lower_acr", signed, keys, NOW))
