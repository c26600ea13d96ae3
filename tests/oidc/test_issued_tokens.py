"""The memo of access tokens this process signed (:mod:`idp.oidc.issued_tokens`): userinfo skips the
signature check only for exactly those tokens."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt

from idp.oidc.issued_tokens import IssuedAccessTokens
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_tokens


def test_the_memo_knows_exactly_the_last_tokens() -> None:
    memo = IssuedAccessTokens(capacity=2)
    memo.remember("a.b.c")
    memo.remember("d.e.f")
    assert memo.signed_here("a.b.c")
    assert memo.signed_here("d.e.f")
    assert not memo.signed_here("a.b.C")
    memo.remember("g.h.i")  # the oldest is forgotten
    assert not memo.signed_here("a.b.c")
    assert memo.signed_here("d.e.f")
    assert memo.signed_here("g.h.i")


def _userinfo(client: TestClient, token: str) -> Any:
    return client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})


def _decode_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = jwt.decode

    def counted(token: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(token))
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)  # the module userinfo calls
    return calls


def test_a_token_signed_here_is_not_verified_again(
    client: TestClient, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = get_tokens(client, env, "rp")["access_token"]
    calls = _decode_counted(monkeypatch)
    response = _userinfo(client, token)
    assert response.status_code == 200, response.text
    assert response.json()["sub"]
    assert calls == []


def test_any_other_token_is_verified_in_full(
    client: TestClient, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = get_tokens(client, env, "rp")["access_token"]
    calls = _decode_counted(monkeypatch)
    head, payload, signature = token.split(".")
    altered = (
        f"{head}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    )
    response = _userinfo(client, altered)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert calls == [altered]
    server = client.app.state.oauth2_server  # type: ignore[attr-defined]
    server.issued_access_tokens = IssuedAccessTokens()  # as after a restart, or in another worker
    response = _userinfo(client, token)
    assert response.status_code == 200, response.text
    assert calls == [altered, token]
