"""The Device Authorization Grant (RFC 8628) through the HTTP API: the device's request, its polls
(``authorization_pending``, ``slow_down``, ``expired_token``, ``access_denied``), the citizen's way
through the verification page, the tokens (as for an authorization code), and the endpoint's errors,
fuzzed too. The provider's clock is frozen (:func:`tests.oidc.device_flows.device_client`): a poll is
on time only once the test moves it on."""

from urllib.parse import urlencode

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from idp.oidc.accounts import subject_for
from idp.oidc.device_flow import DEVICE_CODE_GRANT
from idp.oidc.device_flow import USER_CODE_ALPHABET
from idp.oidc.device_flow import find_by_user_code
from idp.oidc.device_flow import normalised
from idp.oidc.server import AuthorizationServer
from tests.fuzz_strategies import assert_api_answer
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import values
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import client
from tests.oidc.conftest import clock_of
from tests.oidc.conftest import complete
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import interaction_of
from tests.oidc.device_flows import CONFIDENTIAL
from tests.oidc.device_flows import OTHER
from tests.oidc.device_flows import approve
from tests.oidc.device_flows import authorize_device
from tests.oidc.device_flows import claims_of
from tests.oidc.device_flows import confirm
from tests.oidc.device_flows import device_client
from tests.oidc.device_flows import poll
from tests.oidc.device_flows import started

__all__ = ["client", "device_client", "env", "forget_consents"]


def _error(response: object, status: int = 400) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]
    error: str = response.json()["error"]  # type: ignore[attr-defined]
    return error


def _server(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def test_the_device_authorization_answers_as_rfc_8628_says(device_client: TestClient) -> None:
    response = authorize_device(device_client)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    code = body["user_code"]
    assert len(code) == 9
    assert code[4] == "-"
    assert set(code.replace("-", "")) <= set(USER_CODE_ALPHABET)
    assert body["verification_uri"] == f"{ISSUER}/device"
    complete_uri = f"{ISSUER}/device?{urlencode({'user_code': code})}"
    assert body["verification_uri_complete"] == complete_uri
    assert (body["expires_in"], body["interval"]) == (600, 5)
    assert len(body["device_code"]) >= 43


def test_a_whole_flow_ends_with_tokens(device_client: TestClient, env: Env) -> None:
    body = started(device_client, acr_values="LoA2")
    assert _error(poll(device_client, body["device_code"])) == "authorization_pending"
    final = approve(device_client, body["user_code"])
    assert final.status_code == 200
    assert "/device" not in final.headers.get("location", "")
    assert "quay lại thiết bị" in final.text  # the "return to your device" page, no redirect
    clock_of(device_client).advance(5)
    response = poll(device_client, body["device_code"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["scope"] == "openid profile"
    assert "refresh_token" not in tokens  # the client has no refresh_token grant
    claims = claims_of(tokens["id_token"])
    assert claims["acr"] == "LoA2"
    assert claims["aud"] in (["tv"], "tv")
    secret = env.settings.subject_secret.get_secret_value()
    assert claims["sub"] == subject_for(PIN, secret, None)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    userinfo = device_client.get("/userinfo", headers=auth)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == claims["sub"]
    assert "name" in userinfo.json()


def test_the_device_code_is_used_once(device_client: TestClient) -> None:
    body = started(device_client)
    approve(device_client, body["user_code"])
    assert poll(device_client, body["device_code"]).status_code == 200
    clock_of(device_client).advance(5)
    assert _error(poll(device_client, body["device_code"])) == "invalid_grant"


def test_polling_too_fast_slows_the_device_down_by_5_seconds(device_client: TestClient) -> None:
    body, clock = started(device_client), clock_of(device_client)
    assert _error(poll(device_client, body["device_code"])) == "authorization_pending"
    assert _error(poll(device_client, body["device_code"])) == "slow_down"  # the interval is 10 s
    clock.advance(9)
    assert _error(poll(device_client, body["device_code"])) == "slow_down"  # now 15 s
    clock.advance(15)
    assert _error(poll(device_client, body["device_code"])) == "authorization_pending"


def test_an_expired_device_code_is_expired_token(device_client: TestClient) -> None:
    body = started(device_client)
    clock_of(device_client).advance(600)
    assert _error(poll(device_client, body["device_code"])) == "expired_token"


def test_a_refusal_at_consent_is_access_denied(device_client: TestClient) -> None:
    body = started(device_client)
    bound = confirm(device_client, body["user_code"])
    page = complete(device_client, bound, consent=False)
    uid = interaction_of(page.text)
    assert uid is not None
    assert 'name="decision"' in page.text
    refused = device_client.post(f"{uid}/consent", data=consent_form(page.text, "deny"))
    assert refused.status_code == 200
    assert "từ chối" in refused.text
    assert _error(poll(device_client, body["device_code"])) == "access_denied"


def test_not_my_device_at_the_confirmation_is_access_denied(device_client: TestClient) -> None:
    body = started(device_client)
    refused = confirm(device_client, body["user_code"], decision="deny")
    assert refused.status_code == 200
    assert "từ chối" in refused.text
    assert _error(poll(device_client, body["device_code"])) == "access_denied"
    assert find_by_user_code(_server(device_client), body["user_code"]) is None


def test_another_clients_device_code_is_invalid_grant(device_client: TestClient) -> None:
    body = started(device_client)
    approve(device_client, body["user_code"])
    assert _error(poll(device_client, body["device_code"], OTHER)) == "invalid_grant"
    assert poll(device_client, body["device_code"]).status_code == 200  # left to its own client


def test_a_client_without_the_grant_type_is_unauthorized_client(
    device_client: TestClient, env: Env
) -> None:
    response = authorize_device(device_client, "rp", env.secrets["rp"])
    assert _error(response) == "unauthorized_client"
    data = {"grant_type": DEVICE_CODE_GRANT, "device_code": "x" * 40}
    response = device_client.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    assert _error(response) == "unauthorized_client"


def test_the_endpoint_refuses_bad_clients_and_scopes(device_client: TestClient, env: Env) -> None:
    # 401 only when the client authenticated with the Authorization header (RFC 6749 §5.2)
    assert _error(authorize_device(device_client, "nobody")) == "invalid_client"
    wrong = authorize_device(device_client, CONFIDENTIAL, "wrong secret")
    assert _error(wrong, 401) == "invalid_client"
    assert _error(authorize_device(device_client, scope="openid eid_card")) == "invalid_scope"
    repeated = device_client.post(
        "/device_authorization", content="client_id=tv&scope=openid&scope=openid"
    )
    assert _error(repeated) == "invalid_request"


def test_a_confidential_client_gets_a_refresh_token(device_client: TestClient, env: Env) -> None:
    secret = env.secrets[CONFIDENTIAL]
    response = authorize_device(device_client, CONFIDENTIAL, secret, scope="openid")
    body = response.json()
    approve(device_client, body["user_code"])
    tokens = poll(device_client, body["device_code"], CONFIDENTIAL, secret).json()
    assert tokens["scope"] == "openid"
    assert "refresh_token" in tokens
    public_poll = poll(device_client, body["device_code"], CONFIDENTIAL)  # no secret: refused
    assert _error(public_poll, 401) == "invalid_client"


def test_a_partial_consent_narrows_the_tokens_scope(device_client: TestClient) -> None:
    body = started(device_client)
    approve(device_client, body["user_code"], untick=("profile",))
    tokens = poll(device_client, body["device_code"]).json()
    assert tokens["scope"] == "openid"


def test_a_browser_with_a_session_and_a_remembered_consent_goes_straight_through(
    device_client: TestClient,
) -> None:
    first = started(device_client)
    approve(device_client, first["user_code"])
    assert poll(device_client, first["device_code"]).status_code == 200
    second = started(device_client)
    bound = confirm(device_client, second["user_code"])
    done = device_client.get(bound.headers["location"])  # no password, no consent page
    assert done.status_code == 200
    assert "quay lại thiết bị" in done.text, done.text
    clock_of(device_client).advance(5)
    assert poll(device_client, second["device_code"]).status_code == 200


def test_the_user_code_is_found_whatever_its_case_and_dash(device_client: TestClient) -> None:
    body, server = started(device_client), _server(device_client)
    code = body["user_code"]
    for typed in (code, code.lower(), code.replace("-", ""), f" {code[:4]} {code[5:]} "):
        found = find_by_user_code(server, typed)
        assert found is not None, typed
        assert found.client_id == "tv"
    assert normalised("AAAA-AAAA") is None  # vowels are not in the alphabet
    assert find_by_user_code(server, "BCDF-GHJK") is None or code == "BCDF-GHJK"


@given(data=st.data())
@fuzz_settings(60)
def test_the_endpoint_never_answers_a_server_error(
    device_client: TestClient, env: Env, data: st.DataObject
) -> None:
    valid = {"client_id": "tv", "scope": "openid profile", "acr_values": "LoA2"}
    extra = {
        "client_secret": values(env.secrets[CONFIDENTIAL]),
        "client_id": values(CONFIDENTIAL, "rp", OTHER),
        "ui_locales": values("en", "vi"),
    }
    items = data.draw(mutated(valid, extra), label="form")
    response = device_client.post(
        "/device_authorization",
        content=urlencode(items),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_api_answer(response)


@given(data=st.data())
@fuzz_settings(40)
def test_polling_never_answers_a_server_error(
    device_client: TestClient, data: st.DataObject
) -> None:
    body = started(device_client)
    valid = {"grant_type": DEVICE_CODE_GRANT, "device_code": body["device_code"], "client_id": "tv"}
    items = data.draw(mutated(valid, {"client_id": values(OTHER, CONFIDENTIAL)}), label="form")
    response = device_client.post(
        "/token",
        content=urlencode(items),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_api_answer(response)
