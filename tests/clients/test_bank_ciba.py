"""The counter's ID token checks alone (no servers): a LoA4 ID token for ``bank-counter`` from the
provider passes; another level, audience, issuer, an expired token or a foreign signature is
``invalid_id_token``; a key the provider rotated in is fetched once more."""

import asyncio
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

from clients.bank.ciba import CibaError
from clients.bank.ciba import CounterClient
from clients.bank.settings import BankSettings

ISSUER = "http://127.0.0.1:8000"


class _Provider:
    """What the counter reads from the bank's relying party: discovery and the JWKS (a refetch
    returns ``rotated`` when given)."""

    def __init__(self, key: RSAKey, rotated: RSAKey | None = None) -> None:
        self.keys = [key]
        self.rotated = rotated
        self.fetched = 0

    async def metadata(self) -> dict[str, Any]:
        return {"issuer": ISSUER, "id_token_signing_alg_values_supported": ["RS256"]}

    async def provider_jwks(self, force: bool = False) -> dict[str, Any]:
        self.fetched += 1
        if force and self.rotated is not None:
            self.keys = [self.rotated]
        return dict(KeySet(list(self.keys)).as_dict(private=False))


def _key() -> RSAKey:
    return RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256"}, auto_kid=True)


def _id_token(key: RSAKey, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "bank-counter",
        "sub": "s-1",
        "iat": now,
        "exp": now + 600,
        "acr": "LoA4",
        "amr": ["hwk", "pin", "face", "mfa"],
    }
    return jwt.encode({"alg": "RS256", "kid": key.kid}, {**claims, **changes}, key)


def _check(provider: _Provider, token: str) -> dict[str, Any]:
    counter = CounterClient(BankSettings(keys_dir=None), provider)  # type: ignore[arg-type]
    return asyncio.run(counter.verified_claims(token))


def test_a_loa4_id_token_for_the_counter_passes() -> None:
    key = _key()
    assert _check(_Provider(key), _id_token(key))["acr"] == "LoA4"


@pytest.mark.parametrize(
    "changes",
    [
        {"acr": "LoA3"},
        {"aud": "bank"},
        {"iss": "https://elsewhere.example"},
        {"exp": int(time.time()) - 60},
        {"aud": ["bank-counter", "bank"]},  # several audiences and no azp naming the counter
    ],
)
def test_a_token_that_proves_less_is_refused(changes: dict[str, Any]) -> None:
    key = _key()
    with pytest.raises(CibaError) as refused:
        _check(_Provider(key), _id_token(key, **changes))
    assert refused.value.error == "invalid_id_token"


def test_a_foreign_signature_is_refused() -> None:
    with pytest.raises(CibaError) as refused:
        _check(_Provider(_key()), _id_token(_key()))
    assert refused.value.error == "invalid_id_token"


def test_a_rotated_key_is_fetched_once_more() -> None:
    new = _key()
    provider = _Provider(_key(), rotated=new)
    assert _check(provider, _id_token(new))["sub"] == "s-1"
    assert provider.fetched == 2
