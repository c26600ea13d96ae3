"""The apps' decision on a chip card (``clients/rp/card_verdict.py``): accepted only when the app's
own passive and active authentication hold, the verification service answers ``valid`` and the face at
the camera matched; otherwise every reason, in the words of ``chip.reasons``; a request the service
did not take ends the check as failed, with its error code."""

from typing import Any

import pytest

from clients.rp.active_auth import ECDSA_PLAIN_SHA256
from clients.rp.active_auth import ActiveCheck
from clients.rp.card_verdict import STATUSES
from clients.rp.card_verdict import verdict
from clients.rp.card_verification import Answer
from clients.rp.catalogue import LANGUAGES
from clients.rp.catalogue import catalogue
from clients.rp.chip_check import GroupHash
from clients.rp.chip_check import PassiveCheck

GOOD_PASSIVE = PassiveCheck(
    "CN=DS", "CN=CSCA", True, True, "sha256", [GroupHash("DG1", "ab", "ab")]
)
BAD_PASSIVE = PassiveCheck(
    "CN=DS", "CN=CSCA", True, True, "sha256", [GroupHash("DG1", "ab", "cd")], ["DG1 differs"]
)
GOOD_ACTIVE = ActiveCheck(ECDSA_PLAIN_SHA256, True)
BAD_ACTIVE = ActiveCheck(ECDSA_PLAIN_SHA256, False, "the answer does not verify")
MATCHED = {"score": 0.93, "threshold": 0.8, "matched": True}


def answer(status: str = "valid", code: int = 200, **body: Any) -> Answer:
    found = {"status": status, "reasons": [], "face_match": MATCHED} if code == 200 else {}
    return Answer(code, found | body, "http://idp/api/card-verification")


def test_a_genuine_card_with_its_holder_is_accepted() -> None:
    decided = verdict(GOOD_PASSIVE, GOOD_ACTIVE, answer())
    assert decided.status == "accepted"
    assert decided.reasons == []


@pytest.mark.parametrize(
    ("passive", "active", "service", "reasons"),
    [
        (BAD_PASSIVE, GOOD_ACTIVE, answer(), ["passive_invalid"]),
        (GOOD_PASSIVE, BAD_ACTIVE, answer(), ["active_invalid"]),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer("revoked", reasons=["lost"]), ["status_revoked"]),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer("replaced"), ["status_replaced"]),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer("expired"), ["status_expired"]),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer("not_genuine"), ["status_not_genuine"]),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer("something_new"), ["status_other"]),
        (
            GOOD_PASSIVE,
            GOOD_ACTIVE,
            answer(face_match={"score": 0.2, "threshold": 0.8, "matched": False}),
            ["face_mismatch"],
        ),
        (
            GOOD_PASSIVE,
            GOOD_ACTIVE,
            answer("mismatch", face_match={"score": 0.2, "threshold": 0.8, "matched": False}),
            ["status_mismatch", "face_mismatch"],
        ),
        (GOOD_PASSIVE, GOOD_ACTIVE, answer(face_match=None), ["no_face_match"]),
        (
            BAD_PASSIVE,
            BAD_ACTIVE,
            answer("not_genuine"),
            ["passive_invalid", "active_invalid", "status_not_genuine"],
        ),
    ],
)
def test_a_card_is_refused_for_every_reason_found(
    passive: PassiveCheck, active: ActiveCheck, service: Answer, reasons: list[str]
) -> None:
    decided = verdict(passive, active, service)
    assert decided.status == "refused"
    assert decided.reasons == reasons
    assert decided.error == ""


def test_the_services_reasons_are_the_details() -> None:
    decided = verdict(BAD_PASSIVE, GOOD_ACTIVE, answer("revoked", reasons=["reported lost"]))
    assert decided.details == ["DG1 differs", "reported lost"]


def test_a_card_the_population_database_does_not_know_is_refused() -> None:
    unknown = Answer(404, {"error": "unknown_card", "error_description": "No such card."}, "x")
    decided = verdict(GOOD_PASSIVE, GOOD_ACTIVE, unknown)
    assert decided.status == "refused"
    assert decided.reasons == ["unknown_card"]


@pytest.mark.parametrize(
    ("code", "error"),
    [(400, "invalid_request"), (401, "invalid_token"), (403, "insufficient_scope"), (502, "")],
)
def test_a_request_the_service_did_not_take_fails(code: int, error: str) -> None:
    refused = Answer(code, {"error": error} if error else {}, "x")
    decided = verdict(GOOD_PASSIVE, GOOD_ACTIVE, refused)
    assert decided.status == "failed"
    assert decided.error == (error or f"http_{code}")
    assert decided.reasons == ["service_refused"]


def test_every_reason_and_status_has_words() -> None:
    reasons = {f"status_{status}" for status in STATUSES if status != "valid"}
    reasons |= {"passive_invalid", "active_invalid", "face_mismatch", "no_face_match"}
    reasons |= {"unknown_card", "service_refused", "unreachable", "reader_failed", "unreadable"}
    for lang in LANGUAGES:
        for reason in reasons | {"status_other"}:
            assert catalogue().has(lang, f"chip.reasons.{reason}"), (lang, reason)
        for status in ("refused", "failed", "expired", "cancelled"):
            assert catalogue().has(lang, f"chip.outcome.{status}_intro"), (lang, status)
