"""The distributed mode's state store: a whole code flow, refresh and replay with ``VNEID_STATE_STORE_URL``
pointing at the real Redis, and two provider instances sharing one single sign-on session through it."""

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from idp.settings import IdPSettings
from idp.state.redis_store import RedisStateStore
from idp.web.app import create_app
from tests.conftest import REDIS_URL
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of


@pytest.fixture
def redis_settings(env: Env) -> Iterator[IdPSettings]:
    prefix = f"test-{uuid.uuid4().hex}:"
    yield env.settings.model_copy(
        update={"state_store_url": REDIS_URL, "state_store_prefix": prefix}
    )
    store = RedisStateStore(REDIS_URL, prefix)
    for key in store.client.scan_iter(f"{prefix}*"):
        store.client.delete(key)


def test_a_code_flow_keeps_its_state_in_redis(redis_settings: IdPSettings, env: Env) -> None:
    app = create_app(redis_settings)
    assert isinstance(app.state.oauth2_server.store, RedisStateStore)
    with TestClient(app, follow_redirects=False) as client:
        tokens = get_tokens(client, env)
        info = client.get(
            "/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert info.status_code == 200
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        rotated = client.post("/token", data=refresh, auth=("rp", env.secrets["rp"]))
        assert rotated.status_code == 200
        reused = client.post("/token", data=refresh, auth=("rp", env.secrets["rp"]))
        assert reused.json()["error"] == "invalid_grant"
        # reuse revoked the whole grant: the rotated refresh token is dead too
        again = {"grant_type": "refresh_token", "refresh_token": rotated.json()["refresh_token"]}
        assert client.post("/token", data=again, auth=("rp", env.secrets["rp"])).status_code == 400
    store = app.state.oauth2_server.store
    assert any(key.startswith(f"{store.prefix}session:") for key in store.client.scan_iter())


def test_two_provider_processes_share_one_session(redis_settings: IdPSettings, env: Env) -> None:
    with TestClient(create_app(redis_settings), follow_redirects=False) as first:
        get_tokens(first, env)
        cookie = first.cookies.get(env.settings.session_cookie)
    assert cookie
    with TestClient(create_app(redis_settings), follow_redirects=False) as second:
        second.cookies.set(env.settings.session_cookie, cookie)
        _, challenge = pkce()
        response = second.get("/authorize", params=auth_params(code_challenge=challenge))
        # the session the first instance created is known here: straight back with a code
        assert response.status_code == 302, response.text
        assert response.headers["location"].startswith(REDIRECT)
        assert "code" in query_of(response.headers["location"])


def test_an_unknown_store_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="redis://"):
        IdPSettings(state_store_url="memcached://127.0.0.1")
