"""Proxy headers are believed only from the proxies ``VNEID_FORWARDED_ALLOW_IPS`` names: by default a
client that sends a new ``X-Forwarded-For`` on every attempt still meets the per-address login limit;
behind a trusted proxy each forwarded address has its own. Real uvicorn servers, started with the
options ``vneid-mock serve`` uses, on loopback ports."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from idp.web.serving import uvicorn_options
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import env
from tests.oidc.conftest import pkce
from tests.servers import Served
from tests.servers import free_port

__all__ = ["env"]  # the provider's settings fixture
PER_IP = 4


@contextmanager
def serving(settings: IdPSettings) -> Iterator[str]:
    """The provider under uvicorn with ``vneid-mock serve``'s options; its base URL."""
    served = Served(create_app(settings), **uvicorn_options(settings))
    try:
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        served.stop()


def _settings(env: Env, tmp_path: Path, trusted: str) -> IdPSettings:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    update = {
        "database_url": url,
        "port": free_port(),
        "forwarded_allow_ips": trusted,
        "access_log": False,
        "login_rate_per_ip": PER_IP,
        "login_rate_per_account": 1000,
        "lockout_threshold": 1000,
    }
    return env.settings.model_copy(update=update)


def _wrong_password(base: str, forwarded_for: str) -> int:
    """One wrong password from a new interaction, claiming to come from ``forwarded_for``: the status
    of the page the form leads to."""
    _, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": "rp",
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    headers = {"X-Forwarded-For": forwarded_for}
    with httpx.Client(base_url=base, headers=headers) as browser:
        html = browser.get("/authorize", params=params).text
        action = re.search(r'<form method="post" action="(/interaction/[^"]+/login)"', html)
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        assert action is not None, html
        assert csrf is not None, html
        data = {"username": "001088999001", "password": "wrong", "csrf": csrf.group(1)}
        posted = browser.post(action.group(1), data=data)
        assert posted.status_code == 303  # to the login page, which shows the refusal once
        return browser.get(posted.headers["location"]).status_code


@pytest.mark.parametrize(
    ("trusted", "statuses"),
    [("", [401] * PER_IP + [429]), ("127.0.0.1", [401] * (PER_IP + 1))],
    ids=["nobody-trusted", "loopback-proxy-trusted"],
)
def test_forwarded_addresses_count_only_from_trusted_proxies(
    env: Env, tmp_path: Path, trusted: str, statuses: list[int]
) -> None:
    with serving(_settings(env, tmp_path, trusted)) as base:
        seen = [_wrong_password(base, f"198.51.100.{i}") for i in range(PER_IP + 1)]
    assert seen == statuses


def test_nobody_is_trusted_by_default() -> None:
    options = uvicorn_options(IdPSettings())
    assert options["proxy_headers"] is False
    trusted = uvicorn_options(IdPSettings(forwarded_allow_ips="10.0.0.0/8, 127.0.0.1"))
    assert trusted["proxy_headers"] is True
    assert trusted["forwarded_allow_ips"] == "10.0.0.0/8, 127.0.0.1"
