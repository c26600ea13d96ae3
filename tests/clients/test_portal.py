"""The portal end to end: single sign-on at LoA2 (client_secret_basic, dvcqg profile), the judicial-record
request stepping up to a level-2 identity at LoA3, pre-filled, kept in the portal's database."""

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.oidc.conftest import PIN


def test_sign_in_at_loa2_with_the_dvcqg_profile(stack: Stack, browser: Browser) -> None:
    page = browser.get(f"{stack.urls['portal']}/login")
    assert page.status_code == 200, page.text
    assert str(page.url) == f"{stack.urls['portal']}/"
    assert f"SoDinhDanh {PIN}" in page.text
    assert "LoA2" in page.text
