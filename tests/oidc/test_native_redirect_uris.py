"""Native clients (``application_type=native``, RFC 8252 §7) beside web clients: the redirect URIs each
may register, over HTTP (RFC 7591) and in the clients file; a native public client's authorization-code
flow with PKCE on a loopback IP redirect whose port is not the registered one (§7.3), the token endpoint
asking for that very URI; private-use scheme and claimed ``https`` redirects; a web client's loopback
URI matched exactly, port included, an unregistered one answered with the error page; and fuzzed
redirect URIs, never answered with a 5xx nor sent anywhere but a URI the client may use."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from idp.oidc.client_metadata import check_file_entry
from idp.oidc.clients import Client
from idp.web.app import create_app
from tests.fuzz_strategies import assert_not_server_error
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import is_html
from tests.fuzz_strategies import note
from tests.fuzz_strategies import unicode_text
from tests.fuzz_strategies import values
from tests.oidc.conftest import ISSUER
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.servers import free_port

TOKEN = "initial-access-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
LOOPBACK = "http://127.0.0.1:8000/callback"
LOOPBACK_V6 = "http://[::1]/callback"
PRIVATE_USE = "vn.bank.demo:/oauth2redirect"
CLAIMED = "https://bank.example/app/callback"
NATIVE: dict[str, Any] = {
    "application_type": "native",
    "token_endpoint_auth_method": "none",
    "scope": "openid profile",
    "redirect_uris": [LOOPBACK, LOOPBACK_V6, PRIVATE_USE, CLAIMED],
}
WEB_LOOPBACK = "http://127.0.0.1:8000/cb"
WEB: dict[str, Any] = {
    "token_endpoint_auth_method": "none",
    "scope": "openid profile",
    "redirect_uris": [WEB_LOOPBACK],
}


@pytest.fixture
def registrar(env: Env) -> Iterator[TestClient]:
    update = {"registration_enabled": True, "registration_token": SecretStr(TOKEN)}
    app = create_app(env.settings.model_copy(update=update))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def register(registrar: TestClient, metadata: dict[str, Any]) -> Response:
    return registrar.post("/register", json=metadata, headers=BEARER)


def registered(registrar: TestClient, metadata: dict[str, Any]) -> str:
    """A client registered with ``metadata``: its ``client_id``."""
    response = register(registrar, metadata)
    assert response.status_code == 201, response.text
    return str(response.json()["client_id"])


def authorize(registrar: TestClient, client_id: str, redirect_uri: str) -> tuple[str, str]:
    """A login and consent with ``redirect_uri``: the redirect's Location and the PKCE verifier."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge, redirect_uri=redirect_uri)
    return login_and_consent(registrar, params), verifier


def redeem(
    registrar: TestClient, client_id: str, location: str, verifier: str, redirect_uri: str
) -> Response:
    """The code of ``location`` at the token endpoint, as a public client, with ``redirect_uri``."""
    data = {
        "grant_type": "authorization_code",
        "code": query_of(location)["code"],
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": client_id,
    }
    return registrar.post("/token", data=data)


def assert_error_page(response: Response) -> None:
    """RFC 6749 §4.1.2.1: an unregistered ``redirect_uri`` is told to the browser, never followed."""
    assert response.status_code == 400, response.text
    assert "location" not in response.headers
    assert is_html(response)


# --- registration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        LOOPBACK,
        LOOPBACK_V6,
        "http://127.0.0.1",
        "http://[::1]:65535/cb?app=1",
        PRIVATE_USE,
        "com.example.app:/",
        "vn.bank-demo.app2:/cb?x=1",
        CLAIMED,
    ],
)
def test_native_registers_each_shape(registrar: TestClient, uri: str) -> None:
    response = register(registrar, {**NATIVE, "redirect_uris": [uri]})
    assert response.status_code == 201, response.text
    assert response.json()["application_type"] == "native"
    assert response.json()["redirect_uris"] == [uri]


@pytest.mark.parametrize(
    "uri",
    [
        "myapp:/cb",  # a private-use scheme without a period
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "file:///etc/passwd",
        "about:blank",
        "vn.bank.demo://host/cb",  # an authority
        "vn.bank.demo:cb",  # no slash
        "Vn.Bank.Demo:/cb",  # not in lower case
        ".bank.demo:/cb",
        "vn..demo:/cb",
        "vn.bank.:/cb",
        "vn.bank.demo:/cb#x",
        "vn.bank.demo:/c b",
        "vn.bank.demo:/c\nb",
        "http://localhost:8000/cb",
        "http://localhost/cb",
        "http://rp.example/cb",
        "http://127.0.0.2/cb",
        "http://127.0.0.1:0/cb",
        "http://127.0.0.1:65536/cb",
        "http://u@127.0.0.1/cb",
        "HTTP://127.0.0.1/cb",
        "http://[::1/cb",
        "http://127.0.0.1:8000/cb#x",
        "https:/cb",
        "/relative/cb",
    ],
)
def test_native_refuses_every_other_redirect_uri(registrar: TestClient, uri: str) -> None:
    response = register(registrar, {**NATIVE, "redirect_uris": [uri]})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize("application_type", [None, "web"])
def test_web_keeps_its_rules(registrar: TestClient, application_type: str | None) -> None:
    """https, or http on a loopback host (localhost too); a private-use scheme is refused."""
    metadata = {**WEB, **({"application_type": application_type} if application_type else {})}
    for uri in (PRIVATE_USE, "com.example.app:/cb", "http://rp.example/cb"):
        response = register(registrar, {**metadata, "redirect_uris": [uri]})
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_redirect_uri"
    uris = [WEB_LOOPBACK, "http://localhost:8000/cb", "http://[::1]/cb", CLAIMED]
    response = register(registrar, {**metadata, "redirect_uris": uris})
    assert response.status_code == 201, response.text
    assert response.json()["application_type"] == "web"


@pytest.mark.parametrize("value", ["desktop", "Native", "", 42, ["native"], None])
def test_other_application_types_are_invalid_client_metadata(
    registrar: TestClient, value: object
) -> None:
    response = register(registrar, {**NATIVE, "application_type": value})
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_client_metadata"


def test_post_logout_redirect_uris_follow_the_application_type(registrar: TestClient) -> None:
    logout = {"post_logout_redirect_uris": ["vn.bank.demo:/logged-out"]}
    assert register(registrar, {**NATIVE, **logout}).status_code == 201
    refused = register(registrar, {**WEB, **logout})
    assert refused.json()["error"] == "invalid_redirect_uri"


def test_the_clients_file_takes_the_same_rules() -> None:
    entry = dict(NATIVE)
    check_file_entry(entry)
    with pytest.raises(ValueError, match=r"^application_type must be web or native$"):
        check_file_entry({**entry, "application_type": "desktop"})
    with pytest.raises(ValueError, match="not localhost"):
        check_file_entry({**entry, "redirect_uris": ["http://localhost:8000/cb"]})
    with pytest.raises(ValueError, match=re.escape("'myapp:/cb'")):
        check_file_entry({**entry, "redirect_uris": ["myapp:/cb"]})
    web = {**entry, "application_type": "web"}
    with pytest.raises(ValueError, match=re.escape("must be https (or http on loopback)")):
        check_file_entry(web)


def test_a_pairwise_private_use_client_has_a_sector() -> None:
    """OpenID Connect Core §8.1 takes the redirect URI's host; a private-use URI has none, and its
    scheme stands in, never the public ``sub``."""
    metadata = {"subject_type": "pairwise", "redirect_uris": [PRIVATE_USE, LOOPBACK]}
    assert Client("app", {**NATIVE, **metadata}).sector == "vn.bank.demo"


# --- authorization and token ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered_uri", "template"),
    [(LOOPBACK, "http://127.0.0.1:{port}/callback"), (LOOPBACK_V6, "http://[::1]:{port}/callback")],
)
def test_a_native_loopback_redirect_on_any_port(
    registrar: TestClient, registered_uri: str, template: str
) -> None:
    """RFC 8252 §7.3: the app listens on the port the system gave it; the code is redeemed with that
    same URI, and with any other (the registered one included) it is ``invalid_grant``."""
    client_id = registered(registrar, {**NATIVE, "redirect_uris": [registered_uri]})
    port = free_port()
    used = template.format(port=port)
    assert used != registered_uri
    location, verifier = authorize(registrar, client_id, used)
    assert location.startswith(f"{used}?"), location
    assert query_of(location)["iss"] == ISSUER
    for other in (registered_uri, template.format(port=port % 65535 + 1)):
        refused = redeem(registrar, client_id, location, verifier, other)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "invalid_grant"
    tokens = redeem(registrar, client_id, location, verifier, used)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["id_token"]


@pytest.mark.parametrize("uri", [PRIVATE_USE, CLAIMED, LOOPBACK])
def test_a_native_redirect_matched_exactly(registrar: TestClient, uri: str) -> None:
    client_id = registered(registrar, NATIVE)
    location, verifier = authorize(registrar, client_id, uri)
    assert location.startswith(f"{uri}?"), location
    tokens = redeem(registrar, client_id, location, verifier, uri)
    assert tokens.status_code == 200, tokens.text


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:5000/other",
        "http://127.0.0.1:5000/callback/",
        "http://127.0.0.1:5000/CALLBACK",
        "http://127.0.0.1:5000/callback?x=1",
        "http://127.0.0.1:5000/callback#x",
        "http://127.0.0.1:/callback",
        "http://127.0.0.1:0/callback",
        "http://127.0.0.1:65536/callback",
        "http://u@127.0.0.1:5000/callback",
        "https://127.0.0.1:5000/callback",
        "http://localhost:5000/callback",
        "http://localhost:8000/callback",
        "http://127.0.0.2:8000/callback",
        "http://[0:0:0:0:0:0:0:1]:5000/callback",
        "vn.bank.demo:/oauth2redirect/more",
        "vn.bank.demo:/oauth2redirect?x=1",
        "VN.BANK.DEMO:/oauth2redirect",
        "vn.bank.demo://oauth2redirect",
        "https://bank.example:8443/app/callback",
        "https://bank.example/app/callback/x",
    ],
)
def test_a_native_client_gets_the_error_page_elsewhere(registrar: TestClient, uri: str) -> None:
    client_id = registered(registrar, NATIVE)
    _, challenge = pkce()
    response = registrar.get(
        "/authorize", params=auth_params(client_id, code_challenge=challenge, redirect_uri=uri)
    )
    assert_error_page(response)


def test_a_web_loopback_redirect_is_matched_exactly(registrar: TestClient) -> None:
    """Port included: a web client on 127.0.0.1:8000 is never sent to 127.0.0.1:9999, not even an
    error its request earned (no PKCE)."""
    client_id = registered(registrar, WEB)
    _, challenge = pkce()
    for uri in ("http://127.0.0.1:9999/cb", "http://127.0.0.1/cb", "http://[::1]:8000/cb"):
        params = auth_params(client_id, code_challenge=challenge, redirect_uri=uri)
        assert_error_page(registrar.get("/authorize", params=params))
        assert_error_page(registrar.get("/authorize", params={**params, "code_challenge": ""}))
    location, verifier = authorize(registrar, client_id, WEB_LOOPBACK)
    assert location.startswith(f"{WEB_LOOPBACK}?"), location
    assert redeem(registrar, client_id, location, verifier, WEB_LOOPBACK).status_code == 200


def test_a_native_error_goes_to_the_port_in_use(registrar: TestClient) -> None:
    """The loopback redirect on another port is the client's own: an error is sent there."""
    client_id = registered(registrar, NATIVE)
    used = f"http://127.0.0.1:{free_port()}/callback"
    response = registrar.get("/authorize", params=auth_params(client_id, redirect_uri=used))
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(f"{used}?")
    assert query_of(response.headers["location"])["error"] == "invalid_request"


# --- fuzzing -----------------------------------------------------------------------------------


PORTS = st.one_of(
    st.sampled_from(["", ":", ":0", ":1", ":8000", ":08000", ":65535", ":65536", ":99999", ":-1"]),
    st.sampled_from([":\u0668\u0660", ":\uff18\uff10", ":1e3", ": 80", ":80 "]),
    st.integers(min_value=0, max_value=70_000).map(lambda port: f":{port}"),
)
HOSTS = st.sampled_from(
    ["127.0.0.1", "[::1]", "localhost", "127.0.0.2", "127.0.0.1.", "[::2]", "u@127.0.0.1", ""]
)
TAILS = st.one_of(
    st.sampled_from(["/callback", "/callback/", "", "/callback?x=1", "/callback#f", "/other"]),
    st.builds(lambda tail: f"/callback{tail}", unicode_text),
)
SCHEMES = st.sampled_from(["http", "https", "HTTP", "vn.bank.demo", "javascript", ""])
LOOPBACK_LIKE = st.builds(
    lambda scheme, host, port, tail: f"{scheme}://{host}{port}{tail}", SCHEMES, HOSTS, PORTS, TAILS
)
PRIVATE_USE_LIKE = st.builds(
    lambda scheme, sep, tail: f"{scheme}:{sep}{tail}",
    st.sampled_from(["vn.bank.demo", "VN.bank.demo", "myapp", "vn.bank.demo.", "data", "file"]),
    st.sampled_from(["/", "//", "///", ""]),
    st.sampled_from(["oauth2redirect", "oauth2redirect/", "oauth2redirect?x=1", "x"])
    | unicode_text,
)
NEAR_LOOPBACK = st.builds(
    lambda host, port: f"http://{host}{port}/callback",
    st.sampled_from(["127.0.0.1", "[::1]"]),
    PORTS,
)
"""A registered loopback IP redirect's host and path, with a fuzzed port."""
REDIRECT_URIS = st.one_of(
    NEAR_LOOPBACK,
    NEAR_LOOPBACK,
    LOOPBACK_LIKE,
    PRIVATE_USE_LIKE,
    values(LOOPBACK, LOOPBACK_V6, PRIVATE_USE, CLAIMED, WEB_LOOPBACK),
)


NATIVE_LOOPBACK = re.compile(r"http://(?:127\.0\.0\.1|\[::1\])(?::(?P<port>[0-9]{1,5}))?/callback")
"""The loopback IP redirects :data:`NATIVE` registered (both with the path ``/callback``), any port."""


def may_use(application_type: str, uri: str) -> bool:
    """Whether a client of the fuzz may be sent to ``uri``: one it registered, or for the native
    client, one of its loopback IP redirects on a port between 1 and 65535."""
    if uri in (NATIVE if application_type == "native" else WEB)["redirect_uris"]:
        return True
    found = NATIVE_LOOPBACK.fullmatch(uri)
    if application_type != "native" or found is None:
        return False
    return found["port"] is None or 0 < int(found["port"]) < 65536


@pytest.fixture
def fuzz_clients(registrar: TestClient) -> dict[str, str]:
    """A native and a web client, registered once for every example: their ``client_id``."""
    return {"native": registered(registrar, NATIVE), "web": registered(registrar, WEB)}


@given(data=st.data())
@fuzz_settings(200)
def test_fuzzed_redirect_uris_never_answer_a_server_error(
    registrar: TestClient, fuzz_clients: dict[str, str], data: st.DataObject
) -> None:
    """A fuzzed ``redirect_uri``, with or without PKCE: a URI the client may use gets the login page
    (or its error at that URI); any other, the error page; never a 5xx."""
    kind = data.draw(st.sampled_from(["native", "web"]), label="application_type")
    uri = data.draw(REDIRECT_URIS, label="redirect_uri")
    pkce_given = data.draw(st.booleans(), label="pkce")
    _, challenge = pkce()
    params = auth_params(fuzz_clients[kind], redirect_uri=uri)
    if pkce_given:
        params["code_challenge"] = challenge
    response = registrar.get("/authorize", params=params)
    note("authorize", response)
    assert_not_server_error(response)
    if not may_use(kind, uri):
        assert_error_page(response)
    elif pkce_given:
        assert response.status_code == 200, response.text
    else:
        assert response.headers["location"].startswith(f"{uri}?")


@given(data=st.data())
@fuzz_settings(100)
def test_fuzzed_registrations_never_answer_a_server_error(
    registrar: TestClient, data: st.DataObject
) -> None:
    """Fuzzed ``application_type`` and ``redirect_uris``: 201, or 400 with ``invalid_redirect_uri``
    or ``invalid_client_metadata``; a registered client's first URI then works at /authorize."""
    kind = data.draw(values("native", "web") | st.none(), label="application_type")
    uris = data.draw(st.lists(REDIRECT_URIS, min_size=1, max_size=3), label="redirect_uris")
    metadata = {**WEB, "redirect_uris": uris}
    if kind is not None:
        metadata["application_type"] = kind
    response = register(registrar, metadata)
    note("register", response)
    assert_not_server_error(response)
    if response.status_code == 413:  # three long URIs can pass the body limit: its own error
        assert response.json()["error"] == "invalid_request"
        return
    if response.status_code != 201:
        assert response.status_code == 400, response.text
        assert response.json()["error"] in ("invalid_redirect_uri", "invalid_client_metadata")
        return
    assert kind in ("native", "web", None)
    _, challenge = pkce()
    params = auth_params(response.json()["client_id"], code_challenge=challenge)
    answer = registrar.get("/authorize", params={**params, "redirect_uri": uris[0]})
    assert_not_server_error(answer)
    if kind == "native":  # its URIs hold no space nor control character: each reaches the login
        assert answer.status_code == 200, answer.text
