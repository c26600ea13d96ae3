"""Login CSRF: an interaction is bound to the browser that started it (a path-scoped HttpOnly cookie), so
an attacker cannot have a victim's browser complete the attacker's interaction."""

from fastapi.testclient import TestClient

from idp.login.progress import BINDING_COOKIE
from idp.web.app import create_app
from tests.login.conftest import landed
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import shows_consent


def _start(client: TestClient) -> tuple[str, str]:
    """An interaction started by ``client``: its page and its CSRF token."""
    _, challenge = pkce()
    response = client.get("/authorize", params=auth_params(code_challenge=challenge))
    page, html = first_page(response)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{BINDING_COOKIE}=")
    assert f"Path={page}" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    return page, csrf_of(html)


def test_another_browser_cannot_use_the_interaction(client: TestClient, env: Env) -> None:
    page, csrf = _start(client)  # the attacker's browser
    form = {"username": PIN, "password": PASSWORD, "csrf": csrf}
    with TestClient(create_app(env.settings), follow_redirects=False) as victim:
        assert victim.get(page).status_code == 400
        response = victim.post(f"{page}/login", data=form)
        assert response.status_code == 400
        assert env.settings.session_cookie not in response.cookies
        victim.cookies.set(BINDING_COOKIE, "forged", path=page)
        assert victim.post(f"{page}/login", data=form).status_code == 400
    # the browser that started it still can
    assert shows_consent(landed(client, client.post(f"{page}/login", data=form), page))


def test_two_interactions_in_two_tabs_of_one_browser(client: TestClient) -> None:
    first = client.get("/authorize", params=auth_params(code_challenge=pkce()[1]))
    second = client.get("/authorize", params=auth_params(code_challenge=pkce()[1]))
    for response in (first, second):
        final = complete(client, response)
        assert final.status_code in (302, 303)  # after the consent form, then remembered consent
        assert "code" in query_of(final.headers["location"])


def test_the_authorization_request_is_answered_with_the_login_page_itself(
    client: TestClient,
) -> None:
    response = client.get("/authorize", params=auth_params(code_challenge=pkce()[1]))
    page, html = first_page(response)  # no redirect to the interaction
    assert 'name="password"' in html
    assert f'action="{page}/login"' in html
    assert response.headers["cache-control"] == "no-store"  # it carries the CSRF token
    shown = client.get(page)  # the interaction's own URL shows the same step
    assert 'name="password"' in shown.text
    assert shown.headers["cache-control"] == "no-store"
