"""The verified-secret memo through HTTP: a password that matched is answered from the memo at the next
login, but a locked-out password is verified in full at every attempt and refused with the wrong-password
answer even though the right one is in the memo; a client secret is verified in full once across token
requests, and a wrong one after it is still ``invalid_client``.

Full Argon2 verifications are counted by wrapping :func:`idp.population_db.credentials.verify_secret`.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from idp.login.login_form import BAD_CREDENTIALS
from idp.web.translations import message
from tests.argon2_calls import Counter
from tests.login.conftest import landed
from tests.login.providers import provider_on
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import shows_consent


@pytest.fixture
def fresh(env: Env, tmp_path: Path) -> Iterator[TestClient]:
    """A provider over its own new database, so that locking a PIN out touches no other test."""
    with provider_on(env, f"sqlite:///{tmp_path / 'db.sqlite3'}") as client:
        yield client


def _try(client: TestClient, password: str) -> Any:
    """One PIN/password submission on a new interaction's login form (``prompt=login``: the session
    of an earlier try does not skip it): the page shown after it (the form is answered with a 303 to
    the interaction's page)."""
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, prompt="login")
    page, html = first_page(client.get("/authorize", params=params))
    assert 'name="password"' in html, html
    data = {"username": PIN, "password": password, "csrf": csrf_of(html)}
    return landed(client, client.post(f"{page}/login", data=data), page)


def _strip(html: str) -> str:
    """The page without what differs between two requests (the interaction's id and CSRF token, and
    its QR code, which carries a new request each time)."""
    html = re.sub(r'<section class="qr-login".*?</section>', "", html, flags=re.S)
    return re.sub(r"/interaction/[\w-]+", "", html.replace(csrf_of(html), ""))


def test_a_remembered_password_is_not_verified_again(fresh: TestClient, argon2: Counter) -> None:
    assert shows_consent(_try(fresh, PASSWORD))
    assert argon2.calls == 1
    assert shows_consent(_try(fresh, PASSWORD))
    assert argon2.calls == 1


def test_a_locked_out_password_is_verified_in_full_and_refused_despite_the_memo(
    fresh: TestClient, argon2: Counter
) -> None:
    assert shows_consent(_try(fresh, PASSWORD))  # the right password is now in the memo
    wrong = []
    for attempt in range(1, 6):
        wrong.append(_try(fresh, "wrong"))
        assert argon2.calls == 1 + attempt  # every wrong password in full
    assert [response.status_code for response in wrong] == [401] * 5
    assert message("vi", BAD_CREDENTIALS) in wrong[0].text
    for attempt in range(1, 3):
        before = argon2.calls
        refused = _try(fresh, PASSWORD)
        assert argon2.calls == before + 1, f"locked attempt {attempt} skipped Argon2"
        assert refused.status_code == 401
        assert _strip(refused.text) == _strip(wrong[0].text)


def test_a_client_secret_is_verified_in_full_once(
    client: TestClient, env: Env, argon2: Counter
) -> None:
    data = {"grant_type": "client_credentials"}
    for _ in range(2):
        response = client.post("/token", data=data, auth=("svc", env.secrets["svc"]))
        assert response.status_code == 200, response.text
    assert argon2.calls == 1


def test_a_wrong_client_secret_after_the_right_one_is_refused(
    client: TestClient, env: Env, argon2: Counter
) -> None:
    data = {"grant_type": "client_credentials"}
    assert client.post("/token", data=data, auth=("svc", env.secrets["svc"])).status_code == 200
    for attempt in range(1, 3):
        refused = client.post("/token", data=data, auth=("svc", env.secrets["svc"] + "x"))
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        assert argon2.calls == 1 + attempt
    assert client.post("/token", data=data, auth=("svc", env.secrets["svc"])).status_code == 200
    assert argon2.calls == 3


def test_a_posted_client_secret_is_remembered_across_grants(
    client: TestClient, env: Env, argon2: Counter
) -> None:
    tokens = get_tokens(client, env, "post")  # the password and the client secret, once each
    assert argon2.calls == 2
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "post",
        "client_secret": env.secrets["post"],
    }
    assert client.post("/token", data=refresh).status_code == 200
    assert argon2.calls == 2
    wrong = {**refresh, "client_secret": "not-the-secret"}
    assert client.post("/token", data=wrong).json()["error"] == "invalid_client"
    assert argon2.calls == 3
