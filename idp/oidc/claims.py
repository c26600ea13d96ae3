"""The values of each scope's claims for one citizen, read from the population database's
:class:`~idp.population_db.lookup.CitizenRecord` (OpenID Connect Core §5.1, §5.4; PRODUCT.md).

:func:`release` is the one place claims leave: it drops the level-2 scopes of
:data:`idp.oidc.assurance.LEVEL2_SCOPES` unless the token is a level-2 identity token, whatever the
authorization step decided, and adds the ``dvcqg`` attribute names for clients of that claims profile.
Biometrics (face template, fingerprints) are not in the record and never leave. Dates are ISO 8601;
administrative codes are GSO codes as zero-padded strings; the address is the 2025 two-level units.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from idp.oidc.assurance import LEVEL2_SCOPES
from idp.oidc.assurance import is_level2_identity
from idp.oidc.catalogue import DVCQG_CLAIMS
from idp.oidc.catalogue import SCOPE_CLAIMS
from idp.oidc.catalogue import SCOPES_BY_NAME
from idp.oidc.portraits import portrait_url
from idp.population_db.lookup import LICENCES
from idp.population_db.lookup import RELATIVES
from idp.population_db.lookup import RESIDENCES
from idp.population_db.lookup import VEHICLES
from idp.population_db.lookup import Address
from idp.population_db.lookup import CitizenRecord
from idp.population_db.models import Citizen
from idp.population_db.units import ethnic_group
from idp.population_db.units import load_units

__all__ = ["SCOPE_CLAIMS", "ClaimsContext", "Recipient", "all_claims", "release"]

Claims = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ClaimsContext:
    """What claim values need besides the record: the issuer (portrait URLs) and the subject secret."""

    issuer: str
    secret: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who receives the claims (their ``sub``) and what the token proves (account level, ``acr``)."""

    sub: str
    account_level: int
    acr: str | None
    dvcqg: bool = False


def release(
    record: CitizenRecord, context: ClaimsContext, recipient: Recipient, scopes: list[str]
) -> Claims:
    """``sub``, ``account_level`` and the claims of every granted scope the token may carry."""
    allowed = releasable_scopes(scopes, recipient.account_level, recipient.acr)
    info: Claims = {"sub": recipient.sub, "account_level": recipient.account_level}
    for scope in allowed:
        if scope in SCOPE_CLAIMS:
            info |= _scope_claims(scope, record, context)
    if recipient.dvcqg:
        info |= dvcqg_claims(record, recipient, allowed)
    return info


def releasable_scopes(scopes: list[str], account_level: int, acr: str | None) -> list[str]:
    """The known ``scopes`` a token of this account level and ``acr`` may carry."""
    level2 = is_level2_identity(account_level, acr)
    return [s for s in scopes if s in SCOPES_BY_NAME and (level2 or s not in LEVEL2_SCOPES)]


def all_claims(record: CitizenRecord, context: ClaimsContext) -> dict[str, Claims]:
    """Every scope's claims, by scope: what the citizen sees of themselves on the account page."""
    return {scope: _scope_claims(scope, record, context) for scope in SCOPE_CLAIMS}


def _scope_claims(scope: str, record: CitizenRecord, context: ClaimsContext) -> Claims:
    values = _BUILDERS[scope](record, context)
    return {name: value for name, value in values.items() if value not in (None, "")}


def dvcqg_claims(record: CitizenRecord, recipient: Recipient, scopes: list[str]) -> Claims:
    """The national public-service portal SSO's attribute names, each when its scope is granted."""
    citizen = record.citizen
    values = {
        "SoDinhDanh": citizen.pin,
        "HoVaTen": citizen.full_name,
        "NgayThangNamSinh": citizen.birth_date.strftime("%Y%m%d"),
        "LoaiTaiKhoan": "1" if citizen.nationality == "VN" else "3",
        "TechID": recipient.sub,
        "loginIdp": "BCA",
    }
    granted = set(scopes) | ({"profile"} if "identity" in scopes else set())
    return {name: values[name] for name, scope in DVCQG_CLAIMS.items() if scope in granted}


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _profile(record: CitizenRecord, context: ClaimsContext) -> Claims:
    citizen = record.citizen
    return {
        "name": citizen.full_name,
        "family_name": citizen.family_name,
        "middle_name": citizen.middle_name,
        "given_name": citizen.given_name,
        "birthdate": citizen.birth_date.isoformat(),
        "gender": citizen.sex,
    }


def _identity(record: CitizenRecord, context: ClaimsContext) -> Claims:
    return {"personal_id_number": record.citizen.pin, **_profile(record, context)}


def _phone(record: CitizenRecord, context: ClaimsContext) -> Claims:
    phone = record.citizen.phone_number
    if not phone:
        return {}
    return {"phone_number": f"+84{phone[1:]}", "phone_number_verified": True}


def _email(record: CitizenRecord, context: ClaimsContext) -> Claims:
    # Declared by the citizen at registration; VNeID does not prove control of the mailbox.
    email = record.citizen.email
    return {"email": email, "email_verified": False} if email else {}


def _address(record: CitizenRecord, context: ClaimsContext) -> Claims:
    place = record.current
    units = load_units()
    ward, province = units.ward(place.ward_code).name, units.province(place.province_code).name
    return {
        "address": {
            "formatted": f"{place.street_address}, {ward}, {province}",
            "street_address": place.street_address,
            "locality": ward,
            "region": province,
            "country": "VN",
        }
    }


def _place(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    units = load_units()
    return _compact(
        {
            "street_address": address.street_address,
            "ward_code": f"{address.ward_code:05d}",
            "ward": units.ward(address.ward_code).name,
            "province_code": f"{address.province_code:02d}",
            "province": units.province(address.province_code).name,
            "registered_on": _iso(address.registered_on),
            "expires_on": _iso(address.expires_on),
        }
    )


def _eid_card(record: CitizenRecord, context: ClaimsContext) -> Claims:
    citizen, card = record.citizen, record.card
    units = load_units()
    ethnicity = citizen.ethnicity_code
    claims: Claims = {
        "nationality": citizen.nationality,
        "ethnicity": None if ethnicity is None else ethnic_group(ethnicity).name,
        "religion": citizen.religion,
        "picture": portrait_url(context.issuer, citizen.pin, context.secret),
    }
    if card is None:
        return claims
    origin = units.ward(citizen.origin_ward_code)
    legacy = units.legacy_province(citizen.birth_registration_province)
    claims["eid_card"] = _compact(
        {
            "number": card.pin,
            "type": card.generation,
            "issued_on": card.issued_on.isoformat(),
            "expires_on": _iso(card.expires_on),
            "issued_by": card.issued_by,
            "place_of_birth_registration": {
                "province_code": legacy.pin_prefix,
                "province": legacy.name,
            },
            "place_of_origin": {
                "ward_code": f"{origin.code:05d}",
                "ward": origin.name,
                "province_code": f"{origin.province_code:02d}",
                "province": units.province(origin.province_code).name,
            },
        }
    )
    return claims


def _residence(record: CitizenRecord, context: ClaimsContext) -> Claims:
    places = {"permanent": record.permanent, "temporary": record.temporary}
    places["current"] = record.current
    return {"residence": _compact({kind: _place(place) for kind, place in places.items()})}


def _member(citizen: Citizen) -> dict[str, Any]:
    return {
        "personal_id_number": citizen.pin,
        "name": citizen.full_name,
        "birthdate": citizen.birth_date.isoformat(),
        "gender": citizen.sex,
        "relation_to_head": citizen.relation_to_head,
    }


def _household(record: CitizenRecord, context: ClaimsContext) -> Claims:
    household, citizen = record.household, record.citizen
    everyone = sorted((citizen, *record.household_members), key=lambda c: c.pin)
    head = next((c for c in everyone if c.pin == household.head_pin), None)
    return {
        "household": {
            "number": household.number,
            "head": _compact(
                {
                    "personal_id_number": household.head_pin,
                    "name": None if head is None else head.full_name,
                }
            ),
            "relation_to_head": citizen.relation_to_head,
            "members": [_member(member) for member in everyone],
        }
    }


def _health_insurance(record: CitizenRecord, context: ClaimsContext) -> Claims:
    insurance = record.insurance
    if insurance is None or not insurance.bhyt_card_number:
        return {}
    return {
        "health_insurance": _compact(
            {
                "card_number": insurance.bhyt_card_number,
                "social_insurance_code": insurance.social_insurance_code,
                "beneficiary_group": insurance.beneficiary_group,
                "benefit_level": insurance.benefit_level,
                "registered_facility": insurance.registered_facility,
                "valid_from": _iso(insurance.valid_from),
                "valid_to": _iso(insurance.valid_to),
            }
        )
    }


def _driving_licenses(record: CitizenRecord, context: ClaimsContext) -> Claims:
    licences = [
        _compact(
            {
                "number": licence.number,
                "class": licence.license_class,
                "issued_on": licence.issued_on.isoformat(),
                "expires_on": _iso(licence.expires_on),
                "issued_by": licence.issued_by,
            }
        )
        for licence in sorted(record.licences, key=lambda licence: licence.number)
    ]
    return {"driving_licenses": licences}


def _vehicles(record: CitizenRecord, context: ClaimsContext) -> Claims:
    vehicles = [
        {
            "plate": vehicle.plate,
            "vehicle_type": vehicle.vehicle_type,
            "brand": vehicle.brand,
            "registered_on": vehicle.registered_on.isoformat(),
        }
        for vehicle in sorted(record.vehicles, key=lambda vehicle: vehicle.plate)
    ]
    return {"vehicle_registrations": vehicles}


_PARTS: dict[str, frozenset[str]] = {
    "address": frozenset({RESIDENCES}),
    "residence": frozenset({RESIDENCES}),
    "household": frozenset({RELATIVES}),
    "driving_license": frozenset({LICENCES}),
    "vehicles": frozenset({VEHICLES}),
}
"""The linked records each scope's builder reads beyond the citizen, card, insurance and account."""


def record_parts(scopes: list[str]) -> frozenset[str]:
    """What a lookup must fetch for the claims of ``scopes`` (:data:`_PARTS`)."""
    return frozenset().union(*(_PARTS.get(scope, frozenset()) for scope in scopes))


_BUILDERS: dict[str, Callable[[CitizenRecord, ClaimsContext], Claims]] = {
    "profile": _profile,
    "identity": _identity,
    "phone": _phone,
    "email": _email,
    "address": _address,
    "eid_card": _eid_card,
    "residence": _residence,
    "household": _household,
    "health_insurance": _health_insurance,
    "driving_license": _driving_licenses,
    "vehicles": _vehicles,
}
