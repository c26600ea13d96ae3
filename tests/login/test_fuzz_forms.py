"""Property-based fuzzing of the interaction's HTML forms (login, cancel, continue, otp, otp/resend,
passcode, face, consent), its pages, the account page and its withdrawal form, and the logout
confirmation form: the provider never answers a 5xx (nor lets an exception escape) on bad input.

Every example first brings a real interaction to a real step (the login form, the SMS code, the
passcode, the face match, an ending page, consent), with its real CSRF token and browser-binding
cookie, then lets hypothesis (:mod:`tests.fuzz_strategies`) drop, repeat and replace the form's fields,
post the form to the step's or another form's route, under another content type or body, with fuzzed
cookies (session, binding) and headers, or to a fuzzed interaction id. The answer is a page, a
redirect to the provider or to the client's registered ``redirect_uri``, or a JSON error for a body
that could not be read; never a 5xx.

The provider has a database of its own: fuzzed passwords, codes and passcodes lock factors out, which
must not reach other tests (:mod:`tests.login.providers` says the same). The plain regression tests at
the end are the failing examples the fuzzing found, reduced to one request each.
"""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import assume
from hypothesis import given
from hypothesis import strategies as st
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from idp.login.sms_inbox import e164
from idp.oidc.backchannel import HttpLogoutSender
from idp.population_db.database import connect
from idp.population_db.personas import PERSONAS
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.fuzz_strategies import BINDING_COOKIE
from tests.fuzz_strategies import SESSION_COOKIE
from tests.fuzz_strategies import Items
from tests.fuzz_strategies import assert_browser_answer
from tests.fuzz_strategies import fuzz_settings
from tests.fuzz_strategies import header_sets
from tests.fuzz_strategies import header_text
from tests.fuzz_strategies import mutated
from tests.fuzz_strategies import note
from tests.fuzz_strategies import on_the_wire
from tests.fuzz_strategies import raw_bodies
from tests.fuzz_strategies import raw_query
from tests.fuzz_strategies import values
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import consent_form
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import follow
from tests.oidc.conftest import pkce

EXAMPLES = 150
FUZZ = fuzz_settings(EXAMPLES)
# The fuzzed login forms' citizen: its password lockouts spare PIN, whose logins set every example up.
OTHER_PIN = "031190999002"
PHONE = e164(next(p.phone_number for p in PERSONAS if p.pin == PIN) or "")
# The step an interaction is brought to, by the request's acr_values and the factors answered.
STEPS = {
    "login": {},
    "consent": {"scope": "openid profile"},
    "otp": {"acr_values": "LoA2"},
    "passcode": {"acr_values": "LoA3"},
    "face": {"acr_values": "LoA3"},
    "unmet": {"acr_values": "LoA4"},
}
FORMS = ("login", "cancel", "continue", "otp", "otp/resend", "passcode", "face", "consent")
FORM_OF_STEP = {"login": "login", "consent": "consent", "otp": "otp", "passcode": "passcode"}
FORM_OF_STEP |= {"face": "face", "unmet": "continue"}


@pytest.fixture(scope="module")
def provider(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A provider over a database of its own (the personas), without login rate limits (every
    example logs in), its back-channel logout tokens delivered to a stand-in relying party, behind
    uvicorn's proxy headers."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-forms') / 'db.sqlite3'}"
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    settings = IdPSettings(
        database_url=url,
        issuer=env.settings.issuer,
        keys_dir=env.settings.keys_dir,
        clients_file=env.settings.clients_file,
        login_rate_per_ip=1_000_000,
        login_rate_per_account=1_000_000,
    )
    sender = HttpLogoutSender(1.0, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    # Behind uvicorn's proxy-header handling, trusting everyone (VNEID_FORWARDED_ALLOW_IPS=*): the
    # fuzzed X-Forwarded-For becomes the address the login limits count.
    provider_app: Any = create_app(settings, logout_sender=sender)  # uvicorn's ASGI types differ
    app: Any = ProxyHeadersMiddleware(provider_app, trusted_hosts="*")
    with TestClient(app, follow_redirects=False) as client:
        yield client


def _interaction_of(html: str) -> str:
    found = re.search(r'action="/interaction/([^/"]+)/', html)
    assert found is not None, html[:2000]
    return found.group(1)


def _sms_code(client: TestClient) -> str:
    response = client.get("/sandbox/sms.json", params={"phone": PHONE})
    messages = response.json()["messages"]
    return str(messages[0]["code"]) if messages else "000000"


def _brought_to(client: TestClient, step: str) -> tuple[str, str]:
    """A new interaction (a new password login of PIN, then the factors before ``step``) at ``step``:
    its uid and current page (each form's 303 followed to it)."""
    _, challenge = pkce()
    # Consent asked again even when an example before approved it: every setup ends at the page.
    params = auth_params(code_challenge=challenge, prompt="login consent", **STEPS[step])
    page = client.get("/authorize", params=params)
    assert page.status_code == 200, page.text
    uid = _interaction_of(page.text)
    if step == "login":
        return uid, page.text
    csrf = csrf_of(page.text)
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf}
    page = follow(client, client.post(f"/interaction/{uid}/login", data=login))
    if step == "face":
        passcode = {"passcode": PASSCODE, "csrf": csrf}
        page = follow(client, client.post(f"/interaction/{uid}/passcode", data=passcode))
    # Not asserted: fuzzed passcodes may have locked the passcode out, and the locked page is as
    # good a place to fuzz as any.
    return uid, page.text


def _binding_of(client: TestClient, uid: str) -> str:
    for cookie in client.cookies.jar:
        if cookie.name == BINDING_COOKIE and cookie.path == f"/interaction/{uid}":
            return str(cookie.value)
    return ""


@st.composite
def cookie_headers(draw: st.DrawFn, session: str, binding: str) -> str | None:
    """None (the browser's own cookies), or a ``Cookie`` header of the session and binding cookies
    with real, altered or repeated values and arbitrary others. (The draws never depend on the real
    values, so that hypothesis can replay an example.)"""
    if draw(st.sampled_from([True, True, True, False])):
        return None
    pairs = []
    for name, real in ((SESSION_COOKIE, session or "none"), (BINDING_COOKIE, binding or "none")):
        for _ in range(draw(st.integers(0, 2))):
            pairs.append(f"{name}={draw(header_text(real, real, f'{real[:-1]}', chr(34) + real))}")
    pairs += draw(st.lists(header_text().map(lambda text: text.replace(";", "")), max_size=1))
    return "; ".join(pairs)


def _uids(uid: str) -> st.SearchStrategy[str]:
    """The interaction's uid (mostly), a near miss, or any value."""
    return st.one_of([st.just(uid)] * 4 + [st.sampled_from([uid[:-1], "x", ""]), values()])


def _valid_fields(form: str, html: str, code: str) -> dict[str, str]:
    """What a browser would post from ``form`` at the current page (scopes are added apart)."""
    csrf = csrf_of(html) if 'name="csrf"' in html else "none"
    fields = {
        "login": {"username": OTHER_PIN, "password": PASSWORD},
        "otp": {"otp": code},
        "passcode": {"passcode": PASSCODE},
        "face": {"face": "match"},
        "consent": {"decision": "approve"},
    }.get(form, {})
    return {**fields, "csrf": csrf}


def _post(
    client: TestClient, data: st.DataObject, url: str, items: Items, headers: dict[str, str]
) -> Any:
    """``items`` posted as a form, or as another body under a fuzzed content type."""
    if data.draw(st.sampled_from([True, True, True, False]), label="urlencoded"):
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        return client.post(url, content=urlencode(items), headers=on_the_wire(headers))
    body, content_type = data.draw(raw_bodies(items), label="body")
    return client.post(
        url, content=body, headers=on_the_wire({**headers, "Content-Type": content_type})
    )


@given(data=st.data())
@FUZZ
def test_the_interaction_forms_never_answer_a_server_error(
    provider: TestClient, data: st.DataObject
) -> None:
    """A form posted at a real step (mostly the step's own form), its fields dropped, repeated or
    fuzzed (the real CSRF token, SMS code and passcode among the values), to the real interaction or
    a fuzzed id, as a form or another body, with the browser's or fuzzed cookies."""
    step = data.draw(st.sampled_from(sorted(STEPS)), label="step")
    uid, html = _brought_to(provider, step)
    own = FORM_OF_STEP[step]
    form = data.draw(st.sampled_from([own, own, own, *FORMS]), label="form")
    code = _sms_code(provider) if step == "otp" else "123456"
    fields = _valid_fields(form, html, code)
    extra = {"scope": values("profile", "openid", "eid_card")} if form == "consent" else {}
    items = data.draw(mutated(fields, extra), label="fields")
    if form == "consent" and data.draw(st.booleans(), label="ticked scopes"):
        items += [("scope", scope) for scope in consent_form(html)["scope"]]
    target = data.draw(_uids(uid), label="uid")
    path = f"/interaction/{quote(target[:1000], safe='')}/{form}"
    session = str(provider.cookies.get(SESSION_COOKIE) or "")
    cookie = data.draw(cookie_headers(session, _binding_of(provider, uid)), label="cookie")
    headers = data.draw(header_sets(), label="headers")
    if cookie is not None:
        headers["Cookie"] = cookie
    response = _post(provider, data, path, items, headers)
    note(form, response)
    assert_browser_answer(response, allowed=[REDIRECT])


@given(data=st.data())
@FUZZ
def test_the_interaction_pages_never_answer_a_server_error(
    provider: TestClient, data: st.DataObject
) -> None:
    """The current step's page and the consent page, by any method, with fuzzed ``login_hint``,
    ``lang`` and ``ui_locales``, interaction ids and cookies."""
    step = data.draw(st.sampled_from(sorted(STEPS)), label="step")
    uid, _ = _brought_to(provider, step)
    target = data.draw(_uids(uid), label="uid")
    page = data.draw(st.sampled_from(["", "", "/consent", "/login", "/otp"]), label="page")
    query = data.draw(
        mutated(
            {}, {"login_hint": values(PIN), "lang": values("en", "vi"), "ui_locales": values("en")}
        ),
        label="query",
    )
    method = data.draw(
        st.sampled_from(["GET", "GET", "GET", "HEAD", "PUT", "DELETE"]), label="method"
    )
    session = str(provider.cookies.get(SESSION_COOKIE) or "")
    cookie = data.draw(cookie_headers(session, _binding_of(provider, uid)), label="cookie")
    headers = data.draw(header_sets(), label="headers")
    if cookie is not None:
        headers["Cookie"] = cookie
    url = f"/interaction/{quote(target[:1000], safe='')}{page}?{raw_query(query)}"
    assume(len(url) < 32_000)  # longer URLs are refused by the test client itself
    response = provider.request(method, url, headers=on_the_wire(headers))
    note(f"page{page}", response)
    assert_browser_answer(response, allowed=[REDIRECT])


def _signed_in(client: TestClient) -> None:
    """A session for PIN (a password login through a new interaction), unless one is alive (the
    account page then shows)."""
    account = client.get("/account")
    if account.status_code == 200 and 'name="password"' not in account.text:
        return
    _, html = _brought_to(client, "consent")
    assert 'name="decision"' in html, html[:2000]


def _account_csrf(html: str) -> str:
    found = re.search(
        r'action="/account/withdraw"><input type="hidden" name="csrf" value="([^"]+)"', html
    )
    return found.group(1) if found else "none"


@given(data=st.data())
@FUZZ
def test_the_account_page_and_withdrawal_never_answer_a_server_error(
    provider: TestClient, data: st.DataObject
) -> None:
    """The account page with fuzzed ``ui_locales``, and the withdrawal form with a real or fuzzed
    ``client_id`` and CSRF token, with the session's or fuzzed cookies."""
    _signed_in(provider)
    page = provider.get("/account")
    assert page.status_code == 200, page.text
    session = str(provider.cookies.get(SESSION_COOKIE) or "")
    cookie = data.draw(cookie_headers(session, ""), label="cookie")
    headers = data.draw(header_sets(), label="headers")
    if cookie is not None:
        headers["Cookie"] = cookie
    if data.draw(st.booleans(), label="withdraw"):
        client_id = data.draw(
            st.sampled_from(["rp", "data", "logout", "nobody"]), label="client_id"
        )
        fields = {"client_id": client_id, "csrf": _account_csrf(page.text)}
        items = data.draw(mutated(fields), label="fields")
        response = _post(provider, data, "/account/withdraw", items, headers)
    else:
        query = data.draw(mutated({}, {"ui_locales": values("en", "vi")}), label="query")
        method = data.draw(st.sampled_from(["GET", "GET", "HEAD", "PUT"]), label="method")
        response = provider.request(
            method, f"/account?{raw_query(query)}", headers=on_the_wire(headers)
        )
    note("account", response)
    assert_browser_answer(response)


@given(data=st.data())
@FUZZ
def test_the_logout_confirmation_form_never_answers_a_server_error(
    provider: TestClient, data: st.DataObject
) -> None:
    """The confirmation page's form posted with its real or a fuzzed CSRF token (repeated, missing),
    with the session's or fuzzed cookies."""
    _signed_in(provider)
    page = provider.get("/logout")
    assert page.status_code == 200, page.text
    fields = {"csrf": csrf_of(page.text) if 'name="csrf"' in page.text else "none"}
    extra = {"ui_locales": values("en"), "client_id": values("rp"), "state": values("st-1")}
    items = data.draw(mutated(fields, extra), label="fields")
    session = str(provider.cookies.get(SESSION_COOKIE) or "")
    cookie = data.draw(cookie_headers(session, ""), label="cookie")
    headers = data.draw(header_sets(), label="headers")
    if cookie is not None:
        headers["Cookie"] = cookie
    response = _post(provider, data, "/logout", items, headers)
    note("logout", response)
    assert_browser_answer(response)


# --- Regression tests: the failing examples the fuzzing found ----------------------------------


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "multipart/form-data"])
@pytest.mark.parametrize("form", ["cancel", "continue", "otp", "otp/resend", "passcode", "face"])
def test_a_malformed_multipart_body_is_invalid_request(
    provider: TestClient, form: str, content_type: str
) -> None:
    """Not a 5xx, and not FastAPI's own 400 ``{"detail": "Invalid multipart data."}``: the forms'
    ``invalid_request``, as the error page (:mod:`idp.web.errors`)."""
    uid, html = _brought_to(provider, "login")
    body = urlencode({"csrf": csrf_of(html)}).encode()
    response = provider.post(
        f"/interaction/{uid}/{form}", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text


def test_a_malformed_multipart_withdrawal_is_invalid_request(provider: TestClient) -> None:
    _signed_in(provider)
    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    response = provider.post("/account/withdraw", content=b"client_id=rp&csrf=x", headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_request" in response.text
