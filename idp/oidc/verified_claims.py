"""OpenID Connect for Identity Assurance 1.0 (final, 2024) ``verified_claims`` for level-2 identities.

A level-2 account (tài khoản định danh điện tử mức độ 2) was registered in person at the police: the chip
card inspected and read, face and fingerprints captured and matched. That is the evidence we state: trust
framework ``vn_eid``, one ``document`` evidence of type ``idcard`` (the card's number, issuer and dates), with
check methods ``vpip`` (card inspected in person), ``vcrypt`` (chip read), ``pvp`` (face compared by the
officer) and ``bvp`` (fingerprints matched by the system, citizen present). ``verification.time`` is the
later of the account's activation and the card's issue (the card is issued after an in-person capture).

Requested only through the ``claims`` parameter (§5.1), under ``userinfo`` or ``id_token``; only the claims
asked for, only those a granted scope releases, and only in level-2 identity tokens: nothing otherwise.
"""

from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError

from idp.oidc.assurance import is_level2_identity
from idp.oidc.catalogue import TRUST_FRAMEWORK
from idp.oidc.catalogue import VERIFIABLE_CLAIMS
from idp.oidc.claims import Recipient
from idp.population_db.lookup import CitizenRecord

VERIFIED_CLAIMS = "verified_claims"
EVIDENCE = "document"
DOCUMENT = "idcard"
CHECK_METHODS = ("vpip", "vcrypt", "pvp", "bvp")


def validate_request(spec: Any) -> None:
    """``invalid_request`` unless the request is a ``verified_claims`` object (or a list of them)
    with a ``verification`` object and a non-empty ``claims`` object (§5.1)."""
    for item in spec if isinstance(spec, list) else [spec]:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("verification"), dict)
            and isinstance(item.get("claims"), dict)
            and item["claims"]
        ):
            raise InvalidRequestError(
                "'verified_claims' needs a 'verification' object and a non-empty 'claims' object."
            )


def verified_claims(
    spec: Any, record: CitizenRecord, recipient: Recipient, released: dict[str, Any]
) -> dict[str, Any] | None:
    """The ``verified_claims`` answering request ``spec`` (already validated), or None."""
    card, account = record.card, record.account
    if card is None or account is None or account.level < 2:
        return None
    if not is_level2_identity(recipient.account_level, recipient.acr):
        return None
    asked: set[str] = set()
    for item in spec if isinstance(spec, list) else [spec]:
        if _accepts_framework(item["verification"].get("trust_framework")):
            asked |= set(item["claims"])
    claims = {name: released[name] for name in VERIFIABLE_CLAIMS if name in asked & set(released)}
    if not claims:
        return None
    when = max(account.activated_on, card.issued_on)
    document: dict[str, Any] = {
        "type": DOCUMENT,
        "document_number": card.pin,
        "issuer": {"name": card.issued_by, "country_code": "VNM"},
        "date_of_issuance": card.issued_on.isoformat(),
    }
    if card.expires_on is not None:
        document["date_of_expiry"] = card.expires_on.isoformat()
    evidence = {
        "type": EVIDENCE,
        "check_details": [{"check_method": method} for method in CHECK_METHODS],
        "time": f"{card.issued_on.isoformat()}T00:00:00+07:00",
        "document_details": document,
    }
    verification = {
        "trust_framework": TRUST_FRAMEWORK,
        "time": f"{when.isoformat()}T00:00:00+07:00",
        "evidence": [evidence],
    }
    return {"verification": verification, "claims": claims}


def _accepts_framework(constraint: Any) -> bool:
    """Whether a ``trust_framework`` request (null, or ``value``/``values``, §5.3) admits ours."""
    if not isinstance(constraint, dict):
        return True
    if "value" in constraint:
        return bool(constraint["value"] == TRUST_FRAMEWORK)
    values = constraint.get("values")
    return not isinstance(values, list) or TRUST_FRAMEWORK in values
