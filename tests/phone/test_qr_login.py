"""QR login with the simulated phone app: the login page's QR code, scanned on ``/phone`` (another
browser: its own cookies), approved with the passcode and the face, finishes the desktop's login at
LoA4; refusal, a level-1 account, an expired or already scanned code, a wrong passcode."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.conftest import redeem

LEVEL2 = "001088999001"
LEVEL1 = "079195999004"
NO_ACCOUNT = "048079999005"


def _login_page(client: TestClient, **extra: str) -> tuple[str, str, str]:
    """The desktop's login page: its path, its HTML, the PKCE verifier."""
    verifier, challenge = pkce()
    params = auth_params(code_challenge=challenge, **extra)
    page, html = first_page(client.get("/authorize", params=params))
    return page, html, verifier


def _qr_link(html: str) -> str:
    found = re.search(r'id="qr-link" value="([^"]+)"', html)
    assert found is not None, html
    return found.group(1).replace("&amp;", "&")


def _phone(client: TestClient, pin: str) -> TestClient:
    """Another browser on the same provider, with the app opened as ``pin``."""
    phone = TestClient(client.app, follow_redirects=False)
    home = phone.get("/phone")
    assert home.status_code == 200
    opened = phone.post("/phone/open", data={"csrf": csrf_of(home.text), "who": pin})
    assert opened.status_code == 303, opened.text
    return phone


def _scan(phone: TestClient, link: str) -> Any:
    path = link.removeprefix("http://testserver")
    return phone.get(path)


def _decide(phone: TestClient, request_path: str, **fields: Any) -> Any:
    screen = phone.get(request_path)
    assert screen.status_code == 200, screen.text
    ticked = re.findall(r'name="scope" value="([^"]+)"', screen.text)
    data: dict[str, Any] = {"csrf": csrf_of(screen.text), "decision": "approve"}
    data |= {"passcode": PASSCODE, "face": "match", "scope": ticked, **fields}
    return _shown(phone, phone.post(request_path, data=data))


def _shown(phone: TestClient, answered: Any) -> Any:
    """The phone's screen after a form: every answer is a 303 (Post/Redirect/Get), followed."""
    assert answered.status_code == 303, answered.text
    return phone.get(answered.headers["location"])


def _answered(client: TestClient, page: str) -> dict[str, str]:
    """The desktop page, once the phone finished its login: the client's redirect."""
    assert client.get(f"{page}/progress").json() == {"finished": True, "gone": False}
    answer = client.get(page)
    assert answer.status_code in (302, 303), answer.text
    return query_of(answer.headers["location"])


def test_a_loa4_request_shows_only_the_qr_code_and_the_phone_logs_in_at_loa4(
    client: TestClient, env: Env
) -> None:
    page, html, verifier = _login_page(client, acr_values="LoA4")
    assert 'name="password"' not in html
    image = client.get(f"{page}/qr.svg")  # the code, drawn for the browser that shows the page
    assert image.headers["content-type"] == "image/svg+xml"
    assert image.text.startswith("<svg")
    assert client.get(f"{page}/progress").json() == {"finished": False, "gone": False}
    phone = _phone(client, LEVEL2)
    scanned = _scan(phone, _qr_link(html))
    assert scanned.status_code == 303
    outcome = _decide(phone, scanned.headers["location"])
    assert outcome.status_code == 200
    assert "Đã xác nhận" in outcome.text
    params = _answered(client, page)
    location = f"https://rp.example/cb?code={params['code']}"
    claims = redeem(client, env, location, verifier)
    assert claims["acr"] == "LoA4"
    assert claims["amr"] == ["face", "hwk", "mfa", "pin"]


def test_the_qr_code_on_an_ordinary_login_page_logs_in_too_and_untick_narrows_the_scope(
    client: TestClient, env: Env
) -> None:
    page, html, verifier = _login_page(client, scope="openid profile phone")
    assert 'name="password"' in html
    assert 'src="/interaction/' in html
    phone = _phone(client, LEVEL2)
    request_path = _scan(phone, _qr_link(html)).headers["location"]
    screen = phone.get(request_path)
    data = {"csrf": csrf_of(screen.text), "decision": "approve", "passcode": PASSCODE}
    outcome = _shown(
        phone, phone.post(request_path, data={**data, "face": "match", "scope": ["profile"]})
    )
    assert outcome.status_code == 200
    params = _answered(client, page)
    response = client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": "https://rp.example/cb",
            "code_verifier": verifier,
        },
        auth=("rp", env.secrets["rp"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"].split() == ["openid", "profile"]


def test_refusing_on_the_phone_answers_access_denied(client: TestClient) -> None:
    page, html, _ = _login_page(client)
    phone = _phone(client, LEVEL2)
    request_path = _scan(phone, _qr_link(html)).headers["location"]
    assert _decide(phone, request_path, decision="refuse").status_code == 200
    assert _answered(client, page)["error"] == "access_denied"


def test_a_level1_account_approving_loa4_is_unmet(client: TestClient) -> None:
    page, html, _ = _login_page(client, acr_values="LoA4")
    phone = _phone(client, LEVEL1)
    request_path = _scan(phone, _qr_link(html)).headers["location"]
    _decide(phone, request_path)
    assert _answered(client, page)["error"] == "unmet_authentication_requirements"


def test_a_citizen_without_an_account_gets_no_app(client: TestClient) -> None:
    phone = TestClient(client.app, follow_redirects=False)
    home = phone.get("/phone")
    refused = phone.post("/phone/open", data={"csrf": csrf_of(home.text), "who": NO_ACCOUNT})
    assert refused.status_code == 403


def test_a_qr_code_is_single_use_and_short_lived(client: TestClient) -> None:
    _, html, _ = _login_page(client)
    link = _qr_link(html)
    assert _scan(_phone(client, LEVEL2), link).status_code == 303
    second = _scan(_phone(client, "031190999002"), link)  # another citizen's phone, too late
    assert second.status_code == 400
    _page, html, _ = _login_page(client)
    clock = clock_of(client)
    clock.advance(121)
    try:
        assert _scan(_phone(client, LEVEL2), _qr_link(html)).status_code == 400
    finally:
        clock.reset()


@pytest.mark.parametrize(
    ("field", "value", "status"), [("passcode", "000000", 401), ("face", "no_match", 401)]
)
def test_a_wrong_passcode_or_face_leaves_the_request_waiting(
    client: TestClient, field: str, value: str, status: int
) -> None:
    page, html, _ = _login_page(client)
    phone = _phone(client, LEVEL2)
    request_path = _scan(phone, _qr_link(html)).headers["location"]
    assert _decide(phone, request_path, **{field: value}).status_code == status
    assert client.get(f"{page}/progress").json()["finished"] is False
    assert _decide(phone, request_path).status_code == 200
    assert "code" in _answered(client, page)


def test_the_qr_image_is_only_for_its_browser_and_its_code_is_scannable(client: TestClient) -> None:
    page, html, _ = _login_page(client)
    other = TestClient(client.app, follow_redirects=False)
    assert other.get(f"{page}/qr.svg").status_code == 404  # another browser: no binding cookie
    image = client.get(f"{page}/qr.svg").text
    assert image.count("<path") >= 1
    assert _qr_link(html).startswith("http://testserver/phone/scan?r=")
    phone = _phone(client, LEVEL2)
    # the code is listed for the phone's scan screen once its image was drawn
    listed = phone.get("/phone/scan").text
    assert _qr_link(html).removeprefix("http://testserver").replace("&", "&amp;") in listed
