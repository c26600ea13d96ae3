"""Identity events end to end, on SQLite and PostgreSQL: a citizen changed through the sandbox, the
event in the outbox in the change's transaction, pushed by the provider's worker to a real receiver,
its signature checked with python-jose against the JWKS: lock and unlock (RISC), a move and a new card
(CAEP token-claims-change, only the consented claims), consent withdrawn (session-revoked), a death
(account-disabled and a back-channel logout token); nothing for a client without consent, a removed
subject or an event not requested; nothing for a refused change."""

import time
from typing import Any
from urllib.parse import parse_qs

from fastapi.testclient import TestClient
from jose import jwt as jose_jwt
from sqlalchemy import Engine

from idp.oidc.accounts import subject_for
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.oidc.shared_signals.event_types import SESSION_REVOKED
from idp.oidc.shared_signals.event_types import SUBJECT_EVENTS
from idp.oidc.shared_signals.event_types import TOKEN_CLAIMS_CHANGE
from idp.state.signal_outbox import recent_events
from tests.oidc.flows import server_of
from tests.oidc.shared_signals.conftest import ISSUER
from tests.oidc.shared_signals.conftest import PIN
from tests.oidc.shared_signals.conftest import REDIRECT
from tests.oidc.shared_signals.conftest import SECRET
from tests.oidc.shared_signals.conftest import SPOUSE
from tests.oidc.shared_signals.conftest import Env
from tests.oidc.shared_signals.conftest import Verify
from tests.oidc.shared_signals.conftest import access_token
from tests.oidc.shared_signals.conftest import bearer
from tests.oidc.shared_signals.conftest import change
from tests.oidc.shared_signals.conftest import consent
from tests.oidc.shared_signals.conftest import create_stream
from tests.oidc.shared_signals.conftest import event_of
from tests.oidc.shared_signals.conftest import public_sub

EVERY_EVENT = list(SUBJECT_EVENTS)
MOVED = {"province_code": 1, "ward_code": 4, "street_address": "Số 1 Tràng Tiền"}


def _stream(provider: TestClient, env: Env, client_id: str, path: str, **extra: Any) -> str:
    token = access_token(provider, env, client_id)
    events = extra.pop("events", EVERY_EVENT)
    stream = create_stream(provider, token, f"{env.receiver.url}{path}", events, **extra)
    stream_id: str = stream["stream_id"]
    return stream_id


def _settle(provider: TestClient) -> None:
    """Every event the provider owes is pushed (or failed) now."""
    server_of(provider).delivery.deliver_due()


def test_a_lock_and_an_unlock_reach_a_consenting_client(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/news")
    _stream(provider, env, "plain", "/plain")  # no consent: hears nothing
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    (locked,) = env.receiver.wait_for("/news", 1)
    claims = verify_set(locked, "news")
    kind, payload = event_of(claims)
    assert kind == ACCOUNT_DISABLED
    assert set(payload) == {"event_timestamp"}
    assert claims["sub_id"] == {"format": "iss_sub", "iss": ISSUER, "sub": public_sub()}
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "news"
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["jti"]
    assert claims["txn"]

    assert change(provider, PIN, {"account_status": "active"}).status_code == 200
    unlocked = env.receiver.wait_for("/news", 2)[1]
    enabled = verify_set(unlocked, "news")
    assert event_of(enabled)[0] == ACCOUNT_ENABLED
    assert enabled["jti"] != claims["jti"]
    assert enabled["txn"] != claims["txn"]
    _settle(provider)
    assert env.receiver.sets("/plain") == []


def test_a_pairwise_client_is_told_the_sub_of_its_id_tokens(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    from tests.oidc.conftest import auth_params
    from tests.oidc.conftest import login_and_consent
    from tests.oidc.conftest import pkce
    from tests.oidc.conftest import query_of

    _stream(provider, env, "pair", "/pair")
    verifier, challenge = pkce()
    params = auth_params("pair", code_challenge=challenge, scope="openid profile")
    code = query_of(login_and_consent(provider, params, PIN, ()))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    tokens = provider.post(
        "/token", data={**form, "code_verifier": verifier}, auth=("pair", env.secrets["pair"])
    ).json()
    id_sub = jose_jwt.get_unverified_claims(tokens["id_token"])["sub"]
    assert id_sub != public_sub()  # pairwise
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    (pushed,) = env.receiver.wait_for("/pair", 1)
    assert jose_jwt.get_unverified_header(pushed)["alg"] == "ES256"
    claims = verify_set(pushed, "pair")
    assert claims["sub_id"] == {"format": "iss_sub", "iss": ISSUER, "sub": id_sub}


def test_a_removed_subject_hears_nothing_until_added_back(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    stream_id = _stream(provider, env, "news", "/removed")
    token = access_token(provider, env, "news")
    consent(engine, "news", "openid profile")
    subject = {"format": "iss_sub", "iss": ISSUER, "sub": public_sub()}
    body = {"stream_id": stream_id, "subject": subject}
    removed = provider.post("/ssf/streams/subjects/remove", json=body, headers=bearer(token))
    assert removed.status_code == 204  # SSF §8.1.3.3
    assert removed.content == b""
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    _settle(provider)
    assert env.receiver.sets("/removed") == []
    added = provider.post("/ssf/streams/subjects/add", json=body, headers=bearer(token))
    assert added.status_code == 200
    assert change(provider, PIN, {"account_status": "active"}).status_code == 200
    (pushed,) = env.receiver.wait_for("/removed", 1)
    assert event_of(verify_set(pushed, "news"))[0] == ACCOUNT_ENABLED
    foreign = {**body, "subject": {**subject, "iss": "https://elsewhere.example"}}
    refused = provider.post("/ssf/streams/subjects/remove", json=foreign, headers=bearer(token))
    assert refused.status_code == 400


def test_only_requested_events_are_sent(provider: TestClient, env: Env, engine: Engine) -> None:
    _stream(provider, env, "news", "/picky", events=[ACCOUNT_ENABLED])
    consent(engine, "news", "openid profile")
    assert change(provider, PIN, {"account_status": "locked"}).status_code == 200
    _settle(provider)
    assert env.receiver.sets("/picky") == []
    assert change(provider, PIN, {"account_status": "active"}).status_code == 200
    assert len(env.receiver.wait_for("/picky", 1)) == 1


def test_a_move_sends_only_the_claims_the_consent_covers(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/move-news")
    _stream(provider, env, "pair", "/move-pair")
    _stream(provider, env, "plain", "/move-plain")
    consent(engine, "news", "openid profile address residence")
    consent(engine, "pair", "openid address")
    consent(engine, "plain", "openid profile")  # no address: no event
    assert change(provider, PIN, {"address": MOVED}).status_code == 200
    (news,) = env.receiver.wait_for("/move-news", 1)
    (pair,) = env.receiver.wait_for("/move-pair", 1)
    news_claims, pair_claims = verify_set(news, "news"), verify_set(pair, "pair")
    kind, payload = event_of(news_claims)
    assert kind == TOKEN_CLAIMS_CHANGE
    assert set(payload["claims"]) == {"address", "residence"}
    assert payload["claims"]["residence"]["permanent"]["street_address"] == "Số 1 Tràng Tiền"
    assert set(event_of(pair_claims)[1]["claims"]) == {"address"}
    assert news_claims["txn"] == pair_claims["txn"]  # one change
    assert news_claims["jti"] != pair_claims["jti"]
    _settle(provider)
    assert env.receiver.sets("/move-plain") == []


def test_a_level_1_consent_never_carries_level_2_claims(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/level1")
    consent(engine, "news", "openid residence eid_card", acr="LoA1")
    assert change(provider, PIN, {"address": MOVED}).status_code == 200
    assert change(provider, PIN, {"card": {"action": "renew"}}).status_code == 200
    _settle(provider)
    assert env.receiver.sets("/level1") == []


def test_a_new_card_sends_the_e_id_card_claim(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/card")
    consent(engine, "news", "openid profile eid_card address")
    assert change(provider, PIN, {"card": {"action": "renew"}}).status_code == 200
    (pushed,) = env.receiver.wait_for("/card", 1)
    kind, payload = event_of(verify_set(pushed, "news"))
    assert kind == TOKEN_CLAIMS_CHANGE
    assert set(payload["claims"]) == {"eid_card"}
    card = provider.get(f"/sandbox/citizens/{PIN}", headers=CONTROL_HEADERS).json()["card"]
    assert payload["claims"]["eid_card"]["issued_on"] == card["issued_on"]


def test_a_refused_change_emits_nothing(provider: TestClient, env: Env, engine: Engine) -> None:
    _stream(provider, env, "news", "/refused")
    consent(engine, "news", "openid profile address")
    refused = change(provider, PIN, {"account_status": "locked", "account_level": 3})
    assert refused.status_code == 400
    bad_ward = {**MOVED, "ward_code": 26734}
    assert (
        change(provider, PIN, {"account_status": "locked", "address": bad_ward}).status_code == 400
    )
    assert recent_events(engine, limit=10) == []
    _settle(provider)
    assert env.receiver.sets("/refused") == []


def test_a_withdrawn_consent_sends_session_revoked(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    from idp.citizen.withdrawal import withdraw_consent

    _stream(provider, env, "news", "/withdrawn")
    consent(engine, "news", "openid profile")
    withdraw_consent(server_of(provider), PIN, "news")
    (pushed,) = env.receiver.wait_for("/withdrawn", 1)
    claims = verify_set(pushed, "news")
    kind, payload = event_of(claims)
    assert kind == SESSION_REVOKED
    assert payload["initiating_entity"] == "user"
    assert claims["sub_id"]["sub"] == public_sub()
    withdraw_consent(server_of(provider), PIN, "news")  # nothing left to withdraw: no event
    _settle(provider)
    assert len(env.receiver.sets("/withdrawn")) == 1


def test_a_death_disables_the_account_revokes_its_grants_and_logs_out_each_session(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    from tests.oidc.conftest import auth_params
    from tests.oidc.conftest import login_and_consent
    from tests.oidc.conftest import pkce
    from tests.oidc.conftest import query_of

    _stream(provider, env, "news", "/death")
    verifier, challenge = pkce()
    params = auth_params("news", code_challenge=challenge, scope="openid profile")
    code = query_of(login_and_consent(provider, params, PIN, ()))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    auth = ("news", env.secrets["news"])
    tokens = provider.post("/token", data={**form, "code_verifier": verifier}, auth=auth).json()
    sid = jose_jwt.get_unverified_claims(tokens["id_token"])["sid"]
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert provider.get("/userinfo", headers=access).status_code == 200
    introspected = provider.post("/introspect", data={"token": tokens["access_token"]}, auth=auth)
    assert introspected.json()["active"] is True

    assert change(provider, PIN, {"deceased_on": "2026-06-30"}).status_code == 200
    (pushed,) = env.receiver.wait_for("/death", 1)
    claims = verify_set(pushed, "news")
    assert event_of(claims) == (ACCOUNT_DISABLED, {"event_timestamp": claims["iat"]})
    assert claims["sub_id"]["sub"] == public_sub()
    (logout,) = env.receiver.wait_for("/logout/news", 1)
    logout_claims = jose_jwt.get_unverified_claims(parse_qs(logout)["logout_token"][0])
    assert logout_claims["sub"] == public_sub()
    assert logout_claims["sid"] == sid  # Back-Channel Logout §2.4: the session it ends
    # The deceased citizen's tokens stop working.
    assert provider.get("/userinfo", headers=access).status_code == 401
    introspected = provider.post("/introspect", data={"token": tokens["access_token"]}, auth=auth)
    assert introspected.json() == {"active": False}


def test_a_grant_without_a_session_gets_one_logout_token_without_sid(
    provider: TestClient, env: Env, engine: Engine
) -> None:
    from idp.state.grant_index import index_grant

    consent(engine, "news", "openid profile", pin=SPOUSE)
    sub = subject_for(SPOUSE, SECRET)
    with engine.begin() as connection:  # two sessions, and a grant issued outside any
        for grant_id, sid in (("g-1", "sid-1"), ("g-2", "sid-2"), ("g-3", "")):
            index_grant(connection, grant_id, SPOUSE, "news", sid, sub, at=time.time())
    assert change(provider, SPOUSE, {"deceased_on": "2026-06-30"}).status_code == 200
    sent = env.receiver.wait_for("/logout/news", 3)
    time.sleep(0.2)  # any more would have come by now
    sent = env.receiver.sets("/logout/news")
    sids = [
        jose_jwt.get_unverified_claims(parse_qs(body)["logout_token"][0]).get("sid")
        for body in sent
    ]
    assert sorted(sids, key=lambda sid: sid or "") == [None, "sid-1", "sid-2"]


def test_a_cancelled_death_enables_the_account_again(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/undead")
    consent(engine, "news", "openid profile", pin=SPOUSE)
    assert change(provider, SPOUSE, {"deceased_on": "2026-06-30"}).status_code == 200
    assert change(provider, SPOUSE, {"deceased_on": None}).status_code == 200
    first, second = env.receiver.wait_for("/undead", 2)
    assert event_of(verify_set(first, "news"))[0] == ACCOUNT_DISABLED
    assert event_of(verify_set(second, "news"))[0] == ACCOUNT_ENABLED
    # A citizen locked before the death stays locked when it is cancelled: nothing to enable.
    assert change(provider, SPOUSE, {"account_status": "locked"}).status_code == 200
    assert change(provider, SPOUSE, {"deceased_on": "2026-06-30"}).status_code == 200
    assert change(provider, SPOUSE, {"deceased_on": None}).status_code == 200
    _settle(provider)
    kinds = [event_of(verify_set(sent, "news"))[0] for sent in env.receiver.sets("/undead")]
    assert kinds == [ACCOUNT_DISABLED, ACCOUNT_ENABLED, ACCOUNT_DISABLED]


def test_each_consented_scope_keeps_the_level_of_its_own_consent(
    provider: TestClient, env: Env, engine: Engine, verify_set: Verify
) -> None:
    _stream(provider, env, "news", "/levels")
    consent(engine, "news", "openid residence", acr="LoA3")
    time.sleep(0.01)
    consent(engine, "news", "openid profile address", acr="LoA2")  # a later, lower login
    assert change(provider, PIN, {"address": MOVED}).status_code == 200
    (pushed,) = env.receiver.wait_for("/levels", 1)
    kind, payload = event_of(verify_set(pushed, "news"))
    assert kind == TOKEN_CLAIMS_CHANGE
    assert set(payload["claims"]) == {"address", "residence"}


CONTROL_HEADERS = {"Authorization": "Bearer ssf-sandbox-token"}
