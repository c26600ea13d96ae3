"""Property-based fuzzing of every endpoint's parameters and headers: the provider never answers a 5xx
(nor lets an exception escape) on bad input.

Each test builds valid requests (a real client, PKCE challenge, code, tokens, session cookie) and lets
hypothesis (:mod:`tests.fuzz_strategies`) drop, repeat and replace their parameters with arbitrary
Unicode, nasty and oversized values, JWT-shaped tokens with fuzzed headers and claims, other content
types and fuzzed headers (Authorization, Cookie, Accept, Origin, X-Forwarded-For). Every answer must
keep the promises of :mod:`tests.fuzz_strategies`: no 5xx, JSON error bodies with ``error`` (and an
``error_description`` in RFC 6749 §5.2's charset) from the JSON API, pages or redirects from the
browser endpoints, and no redirect to a URI the client did not register. On PostgreSQL (database and
state store), every value that reaches a query is also sent with a NUL character, which its text
columns refuse.

The plain regression tests at the end are the failing examples the fuzzing found, reduced to one
request each.
"""

import asyncio
import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pydantic import SecretStr

from idp.oidc.backchannel import HttpLogoutSender
from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.web.app import create_app
from tests.conftest import drop_postgres
from tests.conftest import fresh_postgres
from tests.fuzz_strategies import BINDING_COOKIE
from tests.fuzz_strategies import SESSION_COOKIE
from tests.fuzz_strategies import Items
from tests.fuzz_strategies import assert_api_answer
from tests.fuzz_strategies import assert_browser_answer
from tests.fuzz_strategies import assert_escaped
from tests.fuzz_strategies import assert_json_error
from tests.fuzz_strategies import assert_not_server_error
from tests.fuzz_strategies import authorization_header
from tests.fuzz_strategies import b64url
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import header_sets
from tests.fuzz_strategies import header_text
from tests.fuzz_strategies import is_html
from tests.fuzz_strategies import json_values
from tests.fuzz_strategies import jwt_like
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import note
from tests.fuzz_strategies import on_the_wire
from tests.fuzz_strategies import raw_bodies
from tests.fuzz_strategies import raw_query
from tests.fuzz_strategies import raw_query_tails
from tests.fuzz_strategies import unicode_text
from tests.fuzz_strategies import values
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import POST_LOGOUT
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import follow
from tests.oidc.conftest import get_tokens
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of

EXAMPLES = 120
FUZZ = fuzz_settings(EXAMPLES)
CLIENT_IDS = ("rp", "data", "l2", "spa", "dvcqg", "logout", "pairwise", "es", "svc", "nobody")
ACRS = ("LoA1", "LoA2", "LoA3", "LoA4")
REGISTRATION_TOKEN = "fuzz-registration-token"


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    """The provider, its back-channel logout tokens delivered to a stand-in relying party (200)."""
    sender = HttpLogoutSender(
        1.0, transport=httpx.MockTransport(lambda request: httpx.Response(200))
    )
    with TestClient(
        create_app(env.settings, logout_sender=sender), follow_redirects=False
    ) as test_client:
        yield test_client


@pytest.fixture
def tokens(client: TestClient, env: Env) -> dict[str, str]:
    """A citizen signed in (the client keeps the session cookie) who consented to ``rp``, and the
    token response of that login."""
    return get_tokens(client, env)


def _session_id(client: TestClient) -> str:
    return str(client.cookies.get(SESSION_COOKIE) or "")


def _ensure_signed_in(client: TestClient, env: Env) -> None:
    """Sign in again when an example logged the session out."""
    if not _session_id(client):
        get_tokens(client, env)


@st.composite
def cookie_headers(draw: st.DrawFn, session: str, binding: str = "") -> str | None:
    """A ``Cookie`` header: None (the client's own cookies), none at all, or the session and binding
    cookies with their real, fuzzed or repeated values, beside arbitrary ones. (The draws never
    depend on whether a real value exists, so that hypothesis can replay an example.)"""
    kind = draw(st.sampled_from(["jar", "jar", "empty", "fuzzed"]))
    if kind == "jar":
        return None
    if kind == "empty":
        return ""
    pairs = []
    for name, real in ((SESSION_COOKIE, session or "none"), (BINDING_COOKIE, binding or "none")):
        for _ in range(draw(st.integers(0, 2))):
            value = draw(header_text(real, f'"{real}"', real + "x"))
            pairs.append(f"{name}={value}")
    pairs += draw(st.lists(header_text().map(lambda text: text.replace(";", "")), max_size=2))
    separator = draw(st.sampled_from(["; ", ";", ", ", " ;"]))
    return separator.join(pairs)


def _headers(data: st.DataObject, cookie: str | None) -> dict[str, str]:
    headers = data.draw(header_sets(), label="headers")
    if cookie is not None:
        headers["Cookie"] = cookie
    return headers


# --- /authorize and /interaction/{uid} ----------------------------------------------------------


def _authorize_extra(id_token: str) -> dict[str, st.SearchStrategy[str]]:
    claims = st.builds(
        json.dumps,
        st.fixed_dictionaries(
            {},
            optional={
                "id_token": st.dictionaries(
                    st.sampled_from(["acr", "name", "verified_claims"]), json_values, max_size=2
                )
                | json_values,
                "userinfo": st.dictionaries(
                    st.sampled_from(["name", "verified_claims", "é"]), json_values, max_size=2
                )
                | json_values,
            },
        ),
    )
    return {
        "prompt": values(
            "none", "login", "consent", "select_account", "none consent", "login none"
        ),
        "max_age": values("0", "1", "60", "86400", "²", "٣", "9" * 5000, "-1", "+5", " 5"),
        "id_token_hint": st.one_of(jwt_like(), values(id_token, id_token[:-3])),
        "acr_values": values(*ACRS, "LoA2 LoA3", "urn:é"),
        "claims": claims
        | values('{"id_token":{"acr":{"essential":true,"values":["LoA2"]}}}', "[" * 3000, "{}"),
        "ui_locales": values("en", "vi", "en-US vi", "fr"),
        "display": values("page", "popup", "touch", "wap"),
        "response_mode": values("query", "form_post", "fragment", "query.jwt"),
        "login_hint": values(PIN, "+84900000000"),
        "request": st.one_of(jwt_like(), values()),
        "request_uri": values(
            "https://rp.example/request.jwt", "urn:ietf:params:oauth:request_uri:x"
        ),
        "claims_locales": values("vi"),
        "registration": values("{}"),
    }


def _authorize_request(
    client: TestClient, data: st.DataObject, items: Items, cookie: str | None
) -> Any:
    """The fuzzed authorization request, by GET (query), POST (form) or POST with a raw body."""
    how = data.draw(st.sampled_from(["GET", "GET", "GET", "POST", "POST", "raw"]), label="how")
    headers = _headers(data, cookie)
    if how == "GET":
        tail = data.draw(raw_query_tails, label="query tail")
        return client.get(f"/authorize?{raw_query(items, tail)}", headers=on_the_wire(headers))
    if how == "POST":
        return _post_form(client, "/authorize", items, headers)
    body, content_type = data.draw(raw_bodies(items), label="body")
    headers["Content-Type"] = content_type
    return client.post("/authorize", content=body, headers=on_the_wire(headers))


def _post_form(client: TestClient, url: str, items: Items, headers: dict[str, str]) -> Any:
    """``items`` posted as an urlencoded form (repeated names kept)."""
    headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    return client.post(url, content=urlencode(items), headers=on_the_wire(headers))


def _check_authorize(response: Any, items: Items) -> None:
    """The answer to an authorization request: no 5xx, a page or a redirect only to the registered
    ``redirect_uri``, and only when the request named exactly that one (or none)."""
    note("authorize", response)
    assert_browser_answer(response, allowed=[REDIRECT])
    location = response.headers.get("location", "")
    if location.startswith(REDIRECT) or (
        response.status_code == 200 and f'action="{REDIRECT}"' in response.text
    ):
        named = [value for name, value in items if name == "redirect_uri"]
        assert named in ([], [REDIRECT]), f"redirected for redirect_uri={named!r}"


@given(data=st.data())
@FUZZ
def test_authorize_never_answers_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    """Any parameter of any client's request dropped, repeated or fuzzed, by GET, POST or another
    body, with the session's or fuzzed cookies."""
    _ensure_signed_in(client, env)
    _, challenge = pkce()
    client_id = data.draw(st.sampled_from(CLIENT_IDS), label="client_id")
    valid = auth_params(client_id, code_challenge=challenge)
    items = data.draw(mutated(valid, _authorize_extra(tokens["id_token"])), label="params")
    cookie = data.draw(cookie_headers(_session_id(client)), label="cookie")
    response = _authorize_request(client, data, items, cookie)
    _check_authorize(response, items)


@given(data=st.data())
@FUZZ
def test_authorize_options_never_answer_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    """A valid request from a client the signed-in citizen consented to, with a few of OpenID
    Connect's options fuzzed (``prompt``, ``max_age``, ``id_token_hint``, ``claims``, ``acr_values``,
    ``response_mode``…): the request reaches the session, consent and the code, or the first page of
    an interaction."""
    _ensure_signed_in(client, env)
    verifier, challenge = pkce()
    options = _authorize_extra(tokens["id_token"])
    options["state"] = values("st-1")
    options["nonce"] = values("n-1")
    names = data.draw(
        st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=4, unique=True),
        label="options",
    )
    params = auth_params(code_challenge=challenge)
    for name in names:
        params[name] = data.draw(options[name], label=name)
    items = list(params.items())
    how = data.draw(st.sampled_from(["GET", "POST"]), label="how")
    if how == "GET":
        response = client.get(f"/authorize?{raw_query(items)}")
    else:
        response = _post_form(client, "/authorize", items, {})
    _check_authorize(response, items)
    if "code=" in response.headers.get("location", ""):
        _redeem(client, env, query_of(response.headers["location"])["code"], verifier)


def _redeem(client: TestClient, env: Env, code: str, verifier: str) -> None:
    """The code of a fuzzed request redeemed, and its access token at userinfo: the request's
    ``claims``, ``nonce``, ``acr_values``… reach the ID token and userinfo."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    answer = client.post(
        "/token", data={**form, "code_verifier": verifier}, auth=("rp", env.secrets["rp"])
    )
    assert_api_answer(answer)
    if answer.status_code == 200:
        info = client.get(
            "/userinfo", headers={"Authorization": f"Bearer {answer.json()['access_token']}"}
        )
        assert_api_answer(info)


@given(data=st.data())
@FUZZ
def test_resuming_an_interaction_never_answers_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    """An interaction started by a fuzzed (but accepted) request, resumed with real, fuzzed or reused
    uids and fuzzed cookies."""
    _ensure_signed_in(client, env)
    _, challenge = pkce()
    extra = data.draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "prompt",
                    "max_age",
                    "acr_values",
                    "claims",
                    "ui_locales",
                    "display",
                    "response_mode",
                    "state",
                    "nonce",
                ]
            ),
            values("login", "consent", "0", "LoA2", "en", "form_post", "popup"),
            max_size=4,
        ),
        label="extra",
    )
    extra.setdefault("prompt", "consent")
    query = raw_query(list(auth_params(code_challenge=challenge, **extra).items()))
    started = client.get(f"/authorize?{query}")
    _check_authorize(started, list(extra.items()))
    uid = _uid_of(started.text) if started.status_code == 200 else None
    fuzzed = data.draw(values(), label="uid")
    choices = [uid or fuzzed, uid or fuzzed, fuzzed]  # the same draws whether or not one started
    for _ in range(data.draw(st.integers(1, 2), label="resumes")):
        chosen = data.draw(st.sampled_from(choices), label="which uid")
        cookie = data.draw(cookie_headers(_session_id(client)), label="cookie")
        path = f"/interaction/{quote(chosen[:2000], safe='')}"
        method = data.draw(st.sampled_from(["GET", "GET", "POST", "HEAD"]), label="method")
        response = client.request(method, path, headers=on_the_wire(_headers(data, cookie)))
        _check_authorize(response, [])


def _uid_of(html: str) -> str | None:
    marker = 'action="/interaction/'
    start = html.find(marker)
    if start < 0:
        return None
    return html[start + len(marker) :].split("/", 1)[0]


# --- /token ------------------------------------------------------------------------------------


def _code(client: TestClient, challenge: str) -> str:
    """A fresh code for ``rp`` from the signed-in session (``prompt=none``: consent is remembered)."""
    response = client.get("/authorize", params=auth_params(code_challenge=challenge, prompt="none"))
    assert response.status_code == 302, response.text
    return query_of(response.headers["location"])["code"]


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@given(data=st.data())
@FUZZ
def test_token_endpoint_never_answers_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    _ensure_signed_in(client, env)
    verifier, challenge = pkce()
    grant = data.draw(
        st.sampled_from(["authorization_code", "refresh_token", "client_credentials", "other"]),
        label="grant",
    )
    secret = env.secrets["rp"]
    valid: dict[str, str] = {"grant_type": grant}
    if grant == "authorization_code":
        valid |= {
            "code": _code(client, challenge),
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        }
    elif grant == "refresh_token":
        valid |= {"refresh_token": tokens.get("refresh_token", ""), "scope": "openid"}
    elif grant == "client_credentials":
        valid |= {"scope": "openid"}
        secret = env.secrets["svc"]
    client_id = "svc" if grant == "client_credentials" else "rp"
    extra = {
        "client_id": values(client_id, "post", "spa", "nobody"),
        "client_secret": values(secret),
        "client_assertion": jwt_like(),
        "client_assertion_type": values("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        "scope": values("openid", "openid profile", "eid_card"),
        "resource": values("https://rp.example/"),
    }
    items = data.draw(mutated(valid, extra), label="form")
    authorization = data.draw(
        st.one_of(
            st.none(), authorization_header(_basic(client_id, secret), _basic("post", secret))
        ),
        label="authorization",
    )
    headers = _headers(data, None)
    if authorization is not None:
        headers["Authorization"] = authorization
    if data.draw(st.booleans(), label="raw body"):
        body, headers["Content-Type"] = data.draw(raw_bodies(items), label="body")
        response = client.post("/token", content=body, headers=on_the_wire(headers))
    else:
        query = data.draw(st.lists(st.tuples(values(), values()), max_size=2), label="query")
        response = _post_form(client, f"/token?{raw_query(query)}", items, headers)
    assert_api_answer(response)
    if response.status_code == 200:
        assert "access_token" in response.json()


# --- /userinfo, /revoke, /introspect -----------------------------------------------------------


@given(data=st.data())
@FUZZ
def test_userinfo_never_answers_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    access = tokens["access_token"]
    token = data.draw(
        st.one_of(jwt_like(), values(access, access[:-2], access + ".x")), label="token"
    )
    ascii_token = token if all(" " <= c <= "~" for c in token) else access
    authorization = data.draw(
        st.one_of(
            st.none(), authorization_header(f"Bearer {ascii_token}", f"bearer  {ascii_token} ")
        ),
        label="authorization",
    )
    headers = _headers(data, None)
    if authorization is not None:
        headers["Authorization"] = authorization
    method = data.draw(st.sampled_from(["GET", "POST", "POST-raw", "HEAD", "PUT"]), label="method")
    items = data.draw(mutated({"access_token": token}), label="form")
    if method == "POST":
        response = _post_form(client, "/userinfo", items, headers)
    elif method == "POST-raw":
        body, headers["Content-Type"] = data.draw(raw_bodies(items), label="body")
        response = client.post("/userinfo", content=body, headers=on_the_wire(headers))
    else:
        response = client.request(
            method, f"/userinfo?{raw_query(items)}", headers=on_the_wire(headers)
        )
    assert_api_answer(response)


@given(data=st.data())
@FUZZ
def test_revocation_and_introspection_never_answer_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    endpoint = data.draw(st.sampled_from(["/revoke", "/introspect"]), label="endpoint")
    access, refresh = tokens["access_token"], tokens.get("refresh_token", "")
    valid = {
        "token": data.draw(
            st.one_of(st.sampled_from([access, refresh]), jwt_like()), label="token"
        ),
        "token_type_hint": data.draw(
            st.sampled_from(["access_token", "refresh_token"]), label="hint"
        ),
    }
    secret = env.secrets["rp"]
    extra = {"client_id": values("rp", "post", "nobody"), "client_secret": values(secret)}
    items = data.draw(mutated(valid, extra), label="form")
    authorization = data.draw(
        st.one_of(
            st.none(), authorization_header(_basic("rp", secret), _basic("svc", env.secrets["svc"]))
        ),
        label="authorization",
    )
    headers = _headers(data, None)
    if authorization is not None:
        headers["Authorization"] = authorization
    if data.draw(st.booleans(), label="raw body"):
        body, headers["Content-Type"] = data.draw(raw_bodies(items), label="body")
        response = client.post(endpoint, content=body, headers=on_the_wire(headers))
    else:
        response = _post_form(client, endpoint, items, headers)
    assert_api_answer(response)


# --- /logout -----------------------------------------------------------------------------------


@given(data=st.data())
@FUZZ
def test_logout_never_answers_a_server_error(
    client: TestClient, env: Env, data: st.DataObject
) -> None:
    """GET and POST, with a real ID token of the ``logout`` client (whose post-logout URI is
    registered) or a fuzzed one, with or without a session, with the confirmation's real or a fuzzed
    CSRF token."""
    signed_in = data.draw(st.booleans(), label="signed in")
    confirm_first = data.draw(st.booleans(), label="confirm first")
    if signed_in and not _session_id(client):
        get_tokens(client, env, "logout")
    elif not signed_in:
        client.cookies.clear()
    id_token = _id_token_of_logout_client(client, env) if signed_in else "none"
    csrf = "none"
    if signed_in and confirm_first:
        page = client.get("/logout")
        assert_browser_answer(page)
        if 'name="csrf"' in page.text:
            csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    hint = data.draw(st.one_of(st.just(id_token), st.just(id_token), jwt_like()), label="hint")
    valid = {
        "id_token_hint": hint,
        "post_logout_redirect_uri": POST_LOGOUT,
        "client_id": "logout",
        "state": "st-1",
    }
    extra = {
        "csrf": values(csrf),
        "ui_locales": values("en", "vi"),
        "logout_hint": values(PIN),
    }
    items = data.draw(mutated(valid, extra), label="params")
    cookie = data.draw(cookie_headers(_session_id(client)), label="cookie")
    how = data.draw(st.sampled_from(["GET", "GET", "POST", "POST", "raw", "HEAD"]), label="how")
    headers = _headers(data, cookie)
    if how == "GET":
        tail = data.draw(raw_query_tails, label="query tail")
        response = client.get(f"/logout?{raw_query(items, tail)}", headers=on_the_wire(headers))
    elif how == "POST":
        response = _post_form(client, "/logout", items, headers)
    elif how == "raw":
        body, headers["Content-Type"] = data.draw(raw_bodies(items), label="body")
        response = client.post("/logout", content=body, headers=on_the_wire(headers))
    else:
        response = client.request(how, "/logout", headers=on_the_wire(headers))
    note("logout", response)
    assert_browser_answer(response, allowed=[POST_LOGOUT])


def _id_token_of_logout_client(client: TestClient, env: Env) -> str:
    verifier, challenge = pkce()
    params = auth_params("logout", code_challenge=challenge, prompt="none")
    response = client.get("/authorize", params=params)
    if response.status_code != 302 or "code=" not in response.headers["location"]:
        return get_tokens(client, env, "logout")["id_token"]
    form = {
        "grant_type": "authorization_code",
        "code": query_of(response.headers["location"])["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    answer = client.post("/token", data=form, auth=("logout", env.secrets["logout"]))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id_token"])


# --- /register ---------------------------------------------------------------------------------


@pytest.fixture
def registration(env: Env) -> Iterator[TestClient]:
    """A provider with dynamic client registration on (same database and clients)."""
    update = {"registration_enabled": True, "registration_token": SecretStr(REGISTRATION_TOKEN)}
    app = create_app(env.settings.model_copy(update=update))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


REGISTRATION_FIELDS = {
    "redirect_uris": st.lists(
        values(REDIRECT, "http://127.0.0.1/cb", "https://rp.example/cb#x"), max_size=3
    ),
    "post_logout_redirect_uris": st.lists(values(POST_LOGOUT), max_size=2),
    "grant_types": st.lists(
        values("authorization_code", "refresh_token", "client_credentials"), max_size=3
    ),
    "response_types": st.lists(values("code", "token"), max_size=2),
    "token_endpoint_auth_method": values(
        "client_secret_basic", "client_secret_post", "private_key_jwt", "none"
    ),
    "scope": values("openid profile", "openid eid_card"),
    "client_name": values("Thử nghiệm"),
    "purpose": values("Mở tài khoản"),
    "id_token_signed_response_alg": values("RS256", "ES256", "PS256", "none", "HS256"),
    "access_token_signed_response_alg": values("RS256", "ES256"),
    "userinfo_signed_response_alg": values("RS256", "ES256"),
    "id_token_encrypted_response_alg": values("RSA-OAEP", "ECDH-ES"),
    "id_token_encrypted_response_enc": values("A128GCM", "A256GCM"),
    "userinfo_encrypted_response_alg": values("RSA-OAEP"),
    "subject_type": values("public", "pairwise"),
    "sector_identifier_uri": values("https://rp.example/sector.json"),
    "jwks": st.fixed_dictionaries(
        {
            "keys": st.lists(
                st.dictionaries(
                    st.sampled_from(["kty", "n", "e", "crv", "x", "y", "kid", "use", "alg", "d"]),
                    values("RSA", "EC", "P-256", "AQAB", "sig"),
                    max_size=6,
                ),
                max_size=2,
            )
        }
    )
    | json_values,
    "jwks_uri": values("https://rp.example/jwks"),
    "default_acr_values": st.lists(values(*ACRS), max_size=2),
    "default_max_age": st.integers() | json_values,
    "require_auth_time": st.booleans() | json_values,
    "backchannel_logout_uri": values("https://rp.example/bcl"),
    "backchannel_logout_session_required": st.booleans() | json_values,
    "contacts": st.lists(values("a@example.com"), max_size=2),
    "software_statement": jwt_like(),
    "token_endpoint_auth_signing_alg": values("RS256", "none"),
    "request_uris": st.lists(values(), max_size=1),
    "logo_uri": values("https://rp.example/logo.png"),
    "é": json_values,
}


@given(data=st.data())
@FUZZ
def test_registration_never_answers_a_server_error(
    registration: TestClient, data: st.DataObject
) -> None:
    """Fuzzed client metadata (known fields with fuzzed values and JSON types), malformed bodies and
    initial access tokens; a client that is registered is then used for an authorization request and
    at the token endpoint."""
    names = data.draw(
        st.lists(st.sampled_from(sorted(REGISTRATION_FIELDS)), max_size=4, unique=True),
        label="fields",
    )
    metadata: dict[str, Any] = {"redirect_uris": [REDIRECT]}
    for name in names:
        metadata[name] = data.draw(REGISTRATION_FIELDS[name], label=name)
    headers = _headers(data, None)
    bearer = f"Bearer {REGISTRATION_TOKEN}"
    authorization = data.draw(
        st.one_of(st.just(bearer), st.just(bearer), st.just(bearer), authorization_header(bearer)),
        label="authorization",
    )
    headers["Authorization"] = authorization
    kind = data.draw(st.sampled_from(["json", "json", "raw", "value", "deep"]), label="body kind")
    if kind == "raw":
        items = [(k, json.dumps(v)) for k, v in metadata.items()]
        body, headers["Content-Type"] = data.draw(raw_bodies(items), label="body")
    elif kind == "deep":  # nested deeper than the JSON parser's recursion limit
        body = data.draw(st.sampled_from([b"[" * 5000, b'{"a":' * 3000]), label="body")
        headers["Content-Type"] = "application/json"
    else:
        document = metadata if kind == "json" else data.draw(json_values, label="document")
        body, headers["Content-Type"] = json.dumps(document).encode(), "application/json"
    response = registration.post("/register", content=body, headers=on_the_wire(headers))
    note("register", response)
    assert_api_answer(response)
    if response.status_code == 201:
        _use_registered_client(registration, response.json(), data)


def _use_registered_client(client: TestClient, info: dict[str, Any], data: st.DataObject) -> None:
    """An authorization request and a token request from a client registered with fuzzed metadata."""
    client_id = info["client_id"]
    _, challenge = pkce()
    uri = (info.get("redirect_uris") or [REDIRECT])[0]
    params = {**auth_params(client_id, code_challenge=challenge), "redirect_uri": uri}
    params["scope"] = data.draw(
        st.sampled_from(["openid", str(info.get("scope", "openid"))]), label="scope"
    )
    response = client.get("/authorize", params=params)
    assert_browser_answer(response, allowed=info.get("redirect_uris", []))
    form = {"grant_type": "client_credentials", "scope": "openid"}
    if "client_secret" in info:
        answer = client.post("/token", data=form, auth=(client_id, info["client_secret"]))
    else:
        answer = client.post("/token", data={**form, "client_id": client_id})
    assert_api_answer(answer)


# --- discovery, JWKS, the front page, health, portraits, the SMS inbox, the account page ---------


PAGES = (
    "/",
    "/healthz",
    "/.well-known/openid-configuration",
    "/.well-known/oauth-authorization-server",
    "/jwks",
    "/openapi.json",
    "/portraits/me",
    "/portraits/{portrait}.svg",
    "/sandbox/sms",
    "/sandbox/sms.json",
    "/account",
    "/{portrait}",
)
JSON_PAGES = ("/healthz", "/.well-known/", "/jwks", "/openapi.json", "/sandbox/sms.json")


@given(data=st.data())
@FUZZ
def test_pages_and_documents_never_answer_a_server_error(
    client: TestClient, env: Env, tokens: dict[str, str], data: st.DataObject
) -> None:
    """Every other route, by any method, with fuzzed query parameters (``ui_locales``, ``phone``,
    duplicated, oversized), path segments and cookies."""
    path = data.draw(st.sampled_from(PAGES), label="path")
    if "{portrait}" in path:
        segment = data.draw(values("AAAAAAAAAAAAAAAAAAAAAAAA", "me", "x" * 24), label="segment")
        path = path.replace("{portrait}", quote(segment[:2000], safe=""))
    query = data.draw(
        mutated(
            {},
            {
                "ui_locales": values("en", "vi"),
                "phone": values("+84912000001", "0912000001"),
                "lang": values("en"),
            },
        ),
        label="query",
    )
    method = data.draw(
        st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]),
        label="method",
    )
    tail = data.draw(raw_query_tails, label="query tail")
    cookie = data.draw(cookie_headers(_session_id(client)), label="cookie")
    headers = _headers(data, cookie)
    response = client.request(
        method, f"{path}?{raw_query(query, tail)}", headers=on_the_wire(headers)
    )
    assert_not_server_error(response)
    assert_escaped(response)
    # A HEAD answer has no body; a refused CORS preflight (OPTIONS) is for the browser's CORS check,
    # which reads none; a browser asking for HTML gets the error page (idp.login.form_errors).
    failed = response.status_code >= 400 and response.status_code not in (404, 405)
    browser = is_html(response) and "text/html" in headers.get("Accept", "")
    with_body = method not in ("HEAD", "OPTIONS") and not browser
    if urlsplit(path).path.startswith(JSON_PAGES) and failed and with_body:
        assert_json_error(response)


# --- PostgreSQL: values with NUL characters ----------------------------------------------------


@pytest.fixture(scope="module")
def on_postgresql(env: Env, postgres_server: str) -> Iterator[TestClient]:
    """The provider over a PostgreSQL database of the personas, with its state in the database too
    (``state_store_url=sql``): the backend whose text columns refuse NUL characters."""
    url = fresh_postgres(postgres_server)
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    settings = env.settings.model_copy(update={"database_url": url, "state_store_url": "sql"})
    try:
        with TestClient(create_app(settings), follow_redirects=False) as test_client:
            yield test_client
    finally:
        drop_postgres(url)


def _quoted_cookie(value: str) -> str:
    """The session cookie as a quoted string (RFC 2109) whose ``\\000`` escapes Python's cookie
    parser turns into NUL characters, its other characters printable ASCII."""
    kept = "".join(c if c == "\x00" or (c.isascii() and c.isalnum()) else "" for c in value)
    return f'{SESSION_COOKIE}="{kept.replace(chr(0), chr(92) + "000")}"'


NUL_REQUESTS: dict[str, Any] = {
    "authorize client_id": lambda c, env, v: c.get(
        "/authorize", params=auth_params(v, code_challenge="x" * 43)
    ),
    "interaction uid": lambda c, env, v: c.get(f"/interaction/{quote(v, safe='')}"),
    "token Basic client_id": lambda c, env, v: c.post(
        "/token", data={"grant_type": "client_credentials"}, auth=(v, "secret")
    ),
    "token code": lambda c, env, v: c.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": v,
            "redirect_uri": REDIRECT,
            "code_verifier": "v" * 43,
        },
        auth=("rp", env.secrets["rp"]),
    ),
    "token refresh_token": lambda c, env, v: c.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": v},
        auth=("rp", env.secrets["rp"]),
    ),
    "introspect token": lambda c, env, v: c.post(
        "/introspect", data={"token": v}, auth=("rp", env.secrets["rp"])
    ),
    "revoke token": lambda c, env, v: c.post(
        "/revoke",
        data={"token": v, "token_type_hint": "refresh_token"},
        auth=("rp", env.secrets["rp"]),
    ),
    "logout client_id": lambda c, env, v: c.get("/logout", params={"client_id": v}),
    "sms inbox phone": lambda c, env, v: c.get("/sandbox/sms.json", params={"phone": v}),
    "session cookie": lambda c, env, v: c.get("/account", headers={"Cookie": _quoted_cookie(v)}),
    "client assertion sub": lambda c, env, v: c.post(
        "/token", data={"grant_type": "client_credentials", **_assertion({"sub": v})}
    ),
    "login username": lambda c, env, v: _log_in(c, v),
    "withdrawal client_id": lambda c, env, v: _withdraw(c, v),
    "withdrawal confirmation client_id": lambda c, env, v: _confirm_withdrawal(c, v),
}


def _assertion(claims: Any) -> dict[str, str]:
    """The form fields of an (unsigned) ``private_key_jwt`` client assertion of ``claims``; Authlib
    reads its ``sub`` before any signature is checked."""
    header = b64url(json.dumps({"alg": "RS256"}).encode())
    payload = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    return {
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": f"{header}.{b64url(payload)}.{b64url(b'signature')}",
    }


def _log_in(client: TestClient, username: str) -> Any:
    """The login form of a new interaction, posted with ``username`` and the sandbox password."""
    page = client.get("/authorize", params=auth_params(code_challenge="x" * 43, prompt="login"))
    uid = _uid_of(page.text)
    data = {"username": username, "password": PASSWORD, "csrf": csrf_of(page.text)}
    return client.post(f"/interaction/{uid}/login", data=data)


def _sharing_with_rp(client: TestClient) -> None:
    """Signed in, and sharing with ``rp``."""
    params = auth_params(code_challenge="x" * 43, prompt="login consent")
    page = client.get("/authorize", params=params)
    uid = _uid_of(page.text)
    data = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(page.text)}
    consent = follow(client, client.post(f"/interaction/{uid}/login", data=data))
    client.post(f"/interaction/{uid}/consent", data=consent_form(consent.text))


def _withdraw(client: TestClient, client_id: str) -> Any:
    """The account page's withdrawal form (its confirmation page's), posted with ``client_id``."""
    _sharing_with_rp(client)
    confirmation = client.get("/account/withdraw", params={"client_id": "rp"}).text
    data = {"client_id": client_id, "csrf": csrf_of(confirmation)}
    return client.post("/account/withdraw", data=data)


def _confirm_withdrawal(client: TestClient, client_id: str) -> Any:
    """The withdrawal's confirmation page, asked for ``client_id``."""
    _sharing_with_rp(client)
    return client.get("/account/withdraw", params={"client_id": client_id})


@pytest.mark.postgres
@given(data=st.data())
@settings(FUZZ, max_examples=EXAMPLES // 3)
def test_nul_characters_never_answer_a_server_error_on_postgresql(
    on_postgresql: TestClient, env: Env, data: st.DataObject
) -> None:
    """Every value that reaches a query or the state store's key, with a NUL character in it (as
    ``%00``, or a cookie's ``\\000``): PostgreSQL refuses such text, which must not become a 5xx."""
    where = data.draw(st.sampled_from(sorted(NUL_REQUESTS)), label="where")
    value = data.draw(
        st.builds(
            lambda a, b: f"{a}\x00{b}",
            unicode_text.map(lambda t: t[:20]),
            unicode_text.map(lambda t: t[:20]),
        ),
        label="value",
    )
    response = NUL_REQUESTS[where](on_postgresql, env, value)
    assert_not_server_error(response)


# --- Regression tests: the failing examples the fuzzing found ----------------------------------


def test_a_claims_parameter_nested_too_deep_is_invalid_request(client: TestClient) -> None:
    """``claims`` of 3,000 ``[`` (under the 8 KiB limit): json.loads raises RecursionError, which
    neither the claims parameter's check nor the requirement's parser catches."""
    _, challenge = pkce()
    response = client.get(
        "/authorize", params=auth_params(code_challenge=challenge, claims="[" * 3000)
    )
    assert response.status_code in (302, 400), response.text
    assert_browser_answer(response, allowed=[REDIRECT])


def _unsigned_with_header(header: dict[str, Any]) -> str:
    return f"{b64url(json.dumps(header).encode())}.{b64url(b'{}')}.{b64url(b'x')}"


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "é"},
        {"alg": '"'},
        {"alg": "RS256", "kid": "é"},
        {"alg": "RS256", "crit": ["\u200f"]},
    ],
    ids=["alg", "alg-quote", "kid", "crit"],
)
def test_an_id_token_hint_with_a_non_ascii_header_is_a_logout_error_page(
    client: TestClient, header: dict[str, Any]
) -> None:
    """joserfc's description of the hint's error quotes the header's ``alg``/``kid``/``crit``, and
    Authlib's ``EndSessionEndpoint`` turns it into an ``InvalidRequestError``, which refuses any
    character outside RFC 6749 §5.2's charset (ValueError)."""
    response = client.get("/logout", params={"id_token_hint": _unsigned_with_header(header)})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("max_age", ["²", "①", "9" * 4301])
def test_a_max_age_that_int_refuses_is_invalid_request(
    client: TestClient, tokens: dict[str, str], max_age: str
) -> None:
    """With a session, ``max_age`` passes ``str.isdigit()`` (superscripts, other scripts' digits) or
    is longer than ``int()`` converts (4,300 digits), then ``int(max_age)`` raises ValueError."""
    _, challenge = pkce()
    params = auth_params(code_challenge=challenge, max_age=max_age)
    response = client.get("/authorize", params=params)
    assert response.status_code in (200, 302, 400), response.text
    assert_browser_answer(response, allowed=[REDIRECT])


def _exact(
    client: TestClient, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, bytes]:
    """A request with exactly these header bytes, straight to the application (the test client would
    send a header's non-ASCII characters as UTF-8): its status and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-length", b"%d" % len(body)), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


FORM_TYPE = (b"content-type", b"application/x-www-form-urlencoded")


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
@pytest.mark.parametrize(
    "authorization",
    [b"Basic \xa0", b"Basic \x85", b"x \xa0"],
    ids=["basic-nbsp", "basic-nel", "other-nbsp"],
)
def test_an_authorization_header_of_one_word_and_a_space_is_invalid_client(
    client: TestClient, path: str, authorization: bytes
) -> None:
    """Authlib's ``extract_basic_authorization`` sees a space, splits on any Unicode whitespace
    (``\\xa0`` and ``\\x85`` are, after Latin-1 decoding) and gets one word: ValueError on unpacking."""
    body = b"grant_type=client_credentials&token=x"
    status, answer = _exact(
        client, "POST", path, [FORM_TYPE, (b"authorization", authorization)], body
    )
    assert status in (400, 401), answer
    assert_json_error(_Answer(status, answer))


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
def test_basic_credentials_with_characters_beyond_ascii_are_invalid_client(
    client: TestClient, path: str
) -> None:
    """``base64.b64decode`` of a ``str`` with non-ASCII characters raises ValueError, which the
    Basic header's check (binascii.Error, UnicodeDecodeError) does not catch."""
    body = b"grant_type=client_credentials&token=x"
    headers = [FORM_TYPE, (b"authorization", b"Basic \xe9t\xe9")]
    status, answer = _exact(client, "POST", path, headers, body)
    assert status == 401, answer
    assert_json_error(_Answer(status, answer))


class _Answer:
    """Enough of a response for :func:`tests.fuzz_strategies.assert_json_error`."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status_code = status
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.mark.parametrize(
    "jwks",
    [{}, {"keys": 1}, {"keys": [{"kty": "EC", "crv": "P-999", "x": "AA", "y": "AA"}]}],
    ids=["no-keys", "keys-not-a-list", "unknown-curve"],
)
def test_a_malformed_jwks_at_registration_is_invalid_client_metadata(
    registration: TestClient, jwks: dict[str, Any]
) -> None:
    """Authlib's ``validate_jwks`` catches joserfc's own errors only; ``KeySet.import_key_set``
    raises KeyError (no ``keys``, an unknown ``crv``) and TypeError (``keys`` not a list)."""
    response = registration.post(
        "/register",
        json={"redirect_uris": [REDIRECT], "jwks": jwks},
        headers={"Authorization": f"Bearer {REGISTRATION_TOKEN}"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_client_metadata"
    assert_json_error(response)


def test_resuming_an_unknown_interaction_is_an_error_page(client: TestClient) -> None:
    response = client.get("/interaction/unknown")
    assert response.status_code == 400
    assert response.headers.get("content-type", "").startswith("text/html"), response.headers


@pytest.mark.postgres
@pytest.mark.parametrize("where", sorted(NUL_REQUESTS))
def test_a_nul_character_is_not_a_database_failure_on_postgresql(
    on_postgresql: TestClient, env: Env, where: str
) -> None:
    """PostgreSQL refuses text with a NUL character (psycopg's DataError); the provider answers
    503 ``temporarily_unavailable``, "the population database is unreachable or not seeded"."""
    response = NUL_REQUESTS[where](on_postgresql, env, "a\x00b")
    assert response.status_code < 500, response.text


@pytest.mark.parametrize("path", ["/token", "/revoke", "/introspect"])
def test_a_client_assertion_nested_too_deep_is_invalid_client(
    client: TestClient, path: str
) -> None:
    """Authlib's ``extract_assertion`` parses the (unverified) claims with json.loads and catches
    ValueError only: 3,000 ``[`` raise RecursionError."""
    data = {"grant_type": "client_credentials", "token": "x", **_assertion(b"[" * 3000)}
    response = client.post(path, data=data)
    assert response.status_code in (400, 401), response.text
    assert_json_error(response)


@pytest.mark.parametrize("body", [b"[" * 5000, b'{"a":' * 3000], ids=["array", "object"])
def test_a_registration_body_nested_too_deep_is_invalid_request(
    registration: TestClient, body: bytes
) -> None:
    """The JSON body's reader (``idp.oidc.requests.JsonBody``) catches ValueError, not the
    RecursionError of a body nested deeper than the parser's recursion limit."""
    headers = {"Authorization": f"Bearer {REGISTRATION_TOKEN}", "Content-Type": "application/json"}
    response = registration.post("/register", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert_json_error(response)
