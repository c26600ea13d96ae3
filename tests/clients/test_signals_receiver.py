"""Each app registers its stream of identity events at the provider when it starts, and its receiver
(RFC 8935 push) refuses a SET with a forged signature, another audience or issuer, the wrong ``typ``, the
wrong media type or a body over 64 KiB (400 with RFC 8935's ``err``) and the wrong ``Authorization``
(401, which the provider tries again), while a repeated ``jti`` is acknowledged again but applied
once."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from pydantic import SecretStr

from clients.hospital.app import create_app as create_hospital
from clients.hospital.settings import HospitalSettings
from clients.rp.signal_types import EVENTS_REQUESTED
from clients.rp.signal_types import PUSH_DELIVERY
from clients.rp.signal_types import SESSION_REVOKED
from tests.clients.conftest import Browser
from tests.clients.conftest import Stack
from tests.clients.signal_steps import push
from tests.clients.signal_steps import security_event
from tests.clients.signal_steps import stream_of
from tests.clients.signal_steps import wait_for
from tests.servers import Served
from tests.servers import free_port

PORTAL_SECRET = "portal-sandbox-secret"


def _provider_streams(stack: Stack) -> Any:
    """The portal's streams, as the provider answers the portal's own client credentials."""
    ssf = httpx.get(f"{stack.idp}/.well-known/ssf-configuration").json()
    openid = httpx.get(f"{stack.idp}/.well-known/openid-configuration").json()
    token = httpx.post(
        openid["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": "shared_signals"},
        auth=("portal", PORTAL_SECRET),
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(ssf["configuration_endpoint"], headers=headers).json()


APPS = ("portal", "bank", "hospital")


@pytest.mark.parametrize("app", APPS)
def test_each_app_registers_its_stream_and_it_is_verified(stack: Stack, app: str) -> None:
    stream = stream_of(stack, app)
    configuration = stream["configuration"]
    assert configuration["aud"] in (app, [app])
    assert configuration["delivery"]["method"] == PUSH_DELIVERY
    assert configuration["delivery"]["endpoint_url"] == f"{stack.urls[app]}/signals"
    assert set(EVENTS_REQUESTED) <= set(configuration["events_requested"])
    assert stream["error"] == ""
    # the verification event the app asked for came back through the stream
    wait_for(f"{app}'s verification", lambda: _inspector_stream(stack, app)["verified_at"] > 0)


@pytest.fixture
def unlicensed_hospital(stack: Stack) -> Iterator[str]:
    """A hospital started under its card-verification client, which holds no ``shared_signals``
    licence: the provider refuses its stream's token (``invalid_scope``)."""
    port = free_port()
    settings = HospitalSettings(
        issuer=stack.idp,
        base_url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{stack.tmp / 'hospital-unlicensed.sqlite3'}",
        client_id="hospital-verification",
        client_secret=SecretStr("hospital-verification-sandbox-secret"),
    )
    served = Served(create_hospital(settings), port=port)
    yield f"http://127.0.0.1:{port}"
    served.stop()


def test_a_refused_registration_is_shown_and_not_tried_again(unlicensed_hospital: str) -> None:
    def stream() -> dict[str, Any]:
        found: dict[str, Any] = httpx.get(f"{unlicensed_hospital}/inspector.json").json()["stream"]
        return found

    wait_for("the hospital's answer", lambda: stream()["status"] != "starting")
    state = stream()
    assert state["status"] == "failed"
    assert "invalid_scope" in state["error"]
    assert state["attempts"] == 1
    page = httpx.get(f"{unlicensed_hospital}/inspector").text
    assert 'data-stream="failed"' in page
    assert "invalid_scope" in page


def _inspector_stream(stack: Stack, app: str) -> dict[str, Any]:
    stream: dict[str, Any] = httpx.get(f"{stack.urls[app]}/inspector.json").json()["stream"]
    return stream


def test_the_provider_knows_the_portals_stream(stack: Stack) -> None:
    stream_id = stream_of(stack, "portal")["stream_id"]
    streams = _provider_streams(stack)
    found = streams if isinstance(streams, list) else [streams]
    assert [s["stream_id"] for s in found] == [stream_id]
    assert found[0]["delivery"]["endpoint_url"] == f"{stack.urls['portal']}/signals"


def _forged_key() -> RSAKey:
    return RSAKey.generate_key(2048, auto_kid=True)


@pytest.mark.parametrize(
    ("case", "err", "changes"),
    [
        ("signed by another key", "invalid_key", {"key": "forged"}),
        ("another audience", "invalid_audience", {"aud": "bank"}),
        ("another issuer", "invalid_issuer", {"iss": "http://evil.example"}),
        ("not a SET", "invalid_request", {"header": {"typ": "JWT"}}),
        ("two events", "invalid_request", {"events": {"a": {}, "b": {}}}),
        ("no jti", "invalid_request", {"jti": None}),
    ],
)
def test_a_bad_set_is_refused(stack: Stack, case: str, err: str, changes: dict[str, Any]) -> None:
    key = _forged_key() if changes.pop("key", None) else None
    header = changes.pop("header", None)
    token = security_event(
        stack, SESSION_REVOKED, {}, "nobody", "portal", key=key, header=header, **changes
    )
    response = push(stack, "portal", token)
    assert response.status_code == 400, case
    assert response.json()["err"] == err, case
    assert response.json()["description"]


@pytest.mark.parametrize("authorization", ["", "Bearer not-the-streams-secret"])
def test_the_wrong_authorization_is_refused(stack: Stack, authorization: str) -> None:
    token = security_event(stack, SESSION_REVOKED, {}, "nobody", "portal")
    response = push(stack, "portal", token, authorization=authorization)
    # An HTTP authentication failure, not a bad SET: the provider tries it again (the app may be
    # registering its stream again with a new secret).
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["err"] == "authentication_failed"


def test_a_body_over_64_kib_is_refused_before_it_is_read(stack: Stack) -> None:
    secret = stack.apps["portal"].state.signals.authorization
    headers = {"Content-Type": "application/secevent+jwt", "Authorization": secret}
    url = f"{stack.urls['portal']}/signals"
    stream_of(stack, "portal")
    declared = httpx.post(url, content=b"a" * (64 * 1024 + 1), headers=headers)
    assert declared.status_code == 400
    assert declared.json()["err"] == "invalid_request"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        for _ in range(80):
            yield b"a" * 1024

    streamed = httpx.post(url, content=chunks(), headers=headers)
    assert streamed.status_code == 400
    assert "content-length" not in streamed.request.headers
    unauthenticated = httpx.post(
        url, content=b"a" * (64 * 1024 + 1), headers={**headers, "Authorization": ""}
    )
    assert unauthenticated.status_code == 400  # the size is checked first


def test_another_media_type_is_refused(stack: Stack) -> None:
    stream_of(stack, "portal")
    token = security_event(stack, SESSION_REVOKED, {}, "nobody", "portal")
    secret = stack.apps["portal"].state.signals.authorization
    response = httpx.post(
        f"{stack.urls['portal']}/signals",
        content=token,
        headers={"Content-Type": "application/jwt", "Authorization": secret},
    )
    assert response.status_code == 400
    assert response.json()["err"] == "invalid_request"


def _sub_of(browser: Browser, app: str) -> str:
    for flow in reversed(browser.inspector(app)):
        for step in flow["steps"]:  # type: ignore[attr-defined]
            if step["step"] == "id_token":
                return str(step["data"]["claims"]["sub"])
    raise AssertionError("no ID token in the inspector")


def _signed_in(browser: Browser, app: str) -> bool:
    return 'action="/logout"' in browser.get(f"{browser.stack.urls[app]}/").text


def test_a_repeated_jti_is_applied_once(stack: Stack, browser: Browser) -> None:
    portal = stack.urls["portal"]
    browser.get(f"{portal}/login")
    assert _signed_in(browser, "portal")
    sub = _sub_of(browser, "portal")
    token = security_event(stack, SESSION_REVOKED, {"initiating_entity": "user"}, sub, "portal")
    assert push(stack, "portal", token).status_code == 202
    assert not _signed_in(browser, "portal")  # the revoked session ended the local login
    browser.get(f"{portal}/login")
    assert _signed_in(browser, "portal")
    again = push(stack, "portal", token)
    assert again.status_code == 202
    assert again.content == b""
    assert _signed_in(browser, "portal")  # the same event, not applied twice
    events = browser.http.get(f"{portal}/inspector.json").json()["events"]
    assert sum(1 for e in events if e["sub"] == sub and e["event_type"] == SESSION_REVOKED) == 1
