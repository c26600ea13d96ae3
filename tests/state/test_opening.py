"""The ``state_store_url`` setting: the in-process memory store by default (nothing written to the database
per protocol step), ``sql`` for the ``oidc_state`` table of the population's database (a whole code flow
through HTTP, its rows in the table), and anything else refused when the settings are read."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import inspect
from sqlalchemy import select

from idp.population_db.database import connect
from idp.settings import IdPSettings
from idp.state.memory_store import MemoryStateStore
from idp.state.sql_store import STATE
from idp.state.sql_store import SqlStateStore
from idp.web.app import create_app
from tests.oidc.conftest import Env
from tests.oidc.conftest import get_tokens


def _state_keys(env: Env) -> set[str]:
    """Every key of the ``oidc_state`` table (none when the table does not exist)."""
    engine = connect(env.settings.database_url)
    try:
        if not inspect(engine).has_table(STATE.name):
            return set()
        with engine.connect() as connection:
            return set(connection.execute(select(STATE.c.key)).scalars())
    finally:
        engine.dispose()


def _flow(app_settings: IdPSettings, env: Env) -> tuple[object, dict[str, str], str]:
    """A complete code flow and a userinfo request: the app's store, the tokens, the session id."""
    app = create_app(app_settings)
    with TestClient(app, follow_redirects=False) as client:
        tokens = get_tokens(client, env)
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert client.get("/userinfo", headers=bearer).status_code == 200
        sid = client.cookies.get(env.settings.session_cookie)
    assert sid
    return app.state.oauth2_server.store, tokens, sid


def test_the_default_is_the_memory_store() -> None:
    assert IdPSettings.model_fields["state_store_url"].default == "memory"


def test_a_default_app_keeps_its_state_in_memory(env: Env) -> None:
    assert env.settings.state_store_url == "memory"
    store, tokens, sid = _flow(env.settings, env)
    assert isinstance(store, MemoryStateStore)
    assert store.get(f"session:{sid}") is not None
    assert store.get(f"refresh:{tokens['refresh_token']}") is not None
    keys = _state_keys(env)
    assert f"session:{sid}" not in keys
    assert f"refresh:{tokens['refresh_token']}" not in keys


def test_sql_keeps_a_whole_code_flow_in_the_oidc_state_table(env: Env) -> None:
    settings = env.settings.model_copy(update={"state_store_url": "sql"})
    store, tokens, sid = _flow(settings, env)
    assert isinstance(store, SqlStateStore)
    keys = _state_keys(env)
    assert f"session:{sid}" in keys
    assert f"refresh:{tokens['refresh_token']}" in keys
    assert any(key.startswith("grant:") for key in keys)
    assert not any(key.startswith(("code:", "interaction:")) for key in keys)  # used once, taken


@pytest.mark.parametrize("url", ["memory", "sql", "redis://127.0.0.1:6379/0"])
def test_known_store_urls_are_accepted(url: str) -> None:
    assert IdPSettings(state_store_url=url).state_store_url == url


@pytest.mark.parametrize("url", ["memcached://x", "", "postgresql://127.0.0.1/vneid"])
def test_an_unknown_store_url_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="must be memory, sql"):
        IdPSettings(state_store_url=url)
