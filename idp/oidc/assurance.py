"""Assurance levels (Decree 69/2024/NĐ-CP Art. 20): which ``acr`` is stronger, and which scopes need a
level-2 identity.

``acr`` values ``LoA1`` < ``LoA2`` < ``LoA3`` < ``LoA4`` (mức độ xác thực); account levels 1 and 2 (mức độ
tài khoản định danh điện tử). A *level-2 identity token* is issued to a level-2 account at ``LoA3`` or
above (PRODUCT.md); only such tokens carry the scopes of :data:`LEVEL2_SCOPES`.
"""

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
