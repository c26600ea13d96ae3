"""Every page of a login says who asks and why: the client's registered name and purpose, in the page's
language (``client_name#en``, ``purpose#en``: RFC 7591 §2.2), or the request's own ``purpose`` (OpenID
Connect for Identity Assurance 1.0 §8: 3 to 300 characters), on the login page and on each step-up
page."""

from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import client
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page
from tests.oidc.conftest import follow
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import pkce
from tests.page_reading import read

__all__ = ["client", "env", "forget_consents"]
TRANSFER = "Xác nhận chuyển 15.000.000 ₫ tới tài khoản 123456789"


def _passcode_page(client: TestClient, **extra: str) -> str:
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, acr_values="LoA3", **extra)
    page, html = first_page(client.get("/authorize", params=params))
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    shown = follow(client, client.post(f"{page}/login", data=data))
    assert 'name="passcode"' in shown.text
    return read(shown.text)[1]


def test_the_step_up_page_says_what_the_request_confirms(client: TestClient) -> None:
    text = _passcode_page(client, purpose=TRANSFER)
    assert TRANSFER in text
    assert "mức 3 (mã bảo vệ và khuôn mặt)" in text


def test_a_purpose_out_of_bounds_gives_way_to_the_clients_own(client: TestClient) -> None:
    text = _passcode_page(client, purpose="ab")
    assert "ab" not in text.split()
    assert "Ngân hàng <Thử nghiệm>" in text  # the client's registered name


def test_the_login_page_names_the_service_and_the_level(client: TestClient) -> None:
    _, challenge = pkce()
    params = auth_params("data", code_challenge=challenge, acr_values="LoA2", purpose=TRANSFER)
    _, html = first_page(client.get("/authorize", params=params))
    text = read(html)[1]
    assert "Ngân hàng <Thử nghiệm>" in text
    assert "mức 2 (mật khẩu và mã OTP)" in text
    assert TRANSFER in text
