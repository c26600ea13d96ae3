"""The data-sharing catalogue (danh mục chia sẻ dữ liệu): every scope, the claims it releases, the account
level it needs, and how the consent page names it in Vietnamese and in English.

PRODUCT.md "Scopes and claims" is the contract; OpenID Connect Core §5.4 names ``profile``, ``email``,
``address`` and ``phone``, the rest are ours. Scopes of :data:`idp.oidc.assurance.LEVEL2_SCOPES` are only
released in level-2 identity tokens. Also here: the claim names of the ``dvcqg`` claims profile (the
national public-service portal's SSO) and of OpenID Connect for Identity Assurance 1.0.
"""

from dataclasses import dataclass

from idp.oidc.assurance import LEVEL2_SCOPES

PROFILE_CLAIMS = ("name", "family_name", "middle_name", "given_name", "birthdate", "gender")


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One scope: its claims and its plain-language description (vi, en)."""

    name: str
    claims: tuple[str, ...]
    vietnamese: str
    english: str

    @property
    def level(self) -> int:
        """The account level a token must prove (as a level-2 identity token) to carry this scope."""
        return 2 if self.name in LEVEL2_SCOPES else 1


SCOPES: tuple[ScopeEntry, ...] = (
    ScopeEntry(
        "openid",
        ("sub", "account_level"),
        "Mã định danh ẩn danh của bạn đối với dịch vụ này và mức độ tài khoản định danh điện tử",
        "An opaque identifier of you for this service and your e-identification account level",
    ),
    ScopeEntry(
        "profile",
        PROFILE_CLAIMS,
        "Họ, chữ đệm và tên; ngày sinh; giới tính",
        "Full name, date of birth, sex",
    ),
    ScopeEntry(
        "identity",
        ("personal_id_number", *PROFILE_CLAIMS),
        "Số định danh cá nhân (12 số), họ tên, ngày sinh, giới tính",
        "Personal identification number (12 digits), name, date of birth, sex",
    ),
    ScopeEntry(
        "phone",
        ("phone_number", "phone_number_verified"),
        "Số thuê bao di động chính chủ",
        "Your own-name mobile phone number",
    ),
    ScopeEntry("email", ("email", "email_verified"), "Địa chỉ thư điện tử", "Your email address"),
    ScopeEntry(
        "address",
        ("address",),
        "Địa chỉ nơi ở hiện tại (xã/phường, tỉnh/thành phố)",
        "The address where you currently live (ward, province)",
    ),
    ScopeEntry(
        "eid_card",
        ("eid_card", "nationality", "ethnicity", "religion", "picture"),
        "Căn cước điện tử: số thẻ, ngày cấp, ngày hết hạn, nơi cấp, nơi đăng ký khai sinh, quê "
        "quán, quốc tịch, dân tộc, tôn giáo, ảnh chân dung",
        "Electronic identity card: number, issue and expiry dates, issuer, place of birth "
        "registration, place of origin, nationality, ethnicity, religion, portrait",
    ),
    ScopeEntry(
        "residence",
        ("residence",),
        "Thông tin cư trú: nơi thường trú, nơi tạm trú, nơi ở hiện tại",
        "Residence: permanent, temporary and current address",
    ),
    ScopeEntry(
        "household",
        ("household",),
        "Hộ gia đình: số hộ, chủ hộ, quan hệ với chủ hộ, các thành viên",
        "Household: number, head, your relation to the head, members",
    ),
    ScopeEntry(
        "health_insurance",
        ("health_insurance",),
        "Thẻ bảo hiểm y tế: mã thẻ, mã số BHXH, mức hưởng, nơi đăng ký khám chữa bệnh, hạn thẻ",
        "Health-insurance (BHYT) card: number, social-insurance code, benefit level, registered "
        "facility, validity",
    ),
    ScopeEntry(
        "driving_license",
        ("driving_licenses",),
        "Giấy phép lái xe (tất cả các hạng)",
        "Driving licences (every class)",
    ),
    ScopeEntry(
        "vehicles",
        ("vehicle_registrations",),
        "Đăng ký xe: biển số, loại xe, nhãn hiệu",
        "Vehicle registrations: plate, type, brand",
    ),
)
SCOPES_BY_NAME = {entry.name: entry for entry in SCOPES}
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    entry.name: entry.claims for entry in SCOPES if entry.name != "openid"
}
"""Scope → claims for every scope but ``openid`` (whose claims every token carries)."""

PROTOCOL_CLAIMS = frozenset(
    {
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "jti",
        "auth_time",
        "nonce",
        "acr",
        "amr",
        "azp",
        "at_hash",
        "c_hash",
        "sid",
    }
)
"""Claims about the protocol, not the citizen: never counted as a disclosure in the audit log."""

DVCQG_PROFILE = "dvcqg"
DVCQG_CLAIMS: dict[str, str] = {
    "SoDinhDanh": "identity",
    "HoVaTen": "profile",
    "NgayThangNamSinh": "profile",
    "LoaiTaiKhoan": "openid",
    "TechID": "openid",
    "loginIdp": "openid",
}
"""The dvcqg attribute names and the scope that carries the value each one repeats
(``HoVaTen`` and ``NgayThangNamSinh`` come with ``profile`` or ``identity``)."""

TRUST_FRAMEWORK = "vn_eid"
VERIFIABLE_CLAIMS = (
    "personal_id_number",
    "name",
    "family_name",
    "middle_name",
    "given_name",
    "birthdate",
    "gender",
    "nationality",
)
"""The claims a level-2 account's in-person verification against the identity card vouches for."""


def scope_level(scope: str) -> int:
    return 2 if scope in LEVEL2_SCOPES else 1
