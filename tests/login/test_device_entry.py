"""The device flow's verification page (RFC 8628 §3.3, :mod:`idp.login.device_entry`): the code form,
its wrong-code message and rate limit (§5.1), the confirmation that shows the code and who asks
(§5.4), the double-submit token, the single claim of a code and the browser binding it gives."""

from fastapi.testclient import TestClient

from idp.oidc.device_flow import find_by_user_code
from idp.oidc.server import AuthorizationServer
from tests.login.conftest import client
from tests.login.conftest import env
from tests.login.conftest import forget_consents
from tests.oidc.conftest import Env
from tests.oidc.conftest import clock_of
from tests.oidc.device_flows import confirm
from tests.oidc.device_flows import device_client
from tests.oidc.device_flows import started
from tests.oidc.device_flows import token_of

__all__ = ["client", "device_client", "env", "forget_consents"]


def _server(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def test_the_form_asks_for_the_code(device_client: TestClient) -> None:
    page = device_client.get("/device")
    assert page.status_code == 200
    assert 'name="user_code"' in page.text
    assert 'action="/device"' in page.text


def test_a_wrong_code_answers_the_form_again(device_client: TestClient) -> None:
    page = device_client.post("/device", data={"user_code": "BCDF-GHJK"})
    assert page.status_code == 400
    assert 'role="alert"' in page.text
    assert 'value="BCDF-GHJK"' in page.text  # what was typed, shown again
    garbage = device_client.post("/device", data={"user_code": "<script>"})
    assert garbage.status_code == 400
    assert "<script>" not in garbage.text


def test_a_right_code_typed_any_way_goes_to_its_confirmation(device_client: TestClient) -> None:
    code = started(device_client)["user_code"]
    typed = code.lower().replace("-", "")
    found = device_client.post("/device", data={"user_code": typed})
    assert found.status_code == 303
    assert found.headers["location"] == f"/device?user_code={code}"
    page = device_client.get(found.headers["location"])
    assert page.status_code == 200
    assert code in page.text
    assert "Ti vi phòng khách" in page.text  # who asks (§5.4)
    assert 'value="confirm"' in page.text
    english = device_client.get("/device", params={"user_code": code, "lang": "en"})
    assert "Living-room TV" in english.text


def test_confirming_binds_the_browser_and_the_code_is_gone(device_client: TestClient) -> None:
    code = started(device_client)["user_code"]
    bound = confirm(device_client, code)
    assert bound.status_code == 303
    page = bound.headers["location"]
    assert page.startswith("/interaction/")
    assert "vneid_interaction=" in bound.headers["set-cookie"]
    assert 'name="password"' in device_client.get(page).text
    assert find_by_user_code(_server(device_client), code) is None  # claimed once
    again = device_client.get("/device", params={"user_code": code})
    assert again.status_code == 400


def test_another_browser_cannot_resume_the_bound_interaction(
    device_client: TestClient, env: Env
) -> None:
    bound = confirm(device_client, started(device_client)["user_code"])
    other = TestClient(device_client.app, follow_redirects=False)
    assert other.get(bound.headers["location"]).status_code == 400  # the expired page


def test_the_confirmation_needs_the_browsers_own_token(device_client: TestClient) -> None:
    """Another site cannot post the confirmation from the citizen's browser (no cookie with it)."""
    code = started(device_client)["user_code"]
    page = device_client.get("/device", params={"user_code": code})
    token = token_of(device_client, page.text)
    device_client.cookies.clear()
    data = {"user_code": code, "token": token, "decision": "confirm"}
    forged = device_client.post("/device/confirm", data=data)
    assert forged.status_code == 400
    assert find_by_user_code(_server(device_client), code) is not None  # still unclaimed


def test_wrong_codes_are_rate_limited_per_address(device_client: TestClient) -> None:
    code = started(device_client)["user_code"]
    clock = clock_of(device_client)
    clock.set((int(clock.now()) // 60 + 1) * 60)  # the start of a window
    for _ in range(5):
        assert device_client.post("/device", data={"user_code": "BCDF-GHJK"}).status_code == 400
    limited = device_client.post("/device", data={"user_code": code})  # even the right code
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"
    assert device_client.get("/device", params={"user_code": code}).status_code == 429
    clock.advance(60)
    assert device_client.post("/device", data={"user_code": code}).status_code == 303
