"""Stream management over HTTP (SSF 1.0 §7-§8.1), on SQLite and PostgreSQL: the configuration
metadata; a stream created, read, patched, replaced and deleted; one stream per client (409); the
licence (401 without or with a bad token, 403 without the scope); bad bodies answered 400 with JSON,
never a 5xx (a little fuzzing); status, subjects and verification."""

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.oidc.shared_signals.event_types import SESSION_REVOKED
from idp.oidc.shared_signals.event_types import STREAM_UPDATED
from idp.oidc.shared_signals.event_types import TOKEN_CLAIMS_CHANGE
from idp.oidc.shared_signals.event_types import VERIFICATION
from tests.oidc.shared_signals.conftest import ISSUER
from tests.oidc.shared_signals.conftest import Env
from tests.oidc.shared_signals.conftest import Verify
from tests.oidc.shared_signals.conftest import access_token
from tests.oidc.shared_signals.conftest import bearer
from tests.oidc.shared_signals.conftest import create_stream
from tests.oidc.shared_signals.conftest import event_of

PUSH = "urn:ietf:rfc:8935"
STREAMS = "/ssf/streams"


def test_the_configuration_metadata_names_every_endpoint(provider: TestClient) -> None:
    response = provider.get("/.well-known/ssf-configuration")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "spec_version": "1_0",
        "issuer": ISSUER,
        "jwks_uri": f"{ISSUER}/jwks",
        "delivery_methods_supported": [PUSH],
        "configuration_endpoint": f"{ISSUER}/ssf/streams",
        "status_endpoint": f"{ISSUER}/ssf/streams/status",
        "add_subject_endpoint": f"{ISSUER}/ssf/streams/subjects/add",
        "remove_subject_endpoint": f"{ISSUER}/ssf/streams/subjects/remove",
        "verification_endpoint": f"{ISSUER}/ssf/streams/verify",
        "authorization_schemes": [{"spec_urn": "urn:ietf:rfc:6749"}],
        "default_subjects": "ALL",
    }
    assert provider.head("/.well-known/ssf-configuration").status_code == 200


def test_a_stream_is_created_read_changed_and_deleted(provider: TestClient, env: Env) -> None:
    token = access_token(provider, env, "news")
    endpoint = f"{env.receiver.url}/news"
    events = [ACCOUNT_DISABLED, "https://example.com/unknown-event"]
    created = create_stream(provider, token, endpoint, events, authorization_header="Bearer rx")
    stream_id = created["stream_id"]
    assert created["iss"] == ISSUER
    assert created["aud"] == "news"
    assert set(created["events_supported"]) == {
        ACCOUNT_DISABLED,
        ACCOUNT_ENABLED,
        TOKEN_CLAIMS_CHANGE,
        SESSION_REVOKED,
    }
    assert created["events_requested"] == events
    assert created["events_delivered"] == [ACCOUNT_DISABLED]
    assert created["delivery"] == {"method": PUSH, "endpoint_url": endpoint}
    assert created["description"] == "test stream"
    assert isinstance(created["min_verification_interval"], int)

    listed = provider.get(STREAMS, headers=bearer(token))
    assert listed.status_code == 200
    assert listed.json() == [created]
    one = provider.get(STREAMS, params={"stream_id": stream_id}, headers=bearer(token))
    assert one.json() == created

    again = provider.post(STREAMS, json={"delivery": created["delivery"]}, headers=bearer(token))
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"

    patch = {"stream_id": stream_id, "events_requested": [ACCOUNT_ENABLED]}
    patched = provider.patch(STREAMS, json=patch, headers=bearer(token))
    assert patched.status_code == 200, patched.text
    assert patched.json()["events_delivered"] == [ACCOUNT_ENABLED]
    assert patched.json()["delivery"] == created["delivery"]  # untouched by a PATCH
    assert patched.json()["description"] == "test stream"

    put = {"stream_id": stream_id, "delivery": {"method": PUSH, "endpoint_url": endpoint + "2"}}
    replaced = provider.put(STREAMS, json=put, headers=bearer(token))
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["events_requested"] == []  # a PUT replaces every member
    assert "description" not in replaced.json()
    assert replaced.json()["delivery"]["endpoint_url"] == endpoint + "2"

    other = access_token(provider, env, "pair")
    hidden = provider.get(STREAMS, params={"stream_id": stream_id}, headers=bearer(other))
    assert hidden.status_code == 404
    assert hidden.json()["error"] == "not_found"
    assert provider.get(STREAMS, headers=bearer(other)).json() == []
    refused = provider.delete(STREAMS, params={"stream_id": stream_id}, headers=bearer(other))
    assert refused.status_code == 404

    deleted = provider.delete(STREAMS, params={"stream_id": stream_id}, headers=bearer(token))
    assert deleted.status_code == 204
    gone = provider.get(STREAMS, params={"stream_id": stream_id}, headers=bearer(token))
    assert gone.status_code == 404
    assert provider.get(STREAMS, headers=bearer(token)).json() == []
    assert create_stream(provider, token, endpoint, [])["stream_id"] != stream_id


def test_stream_management_needs_the_licence(provider: TestClient, env: Env) -> None:
    body = {"delivery": {"method": PUSH, "endpoint_url": "http://127.0.0.1:1/x"}}
    missing = provider.post(STREAMS, json=body)
    assert missing.status_code == 401
    assert missing.json()["error"] == "invalid_token"
    wrong = provider.post(STREAMS, json=body, headers=bearer("not-a-token"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_token"
    data_only = access_token(provider, env, "news", scope="openid")
    refused = provider.get(STREAMS, headers=bearer(data_only))
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    unlicensed = provider.post(
        "/token",
        data={"grant_type": "client_credentials", "scope": "shared_signals"},
        auth=("unlicensed", env.secrets["unlicensed"]),
    )
    assert unlicensed.status_code == 400
    assert unlicensed.json()["error"] == "invalid_scope"


BAD_BODIES: list[Any] = [
    None,
    [],
    "text",
    {},
    {"delivery": {"method": "urn:ietf:rfc:8936", "endpoint_url": "http://127.0.0.1/x"}},
    {"delivery": {"method": PUSH}},
    {"delivery": {"method": PUSH, "endpoint_url": "ftp://host/x"}},
    {"delivery": {"method": PUSH, "endpoint_url": "/relative"}},
    {"delivery": {"method": PUSH, "endpoint_url": "http://h/x", "authorization_header": "a\r\nb"}},
    {"delivery": {"method": PUSH, "endpoint_url": "http://h/x"}, "events_requested": "all"},
    {"delivery": {"method": PUSH, "endpoint_url": "http://h/x"}, "events_requested": [1]},
    {"delivery": {"method": PUSH, "endpoint_url": "http://h/x"}, "description": 7},
    {"delivery": {"method": PUSH, "endpoint_url": "http://h/\x00"}},
]


def test_bad_bodies_are_refused_with_invalid_request(provider: TestClient, env: Env) -> None:
    token = access_token(provider, env, "news")
    for body in BAD_BODIES:
        response = provider.post(STREAMS, content=json.dumps(body), headers=bearer(token))
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"] == "invalid_request"
    not_json = provider.post(STREAMS, content=b"{", headers=bearer(token))
    assert not_json.status_code == 400
    assert not_json.json()["error"] == "invalid_request"
    for path in ("/ssf/streams/status", "/ssf/streams/verify", "/ssf/streams/subjects/add"):
        response = provider.post(path, json={"stream_id": 5}, headers=bearer(token))
        assert response.status_code == 400, (path, response.text)
    deep = b"[" * 20_000 + b"]" * 20_000  # deeper than the JSON parser's recursion limit
    for path in (STREAMS, "/ssf/streams/status", "/ssf/streams/subjects/remove"):
        response = provider.post(path, content=deep, headers=bearer(token))
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"] == "invalid_request"
    unknown = provider.get("/ssf/nothing-here")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/json"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
MEMBERS = st.fixed_dictionaries(
    {},
    optional={
        "stream_id": JSON_VALUES,
        "delivery": st.fixed_dictionaries(
            {},
            optional={
                "method": st.sampled_from([PUSH, "x"]) | JSON_VALUES,
                "endpoint_url": st.sampled_from(["http://127.0.0.1:1/r"]) | JSON_VALUES,
                "authorization_header": JSON_VALUES,
            },
        )
        | JSON_VALUES,
        "events_requested": st.lists(st.sampled_from([ACCOUNT_DISABLED]) | JSON_VALUES)
        | JSON_VALUES,
        "description": JSON_VALUES,
        "status": st.sampled_from(["enabled", "paused", "disabled"]) | JSON_VALUES,
        "subject": JSON_VALUES,
        "state": JSON_VALUES,
    },
)


def test_fuzzed_bodies_never_cause_a_server_error(provider: TestClient, env: Env) -> None:
    token = access_token(provider, env, "plain")

    @given(
        method=st.sampled_from(["POST", "PATCH", "PUT"]),
        path=st.sampled_from(
            [STREAMS, f"{STREAMS}/status", f"{STREAMS}/verify", f"{STREAMS}/subjects/remove"]
        ),
        body=MEMBERS,
    )
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(method: str, path: str, body: dict[str, Any]) -> None:
        if method != "POST" and path != STREAMS:
            method = "POST"
        response = provider.request(method, path, json=body, headers=bearer(token))
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.json()["error"]
        if method == "POST" and path == STREAMS and response.status_code == 201:
            stream_id = response.json()["stream_id"]
            deleted = provider.delete(
                STREAMS, params={"stream_id": stream_id}, headers=bearer(token)
            )
            assert deleted.status_code == 204

    check()


def test_status_is_read_and_changed_with_a_stream_updated_event(
    provider: TestClient, env: Env, verify_set: Verify
) -> None:
    token = access_token(provider, env, "news")
    stream = create_stream(provider, token, f"{env.receiver.url}/status", [])
    query = {"stream_id": stream["stream_id"]}
    status = provider.get("/ssf/streams/status", params=query, headers=bearer(token))
    assert status.json() == {"stream_id": stream["stream_id"], "status": "enabled"}
    body = {**query, "status": "paused", "reason": "maintenance"}
    paused = provider.post("/ssf/streams/status", json=body, headers=bearer(token))
    assert paused.status_code == 200
    assert paused.json() == {**body}
    assert provider.get("/ssf/streams/status", params=query, headers=bearer(token)).json() == body
    (pushed,) = env.receiver.wait_for("/status", 1)
    claims = verify_set(pushed, "news")
    kind, payload = event_of(claims)
    assert kind == STREAM_UPDATED
    assert payload["status"] == "paused"
    assert payload["reason"] == "maintenance"
    assert claims["sub_id"] == {"format": "opaque", "id": stream["stream_id"]}
    bad = provider.post(
        "/ssf/streams/status", json={**query, "status": "off"}, headers=bearer(token)
    )
    assert bad.status_code == 400


def test_verification_pushes_the_state_back(
    provider: TestClient, env: Env, verify_set: Verify
) -> None:
    token = access_token(provider, env, "pair")
    stream = create_stream(
        provider, token, f"{env.receiver.url}/verify", [], authorization_header="Bearer let-me-in"
    )
    body = {"stream_id": stream["stream_id"], "state": "VGhpcyBpcyBhbiBleGFtcGxl"}
    response = provider.post("/ssf/streams/verify", json=body, headers=bearer(token))
    assert response.status_code == 204
    (pushed,) = env.receiver.wait_for("/verify", 1)
    claims = verify_set(pushed, "pair")
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "pair"
    kind, payload = event_of(claims)
    assert kind == VERIFICATION
    assert payload["state"] == body["state"]
    assert claims["sub_id"] == {"format": "opaque", "id": stream["stream_id"]}
    request = env.receiver.received[0]
    assert request.headers["content-type"] == "application/secevent+jwt"
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == "Bearer let-me-in"
