"""Back-Channel Logout 1.0: logout tokens POSTed to the clients of an ended session, checked as the
conformance suite's back-channel plan checks them (§1.3), with joserfc and python-jose."""

import functools
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi.testclient import TestClient
from jose import jwt as jose_jwt
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.backchannel import HttpLogoutSender
from idp.oidc.clients import Client
from idp.oidc.models import EndUser
from idp.oidc.session import SessionStore
from idp.state.store import StateStore
from idp.web.app import create_app
from tests.conftest import race
from tests.oidc.conftest import BCL_URI
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import PIN
from tests.oidc.conftest import POST_LOGOUT
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import first_page
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

EVENT = "http://schemas.openid.net/event/backchannel-logout"
OTHER_PIN = "031190999002"


class Receiver:
    """The relying parties' back-channel endpoints, as an httpx transport."""

    def __init__(self) -> None:
        self.received: dict[str, str] = {}
        self.fail: Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        self.received[str(request.url)] = parse_qs(request.content.decode())["logout_token"][0]
        if self.fail is not None:
            raise self.fail
        return httpx.Response(200)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def bcl_client(env: Env, receiver: Receiver) -> Iterator[TestClient]:
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(receiver))
    app = create_app(env.settings, logout_sender=sender)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def _consent_only(client: TestClient, env: Env, client_id: str) -> dict[str, str]:
    """Tokens for another client in the same single sign-on session: consent only, no password."""
    verifier, challenge = pkce()
    response = client.get("/authorize", params=auth_params(client_id, code_challenge=challenge))
    page, html = first_page(response)
    assert 'name="password"' not in html
    response = client.post(f"{page}/consent", data=consent_form(html))
    assert response.status_code == 303  # the authorization response itself
    code = query_of(response.headers["location"])["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    tokens: dict[str, str] = client.post(
        "/token", data=data, auth=(client_id, env.secrets[client_id])
    ).json()
    return tokens


def _logout(client: TestClient, id_token: str):  # type: ignore[no-untyped-def]
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT, "state": "s"}
    return client.get("/logout", params=params)


def test_discovery_advertises_backchannel_logout(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["backchannel_logout_supported"] is True
    assert document["backchannel_logout_session_supported"] is True
    assert document["end_session_endpoint"] == f"{ISSUER}/logout"


def test_each_client_of_the_session_gets_a_valid_logout_token(
    bcl_client: TestClient, env: Env, receiver: Receiver
) -> None:
    first = get_tokens(bcl_client, env, "logout")
    second = _consent_only(bcl_client, env, "logout-es")
    get_tokens_rp = _consent_only(bcl_client, env, "rp")  # no back-channel URI: not notified
    assert "id_token" in get_tokens_rp
    response = _logout(bcl_client, first["id_token"])
    assert response.headers["location"] == f"{POST_LOGOUT}?state=s"
    assert set(receiver.received) == {BCL_URI, BCL_URI + "-es"}
    jwks = bcl_client.get("/jwks").json()
    keys = KeySet.import_key_set(jwks)
    for uri, client_id, alg, tokens in (
        (BCL_URI, "logout", "RS256", first),
        (BCL_URI + "-es", "logout-es", "ES256", second),
    ):
        id_claims = jwt.decode(tokens["id_token"], keys, algorithms=[alg]).claims
        decoded = jwt.decode(receiver.received[uri], keys, algorithms=[alg])
        assert decoded.header["typ"] == "logout+jwt"
        assert decoded.header["kid"]
        claims = decoded.claims
        assert claims["iss"] == ISSUER
        assert claims["aud"] == client_id
        assert claims["sub"] == id_claims["sub"]
        assert claims["sid"] == id_claims["sid"]
        assert claims["events"] == {EVENT: {}}
        assert "nonce" not in claims
        assert claims["jti"]
        assert time.time() - 60 < claims["iat"] <= time.time()
        assert claims["iat"] < claims["exp"] <= claims["iat"] + 120
        jwk = next(k for k in jwks["keys"] if k["kid"] == decoded.header["kid"])
        jose_claims = jose_jwt.decode(
            receiver.received[uri], jwk, algorithms=[alg], audience=client_id, issuer=ISSUER
        )
        assert jose_claims == claims
    assert receiver.received[BCL_URI] != receiver.received[BCL_URI + "-es"]


def test_confirmed_logout_without_hint_also_notifies(
    bcl_client: TestClient, env: Env, receiver: Receiver
) -> None:
    get_tokens(bcl_client, env, "logout")
    csrf = csrf_of(bcl_client.get("/logout").text)
    assert receiver.received == {}
    assert bcl_client.post("/logout", data={"csrf": csrf}).status_code == 303  # to /logged-out
    assert set(receiver.received) == {BCL_URI}


def test_no_tokens_no_notification(bcl_client: TestClient, env: Env, receiver: Receiver) -> None:
    first = get_tokens(bcl_client, env, "rp")
    _logout(bcl_client, first["id_token"])
    assert receiver.received == {}


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), RuntimeError("boom")]
)
def test_a_failing_relying_party_never_breaks_logout(
    bcl_client: TestClient, env: Env, receiver: Receiver, failure: Exception
) -> None:
    receiver.fail = failure
    tokens = get_tokens(bcl_client, env, "logout")
    response = _logout(bcl_client, tokens["id_token"])
    assert response.status_code == 302
    assert BCL_URI in receiver.received
    params = auth_params("logout", prompt="none", code_challenge=pkce()[1])
    location = bcl_client.get("/authorize", params=params).headers["location"]
    assert query_of(location)["error"] == "login_required"


def test_an_erroring_relying_party_never_breaks_logout(env: Env) -> None:
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    with TestClient(create_app(env.settings, sender), follow_redirects=False) as client:
        tokens = get_tokens(client, env, "logout")
        assert _logout(client, tokens["id_token"]).status_code == 302


def test_unreachable_relying_party_fails_fast(env: Env) -> None:
    sender = HttpLogoutSender(0.5)
    start = time.monotonic()
    sender_failed = False
    try:
        sender("http://127.0.0.1:9/backchannel", "token")
    except httpx.HTTPError:
        sender_failed = True
    assert sender_failed
    assert time.monotonic() - start < 2


def _tokens_after_login(
    client: TestClient, env: Env, client_id: str, pin: str, **extra: str
) -> dict[str, str]:
    """A code flow that asks for the password (``prompt=login``) whatever session the browser has."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge, prompt="login", **extra)
    final = complete(client, client.get("/authorize", params=params), pin)
    assert final.status_code in (302, 303), final.text
    data = {"grant_type": "authorization_code", "code": query_of(final.headers["location"])["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    response = client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def _claims(client: TestClient, token: str) -> dict[str, str]:
    keys = KeySet.import_key_set(client.get("/jwks").json())
    claims: dict[str, str] = jwt.decode(token, keys).claims
    return claims


def test_a_new_login_of_the_same_citizen_keeps_the_clients_for_logout(
    bcl_client: TestClient, env: Env, receiver: Receiver
) -> None:
    """``prompt=login`` starts a new session id; the client of the old one is still logged out with
    it, under the ``sid`` its ID token carries, and the old session cookie is dead."""
    first = get_tokens(bcl_client, env, "logout")
    old_cookie = bcl_client.cookies.get(env.settings.session_cookie)
    second = _tokens_after_login(bcl_client, env, "logout-es", PIN)
    old_sid, new_sid = (
        _claims(bcl_client, first["id_token"])["sid"],
        _claims(bcl_client, second["id_token"])["sid"],
    )
    assert old_sid != new_sid
    assert receiver.received == {}  # nobody is logged out by the new login itself
    assert _logout(bcl_client, second["id_token"]).status_code == 302
    assert set(receiver.received) == {BCL_URI, BCL_URI + "-es"}
    assert _claims(bcl_client, receiver.received[BCL_URI])["sid"] == old_sid
    assert _claims(bcl_client, receiver.received[BCL_URI + "-es"])["sid"] == new_sid
    bcl_client.cookies.set(env.settings.session_cookie, str(old_cookie))
    params = auth_params("logout", prompt="none", code_challenge=pkce()[1])
    location = bcl_client.get("/authorize", params=params).headers["location"]
    assert query_of(location)["error"] == "login_required"


def test_another_citizen_logging_in_ends_the_previous_session(
    bcl_client: TestClient, env: Env, receiver: Receiver
) -> None:
    first = get_tokens(bcl_client, env, "logout")
    _tokens_after_login(bcl_client, env, "rp", OTHER_PIN)
    assert set(receiver.received) == {BCL_URI}
    logout_claims = _claims(bcl_client, receiver.received[BCL_URI])
    id_claims = _claims(bcl_client, first["id_token"])
    assert (logout_claims["sub"], logout_claims["sid"]) == (id_claims["sub"], id_claims["sid"])


def _remember(store: StateStore, user: EndUser, clients: list[Client], index: int) -> None:
    SessionStore(store, 60).remember_client(user.sid, clients[index].client_id, user.sub)


def test_clients_given_tokens_in_one_session_at_once_all_stay_on_its_list(
    store: StateStore,
) -> None:
    """Several clients' token requests of one session at the same moment (provider processes sharing
    the store, or the thread pool): none is dropped from the list the logout tokens go to."""
    for round_ in range(4):
        sid = f"sid-{round_}"
        user = EndUser(PIN, f"sub-{round_}", "grant", sid, 0, "LoA1", ["pwd"], 2)
        clients = [Client(f"rp-{index}") for index in range(8)]
        race(functools.partial(_remember, store, user, clients))
        listed = SessionStore(store, 60).take_clients(sid)
        assert listed == {c.client_id: {"sub": user.sub, "sid": sid} for c in clients}
