"""OpenID Connect CIBA Core 1.0 (idp.oidc.ciba): ``POST /bc-authorize``, the ``auth_req_id`` polled at
the token endpoint, the phone's signed approval (idp.phone.approvals) and the ping to the client.

Each provider here runs on a frozen clock (the polling interval and the expiry are the provider's
clock's) with the CIBA clients of :func:`ciba_env`, over the oidc tests' population."""

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer
from pathlib import Path
from typing import Any
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pydantic import SecretStr
from typer.testing import CliRunner

from idp.cli import app as cli
from idp.oidc.ciba import notify
from idp.oidc.ciba_metadata import GRANT_TYPE
from idp.oidc.client_metadata import check_file_entry
from idp.oidc.clients import add_client
from idp.oidc.clients import load_clients
from idp.oidc.decoupled import PolledRequests
from idp.oidc.server import AuthorizationServer
from idp.phone.approvals import Answered
from idp.phone.approvals import answer
from idp.phone.approvals import sign_answer
from idp.phone.devices import NotActivated
from idp.phone.devices import simulated_key
from idp.settings import IdPSettings
from idp.state import phone_requests
from idp.state.clock import Clock
from idp.state.device_keys import unbind_all
from idp.testkit.launch import free_port
from idp.web.app import create_app
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env

AT = 1_900_000_000
UNKNOWN_PIN = "099099999999"
DECEASED_PIN = "036140999008"
SCOPE = "openid profile"


@dataclass
class Ciba:
    settings: IdPSettings
    secrets: dict[str, str]
    ping_port: int


@pytest.fixture(scope="module")
def ciba_env(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Ciba:
    """The oidc tests' provider with a clients file of CIBA clients (poll, ping, secret post, a
    public one) and one that is not."""
    path: Path = tmp_path_factory.mktemp("ciba") / "clients.json"
    port = free_port()
    poll = {"grant_types": [GRANT_TYPE], "backchannel_token_delivery_mode": "poll", "scope": SCOPE}
    found = {
        "poll": add_client(path, "poll", poll),
        "other": add_client(path, "other", poll),
        "post": add_client(
            path, "post", {**poll, "token_endpoint_auth_method": "client_secret_post"}
        ),
        "ping": add_client(
            path,
            "ping",
            {
                **poll,
                "backchannel_token_delivery_mode": "ping",
                "backchannel_client_notification_endpoint": f"http://127.0.0.1:{port}/ping",
            },
        ),
        "plain": add_client(path, "plain", {"redirect_uris": [REDIRECT], "scope": SCOPE}),
    }
    add_client(path, "public", {**poll, "token_endpoint_auth_method": "none"})
    settings = env.settings.model_copy(update={"clients_file": path})
    return Ciba(settings, {k: v for k, v in found.items() if v}, port)


@pytest.fixture
def clock() -> Clock:
    frozen = Clock()
    frozen.freeze(AT)
    return frozen


@pytest.fixture
def client(ciba_env: Ciba, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(ciba_env.settings, clock=clock), follow_redirects=False) as test:
        yield test


def server_of(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def bc_authorize(client: TestClient, ciba_env: Ciba, client_id: str = "poll", **params: str) -> Any:
    data = {"scope": SCOPE, "login_hint": PIN, **params}
    return client.post("/bc-authorize", data=data, auth=(client_id, ciba_env.secrets[client_id]))


def poll(client: TestClient, ciba_env: Ciba, auth_req_id: str, client_id: str = "poll") -> Any:
    data = {"grant_type": GRANT_TYPE, "auth_req_id": auth_req_id}
    return client.post("/token", data=data, auth=(client_id, ciba_env.secrets[client_id]))


def started(client: TestClient, ciba_env: Ciba, client_id: str = "poll", **params: str) -> str:
    response = bc_authorize(client, ciba_env, client_id, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interval"] == 5
    assert body["expires_in"] == int(params.get("requested_expiry", 300))
    assert response.headers["cache-control"] == "no-store"
    auth_req_id: str = body["auth_req_id"]
    return auth_req_id


def phone_request(client: TestClient, auth_req_id: str) -> phone_requests.Request | None:
    """The request the citizen's phone shows for ``auth_req_id``, if one was opened."""
    server = server_of(client)
    polled = PolledRequests(server.store, "ciba").find(auth_req_id)
    assert polled is not None
    now = server.clock.now()
    pending = [
        r
        for pin in (PIN, LEVEL1_PIN, UNKNOWN_PIN, DECEASED_PIN)
        for r in phone_requests.pending_for(server.engine, pin, now=now)
    ]
    return next((r for r in pending if r.uid == polled.uid), None)


def on_phone(
    client: TestClient, auth_req_id: str, decision: str = "approve", pin: str = PIN
) -> str:
    """The citizen answers on their phone, signed by the bound device's key; the outcome."""
    server = server_of(client)
    request = phone_request(client, auth_req_id)
    assert request is not None
    key = simulated_key(server, pin)
    assert not isinstance(key, NotActivated)
    signed = sign_answer(key[0], key[1], request, decision)
    answered = Answered(signed, passcode=PASSCODE, face="match")
    return answer(server, request.id, answered, "127.0.0.1", notify)


@pytest.fixture
def activated(client: TestClient) -> None:
    """The citizen's app is activated on a bound device (before a request names them)."""
    assert not isinstance(simulated_key(server_of(client), PIN), NotActivated)


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


# --- poll flow ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("activated")
def test_poll_flow_end_to_end(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env, binding_message="Mở tài khoản 4821", acr_values="LoA3")
    request = phone_request(client, auth_req_id)
    assert request is not None
    assert request.binding_message == "Mở tài khoản 4821"
    assert request.kind == "ciba"
    assert request.client_id == "poll"
    clock.advance(5)
    pending = poll(client, ciba_env, auth_req_id)
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    assert on_phone(client, auth_req_id) == "approved"
    clock.advance(5)
    response = poll(client, ciba_env, auth_req_id)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["scope"] == SCOPE
    assert tokens["token_type"].lower() == "bearer"
    id_token = claims_of(tokens["id_token"])
    assert id_token["acr"] == "LoA4"
    assert "hwk" in id_token["amr"]
    assert id_token["aud"] == ["poll"]
    assert id_token["iat"] == AT + 10
    userinfo = client.get(
        "/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == id_token["sub"]


@pytest.mark.usefixtures("activated")
def test_auth_req_id_is_spent_once(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env)
    assert on_phone(client, auth_req_id) == "approved"
    clock.advance(5)
    assert poll(client, ciba_env, auth_req_id).status_code == 200
    clock.advance(5)
    again = poll(client, ciba_env, auth_req_id)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


@pytest.mark.usefixtures("activated")
def test_slow_down_grows_the_interval(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env)
    early = poll(client, ciba_env, auth_req_id)  # before the first interval has passed
    assert early.json()["error"] == "slow_down"
    clock.advance(9)  # 10 s are now asked for between polls: 9 is too soon again
    assert poll(client, ciba_env, auth_req_id).json()["error"] == "slow_down"
    clock.advance(15)  # 15 s now
    assert poll(client, ciba_env, auth_req_id).json()["error"] == "authorization_pending"


@pytest.mark.usefixtures("activated")
def test_expired_after_requested_expiry(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env, requested_expiry="30")
    clock.advance(30)
    expired = poll(client, ciba_env, auth_req_id)
    assert expired.status_code == 400
    assert expired.json()["error"] == "expired_token"
    assert phone_request(client, auth_req_id) is None  # the phone no longer lists it


@pytest.mark.usefixtures("activated")
def test_refused_on_the_phone(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env)
    assert on_phone(client, auth_req_id, "refuse") == "refused"
    clock.advance(5)
    refused = poll(client, ciba_env, auth_req_id)
    assert refused.status_code == 400
    assert refused.json()["error"] == "access_denied"


@pytest.mark.usefixtures("activated")
def test_another_clients_auth_req_id(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    auth_req_id = started(client, ciba_env)
    assert on_phone(client, auth_req_id) == "approved"
    clock.advance(5)
    stolen = poll(client, ciba_env, auth_req_id, client_id="other")
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"
    assert poll(client, ciba_env, auth_req_id).status_code == 200  # still its own client's


@pytest.mark.usefixtures("activated")
def test_client_secret_post(client: TestClient, ciba_env: Ciba) -> None:
    data = {"scope": SCOPE, "login_hint": PIN, "client_id": "post"}
    response = client.post(
        "/bc-authorize", data={**data, "client_secret": ciba_env.secrets["post"]}
    )
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("activated")
def test_id_token_hint(client: TestClient, ciba_env: Ciba, clock: Clock) -> None:
    """An ID token issued to the client names the citizen again (found in the grant index)."""
    auth_req_id = started(client, ciba_env)
    assert on_phone(client, auth_req_id) == "approved"
    clock.advance(5)
    id_token = poll(client, ciba_env, auth_req_id).json()["id_token"]
    hint = {"scope": SCOPE, "id_token_hint": id_token}
    response = client.post("/bc-authorize", data=hint, auth=("poll", ciba_env.secrets["poll"]))
    assert response.status_code == 200, response.text
    assert phone_request(client, response.json()["auth_req_id"]) is not None
    elsewhere = client.post("/bc-authorize", data=hint, auth=("other", ciba_env.secrets["other"]))
    assert elsewhere.json()["error"] == "invalid_request"  # not issued to that client


# --- citizens who cannot approve: the request waits, then expires --------------------------------


@pytest.mark.parametrize("pin", [UNKNOWN_PIN, LEVEL1_PIN, DECEASED_PIN, PIN])
def test_citizen_without_the_app_is_not_told(
    client: TestClient, ciba_env: Ciba, clock: Clock, pin: str
) -> None:
    """An unknown PIN, a level-1 account, a deceased citizen's locked account, an account whose app
    was never activated: answered as any other request, no phone asked, then ``expired_token``."""
    unbind_all(server_of(client).engine)
    auth_req_id = started(client, ciba_env, login_hint=pin, requested_expiry="60")
    assert phone_request(client, auth_req_id) is None
    clock.advance(5)
    assert poll(client, ciba_env, auth_req_id).json()["error"] == "authorization_pending"
    clock.advance(60)
    assert poll(client, ciba_env, auth_req_id).json()["error"] == "expired_token"


# --- ping mode ----------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.headers["Authorization"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def receiver(ciba_env: Ciba) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """A client's notification endpoint on loopback: what it received."""
    received: list[tuple[str, dict[str, Any]]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    http = HTTPServer(("127.0.0.1", ciba_env.ping_port), handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield received
    http.shutdown()
    http.server_close()
    thread.join()


@pytest.mark.usefixtures("activated")
def test_ping_mode(
    client: TestClient, ciba_env: Ciba, clock: Clock, receiver: list[tuple[str, dict[str, Any]]]
) -> None:
    token = "ping-token_0123456789.abc"
    auth_req_id = started(client, ciba_env, "ping", client_notification_token=token)
    assert receiver == []
    assert on_phone(client, auth_req_id) == "approved"
    assert receiver == [(f"Bearer {token}", {"auth_req_id": auth_req_id})]
    clock.advance(5)
    response = poll(client, ciba_env, auth_req_id, client_id="ping")
    assert response.status_code == 200
    assert "id_token" in response.json()


@pytest.mark.usefixtures("activated")
def test_ping_after_refusal_and_unreachable_endpoint(client: TestClient, ciba_env: Ciba) -> None:
    """No receiver listening: the ping fails, is logged, and the phone's answer stands."""
    auth_req_id = started(client, ciba_env, "ping", client_notification_token="tok")
    assert on_phone(client, auth_req_id, "refuse") == "refused"


# --- §13 errors ---------------------------------------------------------------------------------


def test_a_service_scope_is_never_asked_of_a_citizen(client: TestClient, ciba_env: Ciba) -> None:
    """``card_verification`` is a client's licence (idp.oidc.service_scopes), whatever the client is
    registered for."""
    response = bc_authorize(client, ciba_env, scope="openid card_verification")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "client credentials grant" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"scope": ""}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid eid_card"}, "invalid_scope"),
        ({"login_hint": ""}, "invalid_request"),
        ({"id_token_hint": "not.a.token"}, "invalid_request"),  # beside login_hint: two hints
        ({"login_hint_token": "x"}, "invalid_request"),
        ({"user_code": "1234"}, "invalid_request"),
        ({"login_hint": "12345"}, "unknown_user_id"),
        ({"binding_message": "x" * 65}, "invalid_binding_message"),
        ({"binding_message": "line\nbreak"}, "invalid_binding_message"),
        ({"requested_expiry": "0"}, "invalid_request"),
        ({"requested_expiry": "601"}, "invalid_request"),
        ({"requested_expiry": "ten"}, "invalid_request"),
    ],
)
def test_request_errors(
    client: TestClient, ciba_env: Ciba, params: dict[str, str], error: str
) -> None:
    response = bc_authorize(client, ciba_env, **params)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


def test_invalid_id_token_hint_alone(client: TestClient, ciba_env: Ciba) -> None:
    data = {"scope": SCOPE, "id_token_hint": "e30.e30.sig"}
    response = client.post("/bc-authorize", data=data, auth=("poll", ciba_env.secrets["poll"]))
    assert response.json()["error"] == "invalid_request"


def test_ping_client_needs_its_token(client: TestClient, ciba_env: Ciba) -> None:
    for token in (None, "not a bearer token", "x" * 1025):
        extra = {} if token is None else {"client_notification_token": token}
        response = bc_authorize(client, ciba_env, "ping", **extra)
        assert response.json()["error"] == "invalid_request", token


def test_client_authentication_is_required(client: TestClient, ciba_env: Ciba) -> None:
    data = {"scope": SCOPE, "login_hint": PIN}
    wrong = client.post("/bc-authorize", data=data, auth=("poll", "wrong"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    public = client.post("/bc-authorize", data={**data, "client_id": "public"})
    assert public.status_code == 401
    assert public.json()["error"] == "invalid_client"
    nobody = client.post("/bc-authorize", data=data)
    assert nobody.status_code == 401
    assert nobody.json()["error"] == "invalid_client"


def test_unauthorized_client(client: TestClient, ciba_env: Ciba) -> None:
    response = bc_authorize(client, ciba_env, "plain")
    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
    token = client.post(
        "/token",
        data={"grant_type": GRANT_TYPE, "auth_req_id": "x"},
        auth=("plain", ciba_env.secrets["plain"]),
    )
    assert token.json()["error"] == "unauthorized_client"


def test_access_denied_when_a_hint_is_flooded(client: TestClient, ciba_env: Ciba) -> None:
    """Five requests a minute for one hint; the sixth is refused, for an unknown PIN as for any."""
    for _ in range(5):
        assert bc_authorize(client, ciba_env, login_hint=UNKNOWN_PIN).status_code == 200
    refused = bc_authorize(client, ciba_env, login_hint=UNKNOWN_PIN)
    assert refused.status_code == 400
    assert refused.json()["error"] == "access_denied"


def test_repeated_parameter(client: TestClient, ciba_env: Ciba) -> None:
    body = f"scope=openid&scope=openid&login_hint={PIN}"
    response = client.post(
        "/bc-authorize",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=("poll", ciba_env.secrets["poll"]),
    )
    assert response.json()["error"] == "invalid_request"


def test_discovery(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["backchannel_authentication_endpoint"] == "http://testserver/bc-authorize"
    assert document["backchannel_token_delivery_modes_supported"] == ["poll", "ping"]
    assert document["backchannel_user_code_parameter_supported"] is False
    assert document["grant_types_supported"].count(GRANT_TYPE) == 1
    assert "backchannel_authentication_request_signing_alg_values_supported" not in document


# --- fuzz ---------------------------------------------------------------------------------------

_VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from([PIN, UNKNOWN_PIN, "openid", SCOPE, "0", "600", "ping", "e30.e30.x"]),
)
_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "scope",
            "login_hint",
            "id_token_hint",
            "login_hint_token",
            "binding_message",
            "requested_expiry",
            "acr_values",
            "user_code",
            "client_notification_token",
            "client_id",
        ]
    ),
    _VALUES,
    max_size=7,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=_FIELDS, client_id=st.sampled_from(["poll", "ping", "plain"]))
def test_fuzz_no_server_error(
    client: TestClient, ciba_env: Ciba, fields: dict[str, str], client_id: str
) -> None:
    response = client.post(
        "/bc-authorize", data=fields, auth=(client_id, ciba_env.secrets[client_id])
    )
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")


# --- registration: over HTTP, in the clients file, by the CLI -------------------------------------

TOKEN = "initial-access-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
CIBA_ONLY: dict[str, Any] = {
    "grant_types": [GRANT_TYPE],
    "backchannel_token_delivery_mode": "poll",
    "scope": "openid profile",
}


@pytest.fixture
def registrar(ciba_env: Ciba, clock: Clock) -> Iterator[TestClient]:
    update = {"registration_enabled": True, "registration_token": SecretStr(TOKEN)}
    app = create_app(ciba_env.settings.model_copy(update=update), clock=clock)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.mark.usefixtures("activated")
def test_registered_ciba_client_without_redirect_uris(registrar: TestClient, clock: Clock) -> None:
    registered = registrar.post("/register", json=CIBA_ONLY, headers=BEARER)
    assert registered.status_code == 201, registered.text
    info = registered.json()
    assert info["backchannel_token_delivery_mode"] == "poll"
    assert "redirect_uris" not in info
    credentials = (info["client_id"], info["client_secret"])
    data = {"scope": "openid", "login_hint": PIN}
    response = registrar.post("/bc-authorize", data=data, auth=credentials)
    assert response.status_code == 200, response.text
    auth_req_id = response.json()["auth_req_id"]
    assert on_phone(registrar, auth_req_id) == "approved"
    clock.advance(5)
    form = {"grant_type": GRANT_TYPE, "auth_req_id": auth_req_id}
    tokens = registrar.post("/token", data=form, auth=credentials)
    assert tokens.status_code == 200, tokens.text


@pytest.mark.parametrize(
    "metadata",
    [
        {"backchannel_token_delivery_mode": None},  # the grant without a mode
        {"backchannel_token_delivery_mode": "push"},
        {"backchannel_token_delivery_mode": "ping"},  # without its endpoint
        {
            "backchannel_token_delivery_mode": "ping",
            "backchannel_client_notification_endpoint": "http://rp.example/ping",
        },
        {
            "backchannel_token_delivery_mode": "ping",
            "backchannel_client_notification_endpoint": "https://rp.example/ping#x",
        },
        {"backchannel_token_delivery_mode": 1},
        {"grant_types": ["authorization_code", GRANT_TYPE]},  # redirects, so redirect_uris
    ],
)
def test_registration_refuses(registrar: TestClient, metadata: dict[str, Any]) -> None:
    document = {k: v for k, v in {**CIBA_ONLY, **metadata}.items() if v is not None}
    response = registrar.post("/register", json=document, headers=BEARER)
    assert response.status_code == 400, response.text
    assert response.json()["error"] in ("invalid_client_metadata", "invalid_redirect_uri")


def test_registration_of_a_ping_client(registrar: TestClient) -> None:
    document = {
        **CIBA_ONLY,
        "backchannel_token_delivery_mode": "ping",
        "backchannel_client_notification_endpoint": "https://rp.example/ping",
    }
    response = registrar.post("/register", json=document, headers=BEARER)
    assert response.status_code == 201, response.text
    assert (
        response.json()["backchannel_client_notification_endpoint"]
        == document["backchannel_client_notification_endpoint"]
    )


def test_clients_file_checks(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    assert add_client(path, "ok", CIBA_ONLY)
    with pytest.raises(ValueError, match="backchannel_client_notification_endpoint"):
        add_client(path, "bad", {**CIBA_ONLY, "backchannel_token_delivery_mode": "ping"})
    with pytest.raises(ValueError, match="backchannel_token_delivery_mode"):
        add_client(path, "bad", {**CIBA_ONLY, "backchannel_token_delivery_mode": "push"})


def test_cli_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "clients.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    options = ["clients", "add", "teller", "--grant-type", GRANT_TYPE, "--ciba-mode", "ping"]
    endpoint = ["--ciba-notification-endpoint", "https://bank.example/ping"]
    result = CliRunner().invoke(cli, [*options, *endpoint])
    assert result.exit_code == 0, result.output
    metadata = load_clients(path)["teller"].metadata
    assert metadata["backchannel_token_delivery_mode"] == "ping"
    assert metadata["backchannel_client_notification_endpoint"] == "https://bank.example/ping"
    refused = CliRunner().invoke(cli, [*options[:2], "two", *options[3:]])
    assert refused.exit_code == 1
    assert "backchannel_client_notification_endpoint" in refused.output


def test_the_sample_bank_counter_client() -> None:
    """The bank's teller counter (clients.json): a poll-mode CIBA client with its sandbox secret."""
    clients = load_clients(Path(__file__).parents[2] / "idp" / "oidc" / "clients.json")
    counter = clients["bank-counter"]
    assert counter.check_client_secret("bank-counter-sandbox-secret")
    assert counter.metadata["backchannel_token_delivery_mode"] == "poll"
    check_file_entry(dict(counter.metadata))
