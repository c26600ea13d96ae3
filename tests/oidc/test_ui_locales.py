"""``ui_locales`` and ``display`` (OIDC Core §3.1.2.1) on the interaction's pages."""

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import follow
from tests.oidc.conftest import pkce


def _page(client: TestClient, **extra: str) -> tuple[str, str]:
    _, challenge = pkce()
    return first_page(
        client.get("/authorize", params=auth_params(code_challenge=challenge, **extra))
    )


def test_pages_are_vietnamese_by_default(client: TestClient) -> None:
    _, html = _page(client)
    assert '<html lang="vi">' in html
    assert "Mật khẩu" in html


def test_ui_locales_en_renders_login_and_consent_in_english(client: TestClient) -> None:
    page, html = _page(client, ui_locales="fr-CA en-GB vi")
    assert '<html lang="en">' in html
    assert ">Password</label>" in html
    assert "Mật khẩu" not in html
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    client.post(f"{page}/login", data=data)
    consent = client.get(page).text
    assert '<html lang="en">' in consent
    assert ">Approve</button>" in consent


def test_wrong_password_page_keeps_the_language(client: TestClient) -> None:
    page, html = _page(client, ui_locales="en")
    data = {"username": PIN, "password": "nope", "csrf": csrf_of(html)}
    shown = follow(client, client.post(f"{page}/login", data=data))
    assert shown.status_code == 401
    assert '<html lang="en">' in shown.text
    assert "Wrong personal identification number or password." in shown.text


@pytest.mark.parametrize(
    ("display", "shown"), [("popup", "popup"), ("touch", "touch"), ("hologram", "page")]
)
def test_display_is_accepted_and_unknown_values_ignored(
    client: TestClient, display: str, shown: str
) -> None:
    _, html = _page(client, display=display)
    assert f'<body class="display-{shown}">' in html
