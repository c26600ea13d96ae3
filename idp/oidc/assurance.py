"""Assurance levels (Decree 69/2024/NĐ-CP Art. 20): which ``acr`` is stronger, and which scopes need a
level-2 identity.

``acr`` values ``LoA1`` < ``LoA2`` < ``LoA3`` < ``LoA4`` (mức độ xác thực); account levels 1 and 2 (mức độ
tài khoản định danh điện tử). A *level-2 identity token* is issued to a level-2 account at ``LoA3`` or
above (PRODUCT.md); only such tokens carry the scopes of :data:`LEVEL2_SCOPES`.

Also which authentication factors reach which ``acr`` (:data:`LEVEL_FACTORS`, ``amr`` per RFC 8176) and
what an authorization request requires (:func:`requirement_of`: ``acr_values``, an essential ``acr`` in
the ``claims`` parameter, OpenID Connect Core §3.1.2.1 and §5.5.1.1; level-2 scopes).
"""

from dataclasses import dataclass

from idp.oidc.untrusted_input import loads

ACR_ORDER = ("LoA1", "LoA2", "LoA3", "LoA4")
LEVEL2_ACR = "LoA3"
LEVEL2_SCOPES = frozenset(
    {"eid_card", "residence", "household", "health_insurance", "driving_license", "vehicles"}
)


def acr_rank(acr: str | None) -> int:
    """0 for an unknown or missing ``acr``, else its position (LoA1 = 1)."""
    return ACR_ORDER.index(acr) + 1 if acr in ACR_ORDER else 0


def is_level2_identity(account_level: int, acr: str | None) -> bool:
    """Whether a token for this account at this ``acr`` is a level-2 identity token."""
    return account_level >= 2 and acr_rank(acr) >= acr_rank(LEVEL2_ACR)


# --- Factors and what a request requires (PRODUCT.md's acr table; RFC 8176 amr values) -------------

PASSWORD = "pwd"
"""Mật khẩu: the password, always the first step (it names the citizen)."""
SMS_OTP = "otp"
"""Mã OTP qua SMS: a one-time code sent to the citizen's registered phone (mock inbox)."""
PASSCODE = "pin"
"""Mã bảo vệ: the 6-digit passcode."""
FACE = "face"
"""Xác thực khuôn mặt: the simulated face match."""
DEVICE_KEY = "hwk"
"""Thiết bị đã gắn: the key of the phone bound to a level-2 account, proved by a signed approval in
the phone app (:mod:`idp.phone`); an approval brings the passcode and the face match with it."""

FACTOR_ORDER = (PASSWORD, SMS_OTP, PASSCODE, FACE, DEVICE_KEY)
FACTOR_AMR: dict[str, tuple[str, ...]] = {
    PASSWORD: ("pwd",),
    SMS_OTP: ("otp", "sms"),
    PASSCODE: ("pin",),
    FACE: ("face",),
    DEVICE_KEY: ("hwk",),
}
LEVEL_FACTORS: dict[str, frozenset[str]] = {
    "LoA1": frozenset({PASSWORD}),
    "LoA2": frozenset({PASSWORD, SMS_OTP}),
    "LoA3": frozenset({PASSCODE, FACE}),
    "LoA4": frozenset({DEVICE_KEY, PASSCODE, FACE}),
}
"""The factors that reach each ``acr`` (LoA4: an approval in the phone app, on the bound device)."""
MAX_ACR_FOR_ACCOUNT = {1: "LoA2", 2: "LoA4"}
"""A level-1 account reaches at most LoA2; LoA3 and LoA4 need a level-2 account (PRODUCT.md)."""
DEFAULT_ACR = "LoA1"


def achieved_acr(methods: set[str], account_level: int) -> str | None:
    """The strongest ``acr`` the recorded factor ``methods`` reach for an account of this level."""
    ceiling = acr_rank(MAX_ACR_FOR_ACCOUNT.get(account_level))
    reached = [
        acr
        for acr, needed in LEVEL_FACTORS.items()
        if needed <= methods and acr_rank(acr) <= ceiling
    ]
    return max(reached, key=acr_rank, default=None)


def needs_phone(acr: str) -> bool:
    """Whether only an approval in the phone app reaches ``acr`` (the bound device's key)."""
    return DEVICE_KEY in LEVEL_FACTORS.get(acr, frozenset())


def amr_of(methods: set[str], acr: str | None) -> list[str]:
    """RFC 8176 ``amr`` of the recorded factors; ``mfa`` once they reach LoA2 or more."""
    values = {value for method in methods for value in FACTOR_AMR.get(method, ())}
    if acr_rank(acr) >= acr_rank("LoA2"):
        values.add("mfa")
    return sorted(values)


@dataclass(frozen=True)
class Requirement:
    """What an authorization request needs: a minimum ``acr``, and whether a level-2 account."""

    acr: str = DEFAULT_ACR
    level2: bool = False

    def reachable_by(self, account_level: int) -> bool:
        """Whether an account of this level can ever satisfy it (else: unmet requirements)."""
        if self.level2 and account_level < 2:
            return False
        return acr_rank(self.acr) <= acr_rank(MAX_ACR_FOR_ACCOUNT.get(account_level))

    def satisfied_by(self, acr: str | None, account_level: int) -> bool:
        return self.reachable_by(account_level) and acr_rank(acr) >= acr_rank(self.acr)

    def missing_factors(self, methods: set[str], account_level: int) -> list[str]:
        """The factors still to ask, in the order the pages ask them (password first)."""
        if self.satisfied_by(achieved_acr(methods, account_level), account_level):
            return []
        needed = LEVEL_FACTORS.get(self.acr, frozenset()) | {PASSWORD}
        return [factor for factor in FACTOR_ORDER if factor in needed - methods]


def weakest_known(values: list[str]) -> str | None:
    """The weakest of ``values`` that is an ``acr`` we know; unknown values are ignored."""
    known = [value for value in values if acr_rank(value)]
    return min(known, key=acr_rank, default=None)


def essential_acr_values(claims: str | None) -> list[str]:
    """The values of an essential ``acr`` in the ``claims`` parameter's ``id_token`` member (OIDC Core
    §5.5.1.1); malformed input yields none (the claims parameter's own validation refuses it)."""
    try:
        acr = loads(claims or "null")["id_token"]["acr"]
    except (ValueError, TypeError, KeyError):
        return []
    if not isinstance(acr, dict) or acr.get("essential") is not True:
        return []
    values = acr.get("values", [acr["value"]] if "value" in acr else [])
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def reported_acr(achieved: str, essential: list[str]) -> str:
    """The ``acr`` to put in the ID token: the one ``achieved``, or, when the request asked for ``acr``
    as an essential claim with values, the strongest of those values it reaches (OIDC Core §5.5.1.1:
    the returned value MUST be one of the requested ones; a stronger login satisfies a weaker value)."""
    reached = [v for v in essential if acr_rank(v) and acr_rank(v) <= acr_rank(achieved)]
    return max(reached, key=acr_rank, default=achieved)


def requirement_of(
    acr_values: str | None, claims: str | None, scopes: list[str], default_acr: list[str]
) -> Requirement:
    """What a request needs: the weakest known of ``acr_values`` (or the client's registered
    ``default_acr_values``), the weakest of an essential ``acr`` claim, and a level-2 identity for
    any scope of :data:`LEVEL2_SCOPES`; the strongest of these wins."""
    wanted = [
        weakest_known((acr_values or "").split()) or weakest_known(default_acr),
        weakest_known(essential_acr_values(claims)),
    ]
    level2 = bool(LEVEL2_SCOPES.intersection(scopes))
    if level2:
        wanted.append(LEVEL2_ACR)
    acr = max((w for w in wanted if w), key=acr_rank, default=DEFAULT_ACR)
    return Requirement(acr, level2)
