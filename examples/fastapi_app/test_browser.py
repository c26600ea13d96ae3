"""A login through the provider's real pages, in Debian's Chromium driven by Playwright."""

from collections.abc import Iterator
from typing import Any

import pytest

from idp.testkit.mock import Client
from idp.testkit.mock import VneidMock

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page() -> Iterator[Any]:
    """A page of a headless Chromium (the system's, never a downloaded one)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_browser_login(vneid: VneidMock, client: Client, page: Any) -> None:
    tokens = vneid.browser_login(page, "level2-full", client=client, acr="LoA2")
    claims = tokens.id_token_claims
    assert claims["acr"] == "LoA2"
    assert claims["amr"]
    assert tokens.userinfo["sub"] == claims["sub"]
