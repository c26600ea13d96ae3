"""Birth registration (đăng ký khai sinh), ``POST /api/population/births``: the first of the
interconnected procedures of Đề án 06 (birth registration → permanent residence → health insurance
for a child under 6), done at once for a child declared online by a parent.

The declarant is a parent (:mod:`idp.citizen.population_service`); father and mother are told apart
by sex: the declarant is the father when male, the mother when female, and the other parent, named by
``other_parent_pin``, must be of the other sex. The birth must fall on or before the population's day
(:meth:`idp.state.clock.Clock.population_day`), less than six years before it (the procedure is the
one for a child under 6), when each parent was born and at least 15, before the mother's death and at
most 300 days after the father's.

In one transaction on the population database, a registration creates:

* the child (:class:`idp.population_db.models.Citizen`): a PIN composed by the real rules
  (:func:`idp.population_db.pin.compose_pin`) from the 2025 province of the declarant's permanent
  residence, where the birth is registered, the century/sex digit, the year and six random serial
  digits (a serial in use is another PIN's: the insert fails and the whole registration is tried
  again, so concurrent registrations never share a PIN); Vietnamese nationality, the ethnicity and
  hometown (quê quán) of the father when known, else the mother's;
* a member of the declarant's household, related to its head as the declarant's child is
  (:data:`CHILD_RELATION`), with a permanent residence (thường trú) at the household's address
  registered that day;
* health insurance (BHYT) of group TE, benefit level 1, with a new 10-digit social-insurance code,
  valid from the birth to the day before the sixth birthday, at the ward's health station;
* the registration (:class:`idp.population_db.models.BirthRegistration`), whose key, the client and
  its ``request_id``, makes a resubmission (even a concurrent one) find the same child;
* the audit rows of the declarant, the other parent and the child.

No identity card and no VNeID account: a newborn has neither.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from idp.citizen.name_parts import name_part
from idp.citizen.population_service import Call
from idp.citizen.population_service import ConflictError
from idp.citizen.population_service import Declarant
from idp.citizen.population_service import FieldError
from idp.citizen.population_service import RefusedError
from idp.citizen.population_service import audit_refusal
from idp.citizen.population_service import conflict
from idp.citizen.population_service import earlier_answer
from idp.citizen.population_service import iso_date
from idp.citizen.population_service import load_declarant
from idp.citizen.population_service import open_call
from idp.citizen.population_service import pin_value
from idp.citizen.population_service import refused
from idp.citizen.population_service import writing
from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.oidc.server import AuthorizationServer
from idp.population_db.cards import birthday_at
from idp.population_db.codes import MaritalStatus
from idp.population_db.codes import Occupation
from idp.population_db.codes import RelationToHead
from idp.population_db.codes import ResidenceKind
from idp.population_db.codes import Sex
from idp.population_db.generator import PIN_RESERVED
from idp.population_db.generator import PIN_SERIALS
from idp.population_db.generator import SOCIAL_RESERVED
from idp.population_db.generator import SOCIAL_SERIALS
from idp.population_db.generator import age_on
from idp.population_db.insurance import GROUP_LEVELS
from idp.population_db.invariants import MIN_PARENT_AGE
from idp.population_db.lookup import Address
from idp.population_db.models import Citizen
from idp.population_db.models import Residence
from idp.population_db.models import SocialInsurance
from idp.population_db.models import table_of
from idp.population_db.pin import compose_pin
from idp.population_db.registrations import BIRTHS
from idp.population_db.rendering import format_address
from idp.population_db.units import load_units
from idp.state.audit import BIRTH_REGISTRATION
from idp.state.audit import record_event

CHILD_RELATION = {
    RelationToHead.HEAD: RelationToHead.CHILD,
    RelationToHead.SPOUSE: RelationToHead.CHILD,
    RelationToHead.CHILD: RelationToHead.GRANDCHILD,
    RelationToHead.CHILD_IN_LAW: RelationToHead.GRANDCHILD,
    RelationToHead.PARENT: RelationToHead.SIBLING,
}
"""The declarant's relation to the head -> their child's (anyone else's child: ``other``)."""
FATHER_GRACE = timedelta(days=300)
"""A child born within 300 days of the father's death is his (Law on Marriage and Family 2014 Art. 88)."""
UNDER = 6
"""The procedure registers children under 6: their health insurance is the TE group's."""
ATTEMPTS = 20
"""Tries of one registration whose insert met a PIN, a code or a request key taken meanwhile."""
GROUP = "TE"
_CITIZEN = table_of(Citizen)
_RESIDENCE = table_of(Residence)
_INSURANCE = table_of(SocialInsurance)


@dataclass(frozen=True)
class Child:
    """The child as declared, once every field is valid."""

    family_name: str
    middle_name: str
    given_name: str
    sex: Sex
    birth_date: date
    birth_ward_code: int
    other_parent_pin: str | None


def register_birth(server: AuthorizationServer, authorization: str | None, body: bytes) -> Answer:
    """The service's answer to one call: 201 with the child, 200 for a resubmission, 400 with the
    field errors, 409 for a ``request_id`` used with another body, RFC 6750 errors for the token."""
    call = open_call(server, authorization, body, BIRTH_REGISTRATION)
    if isinstance(call, Answer):
        return call
    found = call.declarant
    for _ in range(ATTEMPTS):
        try:
            with writing(server.engine) as connection:
                return _register(connection, call, found)
        except ConflictError:
            return conflict(call.request_id)
        except RefusedError as error:
            if not isinstance(found, FieldError):
                audit_refusal(server, BIRTH_REGISTRATION, call, found[0], error.errors)
            return refused(error.errors)
        except IntegrityError:
            continue  # a PIN, a social-insurance code or this request's key was taken meanwhile
    return json_answer(
        {"error": "temporarily_unavailable", "error_description": "Try the request again."}, 503
    )


def _register(connection: Connection, call: Call, found: tuple[str, str] | FieldError) -> Answer:
    earlier = earlier_answer(connection, BIRTHS, call)
    if earlier is not None:
        return json_answer(earlier, 200)
    errors: list[FieldError] = []
    declarant = None
    if isinstance(found, FieldError):
        errors.append(found)
    else:
        declarant, refusals = load_declarant(connection, *found)
        errors += refusals
    child, child_errors = _child(call.body.get("child"), call.body.get("other_parent_pin"))
    errors += child_errors
    parents: tuple[Any, Any] = (None, None)
    if child is not None and declarant is not None:
        parents, parent_errors = _parents(connection, declarant, child, call.today)
        errors += parent_errors
    if errors:
        raise RefusedError(errors)
    assert child is not None
    assert declarant is not None
    answer = _write(connection, call, declarant, child, parents)
    return json_answer(answer, 201)


def _child(value: Any, other_parent: Any) -> tuple[Child | None, list[FieldError]]:
    """The declared child, or the field errors of ``child`` and ``other_parent_pin``."""
    if not isinstance(value, dict):
        return None, [FieldError("child", "invalid", "child must be a JSON object")]
    errors = []
    names = {}
    for part, limit, required in (
        ("family_name", 40, True),
        ("middle_name", 60, False),
        ("given_name", 40, True),
    ):
        text, problem = name_part(value.get(part), limit=limit, required=required)
        names[part] = text
        if problem is not None:
            errors.append(FieldError(f"child.{part}", problem, _NAME_PROBLEMS[problem]))
    sex = value.get("sex")
    if sex not in (Sex.MALE.value, Sex.FEMALE.value):
        errors.append(FieldError("child.sex", "invalid", "sex must be male or female"))
    born = iso_date(value.get("birth_date"), "child.birth_date")
    if isinstance(born, FieldError):
        errors.append(born)
    ward = value.get("birth_ward_code")
    if isinstance(ward, str) and ward.isascii() and ward.isdigit() and len(ward) <= 6:
        ward = int(ward)
    if isinstance(ward, bool) or not isinstance(ward, int) or not load_units().has_ward(ward):
        why = "birth_ward_code is not a 2025 commune-level unit"
        errors.append(FieldError("child.birth_ward_code", "unknown_ward", why))
    other = None if other_parent is None else pin_value(other_parent, "other_parent_pin")
    if isinstance(other, FieldError):
        errors.append(other)
    if errors:
        return None, errors
    assert isinstance(born, date)
    assert isinstance(other, str | None)
    assert isinstance(ward, int)
    child = Child(
        names["family_name"], names["middle_name"], names["given_name"], Sex(str(sex)), born,
        ward, other,
    )  # fmt: skip
    return child, []


_NAME_PROBLEMS = {
    "empty": "must not be empty",
    "too_long": "is too long",
    "invalid_characters": "may hold only letters, spaces, and an apostrophe or hyphen in a word",
}


def _parents(
    connection: Connection, declarant: Declarant, child: Child, today: date
) -> tuple[tuple[Any, Any], list[FieldError]]:
    """(father, mother) as records (None when not named), or the field errors that make the birth
    impossible."""
    errors = []
    if child.birth_date > today:
        why = f"the birth date is after the population's day, {today}"
        errors.append(FieldError("child.birth_date", "in_future", why))
    elif birthday_at(child.birth_date, UNDER) <= today:
        why = "the procedure registers children under 6"
        errors.append(FieldError("child.birth_date", "too_old", why))
    me = declarant.citizen
    other = None
    if child.other_parent_pin is not None:
        other = connection.execute(
            select(_CITIZEN).where(_CITIZEN.c.pin == child.other_parent_pin)
        ).one_or_none()
        if other is None:
            why = "no citizen has this PIN"
            errors.append(FieldError("other_parent_pin", "unknown_person", why))
        elif other.pin == me.pin:
            why = "the other parent is the declarant"
            errors.append(FieldError("other_parent_pin", "same_person", why))
            other = None
        elif other.sex == me.sex:
            why = "father and mother are told apart by sex: the other parent has the declarant's"
            errors.append(FieldError("other_parent_pin", "same_sex", why))
            other = None
    father, mother = (me, other) if me.sex == Sex.MALE.value else (other, me)
    for role, parent in (("father", father), ("mother", mother)):
        if parent is not None:
            errors += _parent_errors(role, parent, child.birth_date)
    return (father, mother), errors


def _parent_errors(role: str, parent: Any, born: date) -> list[FieldError]:
    field = "child.birth_date"
    if parent.birth_date >= born:
        return [FieldError(field, "parent_not_born", f"the {role} was not born yet")]
    if age_on(parent.birth_date, born) < MIN_PARENT_AGE:
        why = f"the {role} would have been under {MIN_PARENT_AGE}"
        return [FieldError(field, "parent_too_young", why)]
    died = parent.deceased_on
    if role == "mother" and died is not None and died < born:
        return [FieldError(field, "mother_deceased", f"the mother died on {died}")]
    if role == "father" and died is not None and died + FATHER_GRACE < born:
        why = f"the father died on {died}, more than 300 days before"
        return [FieldError(field, "father_deceased", why)]
    return []


def _write(
    connection: Connection, call: Call, declarant: Declarant, child: Child, parents: tuple[Any, Any]
) -> dict[str, Any]:
    """Every row of the registration; the answer."""
    father, mother = parents
    first = father if father is not None else mother
    household = declarant.household
    province = int(household.province_code)
    relation = CHILD_RELATION.get(
        RelationToHead(declarant.citizen.relation_to_head), RelationToHead.OTHER
    )
    serial = secrets.randbelow(PIN_SERIALS - PIN_RESERVED)  # the top serials are the personas'
    pin = compose_pin(province, child.birth_date.year, child.sex, serial)
    ethnicity = next(
        (p.ethnicity_code for p in (father, mother) if p is not None and p.ethnicity_code),
        declarant.citizen.ethnicity_code,
    )
    connection.execute(
        insert(_CITIZEN).values(
            pin=pin, family_name=child.family_name, middle_name=child.middle_name,
            given_name=child.given_name, birth_date=child.birth_date, sex=child.sex.value,
            nationality="VN", ethnicity_code=ethnicity, birth_registration_province=province,
            origin_ward_code=first.origin_ward_code, household_number=household.number,
            relation_to_head=relation.value, father_pin=father.pin if father else None,
            mother_pin=mother.pin if mother else None, marital_status=MaritalStatus.SINGLE.value,
            occupation=Occupation.PRESCHOOL.value,
        )
    )  # fmt: skip
    connection.execute(
        insert(_RESIDENCE).values(
            pin=pin, kind=ResidenceKind.PERMANENT.value, province_code=province,
            ward_code=household.ward_code, street_address=household.street_address,
            registered_on=call.today,
        )
    )  # fmt: skip
    insurance = _insurance(connection, pin, province, household.ward_code, child.birth_date)
    answer = _answer(call, declarant, child, pin, (father, mother), relation, insurance)
    connection.execute(
        insert(BIRTHS).values(
            client_id=call.client.client_id, request_id=call.request_id,
            body_digest=call.digest, child_pin=pin, declarant_pin=declarant.citizen.pin,
            birth_ward_code=child.birth_ward_code, registered_on=call.today,
            answer=json.dumps(answer, ensure_ascii=False),
        )
    )  # fmt: skip
    concerned = [(declarant.citizen.pin, "declarant")]
    concerned += [(p.pin, "parent") for p in (father, mother) if p and p.pin != concerned[0][0]]
    concerned.append((pin, "registered"))
    for who, part in concerned:
        record_event(
            connection, BIRTH_REGISTRATION, part, at=call.at, pin=who,
            client_id=call.client.client_id, detail=pin,
        )  # fmt: skip
    return answer


def _insurance(
    connection: Connection, pin: str, province: int, ward_code: int, born: date
) -> dict[str, Any]:
    """The child's social-insurance code and BHYT card (group TE, benefit level 1)."""
    code = f"{province:02d}{secrets.randbelow(SOCIAL_SERIALS - SOCIAL_RESERVED):08d}"
    level = GROUP_LEVELS[GROUP]
    values = {
        "card_number": f"{GROUP}{level}{province:02d}{code}",
        "social_insurance_code": code,
        "group": GROUP,
        "benefit_level": level,
        "registered_facility": f"Trạm Y tế {load_units().ward(ward_code).name}",
        "valid_from": born,
        "valid_to": birthday_at(born, UNDER) - timedelta(days=1),
    }
    connection.execute(
        insert(_INSURANCE).values(
            pin=pin, social_insurance_code=code, bhyt_card_number=values["card_number"],
            beneficiary_group=GROUP, benefit_level=level,
            registered_facility=values["registered_facility"], valid_from=values["valid_from"],
            valid_to=values["valid_to"],
        )
    )  # fmt: skip
    return values


def _answer(
    call: Call,
    declarant: Declarant,
    child: Child,
    pin: str,
    parents: tuple[Any, Any],
    relation: RelationToHead,
    insurance: dict[str, Any],
) -> dict[str, Any]:
    father, mother = parents
    household = declarant.household
    address = Address(household.province_code, household.ward_code, household.street_address)
    full_name = " ".join(p for p in (child.family_name, child.middle_name, child.given_name) if p)
    return {
        "request_id": call.request_id,
        "registered_on": call.today.isoformat(),
        "declarant_pin": declarant.citizen.pin,
        "child": {
            "pin": pin,
            "full_name": full_name,
            "family_name": child.family_name,
            "middle_name": child.middle_name,
            "given_name": child.given_name,
            "birth_date": child.birth_date.isoformat(),
            "sex": child.sex.value,
            "birth_ward_code": child.birth_ward_code,
            "nationality": "VN",
            "father_pin": father.pin if father else None,
            "mother_pin": mother.pin if mother else None,
        },
        "household": {
            "number": household.number,
            "relation_to_head": relation.value,
            "address": {
                "province_code": household.province_code,
                "ward_code": household.ward_code,
                "street_address": household.street_address,
                "formatted": format_address(address),
            },
        },
        "permanent_residence_registered_on": call.today.isoformat(),
        "health_insurance": {
            k: v.isoformat() if isinstance(v, date) else v for k, v in insurance.items()
        },
    }
