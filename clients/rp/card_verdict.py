"""The app's decision on a chip identity card (quyết định chấp nhận thẻ): accepted only when its own
passive authentication (ICAO 9303 Part 11 §5.1, :mod:`clients.rp.chip_check`) and Active Authentication
(§6.1, :mod:`clients.rp.active_auth`) hold, the card verification service answers ``valid`` and the face
at the camera matched the chip's portrait; otherwise refused with every reason found (a key of
``chip.reasons``), the technical ones beside. A request the service did not take (RFC 6750's
``invalid_token``, ``insufficient_scope``; ``invalid_request``) fails the check with its error code;
the service's ``unknown_card`` (404) refuses the card."""

from dataclasses import dataclass
from dataclasses import field

from clients.rp.active_auth import ActiveCheck
from clients.rp.card_checks import ACCEPTED
from clients.rp.card_checks import FAILED
from clients.rp.card_checks import REFUSED
from clients.rp.card_verification import Answer
from clients.rp.chip_check import PassiveCheck

STATUSES = ("valid", "not_genuine", "revoked", "replaced", "expired", "mismatch")
"""The verification service's verdicts on a card; anything else is ``status_other``."""


@dataclass(frozen=True)
class Verdict:
    """The app's decision: accepted when no reason stands against the card."""

    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    error: str = ""
    """Set when the check could not be finished (the service refused the request itself)."""

    @property
    def status(self) -> str:
        if self.error:
            return FAILED
        return REFUSED if self.reasons else ACCEPTED


def verdict(passive: PassiveCheck, active: ActiveCheck, answer: Answer) -> Verdict:
    """What the app decides from its own checks and the service's answer."""
    reasons, details = [], []
    if not passive.valid:
        reasons.append("passive_invalid")
        details += passive.reasons
    if not active.valid:
        reasons.append("active_invalid")
        details.append(active.reason)
    body = answer.body
    if answer.status_code == 404 and body.get("error") == "unknown_card":
        return Verdict(
            [*reasons, "unknown_card"], [*details, str(body.get("error_description", ""))]
        )
    if answer.status_code != 200:
        error = str(body.get("error") or f"http_{answer.status_code}")
        return Verdict(["service_refused"], [str(body.get("error_description", ""))], error)
    status = str(body.get("status", ""))
    if status != "valid":
        reasons.append(f"status_{status}" if status in STATUSES else "status_other")
    details += [str(reason) for reason in body.get("reasons") or []]
    face = body.get("face_match")
    if not isinstance(face, dict):
        reasons.append("no_face_match")
    elif face.get("matched") is not True:
        reasons.append("face_mismatch")
    return Verdict(reasons, details)
