"""The bank end to end: eKYC at LoA3 with private_key_jwt and an encrypted ID token, the account, small
and large transfers (a fresh LoA3 authentication above 10,000,000 VND), a level-1 citizen refused."""

import re
import sqlite3

import pytest

from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.conftest import steps_of
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PIN


@pytest.fixture(autouse=True)
def no_accounts(stack: Stack) -> None:
    """Accounts are one per citizen: every test starts with none."""
    with sqlite3.connect(stack.tmp / "bank.sqlite3") as db:
        db.execute("DELETE FROM bank_transfer")
        db.execute("DELETE FROM bank_account")


def _open_account(stack: Stack, browser: Browser) -> str:
    bank = stack.urls["bank"]
    form = browser.get(f"{bank}/open")
    assert form.status_code == 200, form.text
    assert PIN in form.text
    assert "+849" in form.text
    opened = browser.post(f"{bank}/open", {"csrf": browser.csrf("bank"), "terms": "accept"})
    assert str(opened.url) == f"{bank}/account"
    return opened.text


def test_ekyc_opens_an_account(stack: Stack, browser: Browser) -> None:
    page = _open_account(stack, browser)
    assert "50.000.000 ₫" in page
    assert re.search(r"9704\d{8}", page)
    assert "/portraits/" in page
    flow = browser.inspector("bank")[-1]
    assert steps_of(flow) == [
        "authorization_request",
        "callback",
        "token_response",
        "id_token",
        "userinfo",
    ]
    token_step = flow["steps"][2]["data"]  # type: ignore[index]
    assert token_step["auth_method"] == "private_key_jwt"
    id_token = flow["steps"][3]["data"]  # type: ignore[index]
    assert id_token["jwe_header"]["alg"] == "RSA-OAEP-256"
    assert id_token["jwe_header"]["enc"] == "A256GCM"
    assert id_token["signature"].startswith("valid")
    assert id_token["claims"]["acr"] == "LoA3"


def test_transfer_above_threshold_asks_again(stack: Stack, browser: Browser) -> None:
    bank = stack.urls["bank"]
    _open_account(stack, browser)
    small = browser.post(
        f"{bank}/transfer",
        {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "2000000"},
    )
    assert "48.000.000 ₫" in small.text
    before = len(browser.visited)
    large = browser.post(
        f"{bank}/transfer",
        {"csrf": browser.csrf("bank"), "to_account": "123456789", "amount": "15000000"},
    )
    walked = browser.visited[before:]
    assert any("max_age=0" in url for url in walked)
    # max_age=0: the password again, then every factor of LoA3.
    assert any("/interaction/" in url and url.endswith("/login") for url in walked)
    assert any("/interaction/" in url and url.endswith("/face") for url in walked)
    assert str(large.url) == f"{bank}/account"
    assert "33.000.000 ₫" in large.text
    flow = browser.inspector("bank")[-1]
    params = flow["steps"][0]["data"]["parameters"]  # type: ignore[index]
    assert params["max_age"] == "0"


def test_level1_citizen_is_refused_clearly(stack: Stack, browser: Browser) -> None:
    page = browser.get(f"{stack.urls['bank']}/open", pin=LEVEL1_PIN)
    assert page.status_code == 400
    assert "unmet_authentication_requirements" in page.text
    assert "mức 2" in page.text
