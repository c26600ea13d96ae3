"""The card verification service, ``POST /api/card-verification``, over HTTP: each status (valid,
not_genuine, revoked, replaced, expired, mismatch) and the unknown card, with chips built by the
provider's own code and changed through the sandbox's citizen changes (undone by a reset after each
test); Active Authentication and the face match; bad input refused with ``invalid_request`` naming what
is wrong; the service's licence (RFC 6750 errors, the client credentials grant alone gives the scope,
no citizen's grant carries it); the audit row of every call and the citizen's account page."""

import base64
import dataclasses
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from idp.chip.card import CardHolder
from idp.chip.card import Chip
from idp.chip.card import build_chip
from idp.chip.holders import load_holder
from idp.chip.lds import dg13
from idp.chip.portrait import live_photo
from idp.chip.portrait import portrait_id
from idp.population_db.database import connect
from idp.settings import IdPSettings
from idp.state.audit import CARD_VERIFICATION
from idp.state.audit import events_for
from idp.web.app import create_app
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import client
from tests.oidc.conftest import csrf_of
from tests.oidc.conftest import env
from tests.oidc.conftest import first_page
from tests.oidc.conftest import forget_consents
from tests.oidc.conftest import pkce
from tests.oidc.flows import authorize
from tests.oidc.flows import redeem
from tests.page_reading import english_words
from tests.page_reading import problems
from tests.page_reading import read

__all__ = ["client", "env", "forget_consents"]  # the provider fixtures of tests/oidc
SANDBOX = "sandbox-api-token"
CONTROL = {"Authorization": f"Bearer {SANDBOX}"}
ENDPOINT = "/api/card-verification"
EXPIRED_PIN = "034064999007"
DECEASED_PIN = "036140999008"
CHILD_PIN = "001216999003"
SPOUSE_PIN = "031190999002"
ENGLISH = english_words(Path("idp/web/messages"))


def _settings(env: Env) -> IdPSettings:
    update = {"sandbox_api": True, "sandbox_token": SecretStr(SANDBOX)}
    return env.settings.model_copy(update=update)


@pytest.fixture
def provider(env: Env) -> Iterator[TestClient]:
    """The provider with its sandbox on; every citizen change is undone after the test."""
    with TestClient(create_app(_settings(env)), follow_redirects=False) as test_client:
        yield test_client
        assert test_client.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204


@pytest.fixture
def engine(env: Env) -> Iterator[Engine]:
    opened = connect(env.settings.database_url)
    yield opened
    opened.dispose()


@pytest.fixture
def token(provider: TestClient, env: Env) -> str:
    """The licensed client's access token, from the client credentials grant."""
    return _token(provider, env, "verifier")


def _token(provider: TestClient, env: Env, client_id: str, scope: str = "card_verification") -> str:
    data = {"grant_type": "client_credentials", "scope": scope}
    response = provider.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == scope
    access_token: str = response.json()["access_token"]
    return access_token


def holder_of(env: Env, pin: str) -> CardHolder:
    """The card holder as the database holds them now."""
    engine = connect(env.settings.database_url)
    try:
        with engine.connect() as connection:
            holder = load_holder(connection, pin, env.settings.subject_secret.get_secret_value())
    finally:
        engine.dispose()
    assert holder is not None
    return holder


def chip_of(env: Env, pin: str = PIN) -> Chip:
    """The citizen's current chip, signed by the provider's authority."""
    return build_chip(holder_of(env, pin), env.settings.chip_seed.get_secret_value())


def encoded(files: dict[str, bytes] | Any) -> dict[str, str]:
    return {name: base64.b64encode(data).decode() for name, data in dict(files).items()}


def verify(
    provider: TestClient, token: str, body: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    if body is not None:
        kwargs["json"] = body
    return provider.post(ENDPOINT, headers=headers, **kwargs)


def present(provider: TestClient, token: str, chip: Chip, **members: Any) -> dict[str, Any]:
    response = verify(provider, token, {"files": encoded(chip.files), **members})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def change(provider: TestClient, who: str, **changes: Any) -> dict[str, Any]:
    response = provider.patch(f"/sandbox/citizens/{who}", json=changes, headers=CONTROL)
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    return changed


def aa(chip: Chip, signer: Chip | None = None) -> dict[str, str]:
    """An Active Authentication exchange: a fresh challenge, answered by ``signer`` (the chip)."""
    challenge = secrets.token_bytes(8)
    signature = (signer or chip).internal_authenticate(challenge)
    return {
        "challenge": base64.b64encode(challenge).decode(),
        "signature": base64.b64encode(signature).decode(),
    }


def photo(env: Env, pin: str, shot: int = 1) -> str:
    """A camera's photo of the citizen ``pin``."""
    secret = env.settings.subject_secret.get_secret_value()
    return base64.b64encode(live_photo(portrait_id(pin, secret), shot)).decode()


# The statuses


def test_the_current_card_is_valid(provider: TestClient, token: str, env: Env) -> None:
    chip = chip_of(env)
    answer = present(provider, token, chip)
    assert answer["status"] == "valid"
    assert answer["reasons"] == []
    assert answer["card_number"] == PIN
    assert answer["issued_on"] == chip.holder.issued_on.isoformat()
    assert answer["expires_on"] == "2028-03-15"
    passive = answer["passive_authentication"]
    assert passive["valid"]
    assert passive["chain"]
    assert passive["signature"]
    assert passive["data_groups"] == dict.fromkeys(["DG1", "DG2", "DG13", "DG14", "DG15"], True)
    assert "SANDBOX Document Signer" in passive["signer"]
    assert answer["active_authentication"] == {"performed": False, "valid": None}
    assert answer["face_match"] is None
    assert len(answer["verification_id"]) >= 22
    assert answer["checked_at"].startswith("20")


def test_active_authentication_proves_the_chip(provider: TestClient, token: str, env: Env) -> None:
    chip = chip_of(env)
    answer = present(provider, token, chip, active_authentication=aa(chip))
    assert answer["status"] == "valid"
    assert answer["active_authentication"] == {"performed": True, "valid": True}


def test_a_copied_chip_cannot_answer_active_authentication(
    provider: TestClient, token: str, env: Env
) -> None:
    chip, other = chip_of(env), chip_of(env, SPOUSE_PIN)
    answer = present(provider, token, chip, active_authentication=aa(chip, signer=other))
    assert answer["status"] == "not_genuine"
    assert answer["active_authentication"] == {"performed": True, "valid": False}
    assert any("Active Authentication signature" in r for r in answer["reasons"])
    assert answer["passive_authentication"]["valid"]  # the files are genuine; the chip is not


def test_active_authentication_without_dg15_is_not_genuine(
    provider: TestClient, token: str, env: Env
) -> None:
    chip = chip_of(env)
    files = {name: data for name, data in chip.files.items() if name != "DG15"}
    body = {"files": encoded(files), "active_authentication": aa(chip)}
    answer = verify(provider, token, body).json()
    assert answer["status"] == "not_genuine"
    assert any("DG15" in r and "missing" in r for r in answer["reasons"])


def test_a_tampered_group_is_not_genuine(provider: TestClient, token: str, env: Env) -> None:
    chip = chip_of(env)
    holder = dataclasses.replace(chip.holder, residence="Số 1 Phố Giả, Hà Nội")
    other = build_chip(holder, env.settings.chip_seed.get_secret_value())
    files = {**chip.files, "DG13": other.files["DG13"]}
    answer = verify(provider, token, {"files": encoded(files)}).json()
    assert answer["status"] == "not_genuine"
    assert answer["passive_authentication"]["data_groups"]["DG13"] is False
    assert answer["passive_authentication"]["signature"]  # EF.SOD itself is intact
    assert "DG13 does not hash to the value EF.SOD signs" in answer["reasons"]
    assert answer["card_number"] == PIN


def test_a_chip_of_another_authority_is_not_genuine(
    provider: TestClient, token: str, env: Env
) -> None:
    forged = build_chip(holder_of(env, PIN), "another seed")
    answer = present(provider, token, forged)
    assert answer["status"] == "not_genuine"
    assert answer["passive_authentication"]["chain"] is False
    assert any("trusted country signing CA" in r for r in answer["reasons"])


def test_a_card_the_database_does_not_hold_is_unknown(
    provider: TestClient, token: str, env: Env
) -> None:
    stranger = dataclasses.replace(holder_of(env, PIN), pin="001088123456")
    chip = build_chip(stranger, env.settings.chip_seed.get_secret_value())
    response = verify(provider, token, {"files": encoded(chip.files)})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_card"
    assert "001088123456" in response.json()["error_description"]
    assert response.json()["verification_id"]


def test_a_card_reported_lost_is_revoked_until_a_reset(
    provider: TestClient, token: str, env: Env
) -> None:
    chip = chip_of(env)
    change(provider, PIN, card={"action": "revoke", "reason": "lost"})
    answer = present(provider, token, chip)
    assert answer["status"] == "revoked"
    assert any("revoked on" in r and "lost (Báo mất)" in r for r in answer["reasons"])
    assert provider.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert present(provider, token, chip)["status"] == "valid"


def test_a_renewed_card_replaces_the_old_one_until_a_reset(
    provider: TestClient, token: str, env: Env
) -> None:
    old = chip_of(env)
    renewed = change(provider, PIN, card={"action": "renew"})["card"]
    assert renewed["issued_on"] > old.holder.issued_on.isoformat()
    answer = present(provider, token, old)
    assert answer["status"] == "replaced"
    assert answer["reasons"] == [f"a card issued on {renewed['issued_on']} replaced this one"]
    new = chip_of(env)
    assert present(provider, token, new, active_authentication=aa(new))["status"] == "valid"
    assert provider.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    assert present(provider, token, old)["status"] == "valid"
    answer = present(provider, token, new)  # a card the restored database never issued
    assert answer["status"] == "mismatch"
    assert any("DG13 field 11 (ngày cấp / date of issue" in r for r in answer["reasons"])


def test_a_revoked_card_stays_revoked_after_a_renewal(
    provider: TestClient, token: str, env: Env
) -> None:
    old = chip_of(env)
    change(provider, PIN, card={"action": "revoke", "reason": "lost"})
    change(provider, PIN, card={"action": "renew"})
    answer = present(provider, token, old)
    assert answer["status"] == "revoked"
    assert len(answer["reasons"]) == 2  # revoked, and replaced as well
    assert present(provider, token, chip_of(env))["status"] == "valid"


def test_a_card_past_its_expiry_is_expired(provider: TestClient, token: str, env: Env) -> None:
    answer = present(provider, token, chip_of(env, EXPIRED_PIN))
    assert answer["status"] == "expired"
    assert answer["reasons"] == ["the card expired on 2024-10-05"]


def test_a_card_expires_on_the_populations_day(provider: TestClient, env: Env) -> None:
    """Validity is judged on the population's today, which the provider's clock moves: the card is
    valid on its last day and expired on the next, whatever the calendar says."""
    chip = chip_of(env)  # expires on 15 Mar 2028
    for day, status in ((date(2028, 3, 15), "valid"), (date(2028, 3, 16), "expired")):
        state = provider.get("/sandbox/clock", headers=CONTROL).json()
        days = (day - date.fromisoformat(state["population_day"])).days
        moved = {"action": "advance", "seconds": days * 86400}
        answer = provider.post("/sandbox/clock", json=moved, headers=CONTROL)
        assert answer.json()["population_day"] == day.isoformat()
        token = _token(provider, env, "verifier")  # a token of the moved clock's time
        assert present(provider, token, chip)["status"] == status


def test_a_deceased_holders_card_is_void(provider: TestClient, token: str, env: Env) -> None:
    answer = present(provider, token, chip_of(env, DECEASED_PIN))
    assert answer["status"] == "revoked"
    assert answer["reasons"] == ["the holder died on 2025-12-03: a card is void at death"]


def test_a_card_printed_before_a_move_is_a_mismatch(
    provider: TestClient, token: str, env: Env
) -> None:
    chip = chip_of(env)
    address = {"province_code": 1, "ward_code": 4, "street_address": "Số 1 Tràng Tiền"}
    change(provider, PIN, address=address)
    answer = present(provider, token, chip)
    assert answer["status"] == "mismatch"
    assert answer["reasons"] == [
        "DG13 field 9 (nơi cư trú / place of residence) differs from the population database"
    ]
    assert "Tràng Tiền" not in str(answer)  # the database's values are never given


def test_the_card_read_after_a_move_still_says_the_old_residence(
    provider: TestClient, token: str
) -> None:
    """The chip is never rewritten: the card as the sandbox (or a reader) reads it after the move is
    still the old one, and out of date against the record."""
    address = {"province_code": 1, "ward_code": 4, "street_address": "Số 2 Tràng Tiền"}
    change(provider, PIN, address=address)
    card = provider.get(f"/sandbox/cards/{PIN}", headers=CONTROL).json()
    response = verify(provider, token, {"files": card["files"]})
    assert response.json()["status"] == "mismatch"
    assert "Tràng Tiền" not in base64.b64decode(card["files"]["DG13"]).decode("utf-8", "replace")


# The face


def test_the_holders_face_matches_and_another_does_not(
    provider: TestClient, token: str, env: Env
) -> None:
    chip = chip_of(env)
    answer = present(provider, token, chip, face_image=photo(env, PIN))
    assert answer["face_match"]["matched"] is True
    assert answer["face_match"]["score"] >= answer["face_match"]["threshold"]
    assert answer["reasons"] == []
    impostor = present(provider, token, chip, face_image=photo(env, SPOUSE_PIN))
    assert impostor["status"] == "valid"  # the status is about the card
    assert impostor["face_match"]["matched"] is False
    assert any("face does not match" in r for r in impostor["reasons"])


def test_a_card_without_a_portrait_compares_no_face(
    provider: TestClient, token: str, env: Env
) -> None:
    current = provider.get(f"/sandbox/citizens/{CHILD_PIN}", headers=CONTROL).json()["card"]
    early = {**current, "issued_on": "2019-06-01", "expires_on": "2030-05-01"}  # aged 3
    change(provider, CHILD_PIN, card=early)
    chip = chip_of(env, CHILD_PIN)
    assert "DG2" not in chip.files
    answer = present(provider, token, chip, face_image=photo(env, CHILD_PIN))
    assert answer["status"] == "valid"
    assert answer["face_match"] is None
    assert answer["reasons"] == [
        "the card has no portrait (issued before the age of 6): the face was not compared"
    ]


# Bad input


def _body(env: Env, **changes: Any) -> dict[str, Any]:
    files = encoded(chip_of(env).files)
    return {"files": {**files, **changes.pop("files", {})}, **changes}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"files": {"DG13": "not base64!"}}, "files.DG13 is not standard base64"),
        ({"files": {"DG13": base64.b64encode(b"\x00\x01").decode()}}, "DG13"),
        ({"files": {"DG1": base64.b64encode(dg13({1: "x"})).decode()}}, "DG1 does not start"),
        ({"files": {"EF.SOD": base64.b64encode(b"\x77\x03\x02\x01\x00").decode()}}, "EF.SOD"),
        ({"files": {"DG15": base64.b64encode(b"\x6f\x01\x00").decode()}}, "DG15"),
        ({"files": {"DG3": "AAAA"}}, "unknown file(s) 'DG3'"),
        ({"files": {"DG1": 5}}, "files.DG1 must be a string"),
        ({"files": {"DG1": ""}}, "files.DG1 is empty"),
        ({"face_image": base64.b64encode(b"GIF89a").decode()}, "face_image"),
        ({"faceImage": "x"}, "Unknown member(s): 'faceImage'"),
        ({"active_authentication": {"challenge": "AAAA", "signature": "AAAA"}}, "8 bytes"),
        ({"active_authentication": {"challenge": "AAAAAAAAAAA="}}, "challenge and signature"),
    ],
)
def test_bad_input_is_refused_naming_what(
    provider: TestClient, token: str, env: Env, change: dict[str, Any], words: str
) -> None:
    response = verify(provider, token, _body(env, **change))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert words in response.json()["error_description"]


@pytest.mark.parametrize("missing", ["EF.SOD", "DG1", "DG13"])
def test_a_required_file_missing_is_refused(
    provider: TestClient, token: str, env: Env, missing: str
) -> None:
    files = encoded(chip_of(env).files)
    del files[missing]
    response = verify(provider, token, {"files": files})
    assert response.status_code == 400
    assert f"files: {missing} missing" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("content", "content_type", "words"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "JSON object"),
        (b"files=x", "application/x-www-form-urlencoded", "must be application/json"),
        (b"\xff\xfe", "application/json", "not valid JSON"),
        (b"{}", "application/json", "'files' must be an object"),
    ],
)
def test_a_body_that_is_not_a_presentation_is_refused(
    provider: TestClient, token: str, content: bytes, content_type: str, words: str
) -> None:
    response = verify(provider, token, content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert words in response.json()["error_description"]


def test_a_body_over_a_mebibyte_is_refused(provider: TestClient, token: str) -> None:
    response = verify(provider, token, content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"


# The licence


def test_no_token_or_a_bad_one_is_401(provider: TestClient, env: Env) -> None:
    body = {"files": encoded(chip_of(env).files)}
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        response = provider.post(ENDPOINT, json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(provider: TestClient, token: str, env: Env) -> None:
    revoked = provider.post(
        "/revoke", data={"token": token}, auth=("verifier", env.secrets["verifier"])
    )
    assert revoked.status_code == 200
    assert verify(provider, token, {"files": {}}).status_code == 401


def test_a_token_without_the_scope_is_403(provider: TestClient, env: Env) -> None:
    unlicensed = _token(provider, env, "svc", scope="openid")
    response = verify(provider, unlicensed, {"files": encoded(chip_of(env).files)})
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert 'scope="card_verification"' in response.headers["www-authenticate"]


def test_a_citizens_access_token_is_403(provider: TestClient, env: Env) -> None:
    code, verifier = authorize(provider, "rp", "openid profile")
    citizen_token = redeem(provider, env, "rp", code, verifier)["access_token"]
    response = verify(provider, citizen_token, {"files": {}})
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_only_a_licensed_client_gets_the_scope(provider: TestClient, env: Env) -> None:
    data = {"grant_type": "client_credentials", "scope": "card_verification"}
    unlicensed = provider.post("/token", data=data, auth=("svc", env.secrets["svc"]))
    assert unlicensed.status_code == 400
    assert unlicensed.json()["error"] == "invalid_scope"
    no_grant = provider.post("/token", data=data, auth=("rp", env.secrets["rp"]))
    assert no_grant.status_code == 400
    assert no_grant.json()["error"] == "unauthorized_client"


def test_no_citizen_grant_carries_the_scope(provider: TestClient, env: Env) -> None:
    _, challenge = pkce()
    params = auth_params("rp", scope="openid card_verification", code_challenge=challenge)
    response = provider.get("/authorize", params=params)
    assert response.status_code == 302
    assert "error=invalid_scope" in response.headers["location"]
    assert "client+credentials+grant" in response.headers["location"]
    device = provider.post(
        "/device_authorization", data={"client_id": "tv", "scope": "openid card_verification"}
    )
    assert (device.status_code, device.json()["error"]) == (400, "invalid_scope")
    assert "client credentials grant" in device.json()["error_description"]


def test_discovery_lists_the_scope(provider: TestClient) -> None:
    metadata = provider.get("/.well-known/openid-configuration").json()
    assert "card_verification" in metadata["scopes_supported"]
    assert "client_credentials" in metadata["grant_types_supported"]


# The audit


def test_every_call_of_the_licensed_client_is_audited(
    provider: TestClient, token: str, env: Env, engine: Engine
) -> None:
    known = len(events_for(engine, PIN, CARD_VERIFICATION))
    answer = present(provider, token, chip_of(env))
    bad = verify(provider, token, _body(env, face_image="AAAA"))
    assert bad.status_code == 400
    rows = events_for(engine, PIN, CARD_VERIFICATION)  # newest first
    new = rows[: len(rows) - known]
    assert [(row.outcome, row.client_id, row.detail) for row in new] == [
        ("invalid_request", "verifier", bad.json()["verification_id"]),
        ("valid", "verifier", answer["verification_id"]),
    ]
    now = provider.get("/sandbox/clock", headers=CONTROL).json()["now"]
    assert new[0].at == pytest.approx(now, abs=60)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_citizen_sees_who_verified_their_card(
    provider: TestClient, token: str, env: Env, lang: str
) -> None:
    present(provider, token, chip_of(env), face_image=photo(env, PIN))
    page, html = first_page(provider.get("/account", params={"lang": lang}))
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    response = provider.post(f"{page}/login", data=login)
    assert response.status_code == 303
    account = provider.get(response.headers["location"]).text
    assert problems(account, lang, ENGLISH) == []
    text = read(account)[1]
    if lang == "vi":
        assert "Các lần xác thực thẻ căn cước của tôi" in text
        assert "Cơ quan xác thực (thử nghiệm) hợp lệ: thẻ thật và đang có hiệu lực" in text
    else:
        assert "Verifications of my identity card" in text
        assert "Verifying agency (test) valid: the card is genuine and current" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_wallet_shows_a_revoked_card(provider: TestClient, lang: str) -> None:
    change(provider, PIN, card={"action": "revoke", "reason": "lost"})
    page, html = first_page(provider.get("/account", params={"lang": lang}))
    login = {"username": PIN, "password": PASSWORD, "csrf": csrf_of(html)}
    response = provider.post(f"{page}/login", data=login)
    assert response.status_code == 303
    text = read(provider.get(response.headers["location"]).text)[1]
    assert ("Đã hủy: báo mất" if lang == "vi" else "Revoked: reported lost") in text
    assert provider.post("/sandbox/reset", json={}, headers=CONTROL).status_code == 204
    text = read(provider.get("/account", params={"lang": lang}).text)[1]  # still logged in
    assert PIN in text
    assert "Đã hủy" not in text
    assert "Revoked" not in text
