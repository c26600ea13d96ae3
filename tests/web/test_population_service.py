"""The population service's HTTP layer, ``POST /api/population/births`` and ``/deaths``: a body that is
not JSON, not an object or too large is refused with a JSON error, never a 500; malformed bodies
(fuzzed) never make a 500 or a record; the routes are documented; and the citizens concerned see the
registration on their account page, in Vietnamese and English."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import text

from idp.oidc.server import AuthorizationServer
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.citizen.population_calls import BIRTHS
from tests.citizen.population_calls import CONTROL
from tests.citizen.population_calls import DEATHS
from tests.citizen.population_calls import FATHER
from tests.citizen.population_calls import MOTHER
from tests.citizen.population_calls import birth
from tests.citizen.population_calls import citizen_token
from tests.citizen.population_calls import post
from tests.citizen.population_calls import provider_at
from tests.citizen.population_calls import service_token
from tests.fuzz_strategies import assert_json_error
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.page_reading import english_words
from tests.page_reading import problems
from tests.page_reading import read

ENGLISH = english_words(Path("idp/web/messages"))


@pytest.fixture(scope="module")
def sqlite_settings(tmp_path_factory: pytest.TempPathFactory) -> IdPSettings:
    root = tmp_path_factory.mktemp("population-web")
    return provider_at(root, f"sqlite:///{root / 'p.sqlite3'}")


@pytest.fixture
def provider(sqlite_settings: IdPSettings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings), follow_redirects=False) as client:
        yield client
        assert client.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204


def citizens(client: TestClient) -> int:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    with server.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM citizen")).scalar_one())


@pytest.mark.parametrize("path", [BIRTHS, DEATHS])
def test_a_body_that_is_not_a_json_object_is_refused(provider: TestClient, path: str) -> None:
    token = service_token(provider)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in (b"{", b"[]", b"null", b"\xff\xfe", b"[" * 5000, b""):
        response = provider.post(path, content=body, headers=headers)
        assert response.status_code == 400, (body[:10], response.text)
        assert_json_error(response)
    too_large = provider.post(path, content=b" " * 20_000, headers=headers)
    assert too_large.status_code == 413


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def test_malformed_bodies_never_fail_nor_write(provider: TestClient) -> None:
    token, father = service_token(provider), citizen_token(provider, FATHER)
    before = citizens(provider)

    @given(
        child=_JSON | st.fixed_dictionaries({"given_name": _JSON, "birth_date": _JSON}),
        other=_JSON,
        request_id=_JSON,
    )
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(child: Any, other: Any, request_id: Any) -> None:
        body = birth(father, child=child, other_parent_pin=other, request_id=request_id)
        response = post(provider, BIRTHS, token, body)
        assert response.status_code in (400, 409), response.text
        assert_json_error(response)
        died = {"request_id": request_id, "declarant_token": father, "deceased_pin": other,
                "died_on": child}  # fmt: skip
        refused = post(provider, DEATHS, token, died)
        assert refused.status_code in (400, 409), refused.text
        assert_json_error(refused)

    check()
    assert citizens(provider) == before


def test_the_routes_are_documented(provider: TestClient) -> None:
    paths = provider.get("/openapi.json").json()["paths"]
    for path in (BIRTHS, DEATHS):
        operation = paths[path]["post"]
        assert "application/json" in operation["requestBody"]["content"]
        assert {"201", "200", "400", "401", "403", "409"} <= set(operation["responses"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_parents_see_the_registration(provider: TestClient, lang: str) -> None:
    token, father = service_token(provider), citizen_token(provider, FATHER)
    answer = post(provider, BIRTHS, token, birth(father))
    assert answer.status_code == 201, answer.text
    pin = answer.json()["child"]["pin"]
    page, html = first_page(provider.get("/account", params={"lang": lang}))
    login = {"username": MOTHER, "password": PASSWORD, "csrf": csrf_of(html)}
    response = provider.post(f"{page}/login", data=login)
    assert response.status_code == 303
    account = provider.get(response.headers["location"]).text
    assert problems(account, lang, ENGLISH) == []
    words = read(account)[1]
    if lang == "vi":
        assert "Đăng ký hộ tịch" in words
        assert f"Con của bạn, số định danh cá nhân {pin}, đã được đăng ký khai sinh" in words
    else:
        assert "Civil-status registrations" in words
        assert (
            f"The birth of your child, personal identification number {pin}, was registered"
            in words
        )
