"""The identity provider app: built from settings, serving its health endpoint."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.oidc.conftest import Env
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page

__all__ = ["env"]  # the provider's settings fixture


def test_health_of_an_empty_database(tmp_path: Path) -> None:
    settings = IdPSettings(database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}", keys_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "issuer": settings.issuer, "population": None}


def test_health_counts_the_population(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    seed_population(connect(url), count=20, seed=1, password="p", passcode="1")
    with TestClient(create_app(IdPSettings(database_url=url, keys_dir=tmp_path))) as client:
        assert client.get("/healthz").json()["population"] == 29


def test_an_unseeded_database_answers_503_not_a_stack_trace(tmp_path: Path) -> None:
    settings = IdPSettings(
        database_url=f"sqlite:///{tmp_path / 'e.sqlite3'}",
        keys_dir=tmp_path,
        issuer="http://testserver",
    )
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.get("/userinfo", headers={"Authorization": "Bearer x"})
        assert response.status_code == 401  # no database needed to refuse a bad token
        page = client.get(
            "/authorize",
            params={
                "response_type": "code",
                "client_id": "portal",
                "redirect_uri": "http://127.0.0.1:8001/callback",
                "scope": "openid",
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
            },
        )
        path, html = first_page(page)
        uid = path.rsplit("/", 1)[1]
        csrf = csrf_of(html)
        form = {"username": "001088999001", "password": "Vneid@2025", "csrf": csrf}
        response = client.post(f"/interaction/{uid}/login", data=form)
    assert response.status_code == 503  # a page: the error page
    assert response.headers["content-type"].startswith("text/html")
    assert "temporarily_unavailable" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/account/"), ("POST", "/token/"), ("GET", "/jwks/")]
)
def test_a_trailing_slash_is_not_redirected_to_the_host_header(
    env: Env, method: str, path: str
) -> None:
    with TestClient(create_app(env.settings), follow_redirects=False) as client:
        response = client.request(method, path, headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "location" not in response.headers
