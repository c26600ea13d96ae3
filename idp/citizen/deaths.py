"""Death registration (đăng ký khai tử), ``POST /api/population/deaths``: the first of the second
group of interconnected procedures (death registration → removal of the permanent residence → funeral
allowance), declared online by a relative.

The declarant (:mod:`idp.citizen.population_service`) must be the deceased's parent, child or spouse,
or a member of the same household; the date of death falls on or before the population's day, not
before the birth nor any dated record of the deceased (a card, an account, a residence, a vehicle, a
licence, a BHYT card), not before a child's birth for a mother nor more than 300 days before it for a
father, so that the population stays consistent (:func:`idp.population_db.invariants.check_population`). The death is recorded through :func:`idp.citizen.changes.change_citizen`, the one
place the provider changes a citizen, so that its effects follow: the VNeID account locked with the
reason ``deceased`` and the permanent residence removed (:mod:`idp.citizen.death`), and the identity
events a death emits.

Because that change is a transaction of its own, the request's key is claimed first, in a transaction
of its own (:class:`idp.population_db.models.DeathRegistration` with no answer yet, and the values
that cancel the death, which the sandbox's reset applies): of two requests racing with the same key,
one claims it and registers the death, the other waits for its answer; the table holds one claim per
deceased, so a request under another key is refused as the death of someone already dead. A claim
whose change failed is released. The answer is written with the audit rows, in one transaction; a
claim whose death is recorded but whose answer is missing (the request failed in between) is
answered by the next request of its key.
"""

import json
import time
from datetime import date
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from idp.citizen.births import FATHER_GRACE
from idp.citizen.changes import change_citizen
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
from idp.citizen.population_service import same_request
from idp.citizen.population_service import writing
from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.oidc.server import AuthorizationServer
from idp.population_db.models import Citizen
from idp.population_db.models import DrivingLicense
from idp.population_db.models import IdentityCard
from idp.population_db.models import Residence
from idp.population_db.models import SocialInsurance
from idp.population_db.models import VehicleRegistration
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of
from idp.population_db.registrations import CLEARANCES
from idp.population_db.registrations import DEATHS
from idp.state.audit import DEATH_REGISTRATION
from idp.state.audit import record_event

WAIT = 10.0
"""Seconds a request waits for the answer of a racing request that claimed its key."""
ATTEMPTS = 20
"""Tries of one claim whose insert met a key, a deceased or a sequence number taken meanwhile."""
_CITIZEN = table_of(Citizen)
_ACCOUNT = table_of(VneidAccount)
_DATED_RECORDS = (
    table_of(IdentityCard).c.issued_on,
    _ACCOUNT.c.activated_on,
    table_of(Residence).c.registered_on,
    table_of(VehicleRegistration).c.registered_on,
    table_of(DrivingLicense).c.issued_on,
    table_of(SocialInsurance).c.valid_from,
)
"""The days a citizen's records are dated: a death falls on or after the latest."""


def register_death(server: AuthorizationServer, authorization: str | None, body: bytes) -> Answer:
    """The service's answer to one call, as :func:`idp.citizen.births.register_birth`'s."""
    call = open_call(server, authorization, body, DEATH_REGISTRATION)
    if isinstance(call, Answer):
        return call
    found = call.declarant
    for _ in range(ATTEMPTS):
        try:
            claimed = _claim_key(server, call, found)
        except ConflictError:
            return conflict(call.request_id)
        except RefusedError as error:
            if not isinstance(found, FieldError):
                audit_refusal(server, DEATH_REGISTRATION, call, found[0], error.errors)
            return refused(error.errors)
        except IntegrityError:
            continue  # this request's key, the deceased or the sequence number was taken meanwhile
        if isinstance(claimed, Answer):
            return claimed
        return _record(server, call, *claimed)
    return _unavailable()


def _claim_key(
    server: AuthorizationServer, call: Call, found: tuple[str, str] | FieldError
) -> Answer | tuple[str, str, date]:
    """The request's claim, in a transaction of its own: the declarant's PIN, the deceased's and the
    date of death; else the answer of the request of the same key (given, or awaited), or
    :class:`RefusedError` (a death already recorded, or registered by another request now)."""
    with writing(server.engine) as connection:
        earlier = earlier_answer(connection, DEATHS, call)
        if earlier is not None:
            return json_answer(earlier, 200)
        if _claimed(connection, call):
            pending = True
        else:
            pending = False
            declarant, pin, died = _checked(connection, call, found)
            if _registered(connection, pin):
                why = "a death of this citizen is being registered by another request"
                raise RefusedError([FieldError("deceased_pin", "already_deceased", why)])
            _claim(connection, call, declarant.citizen.pin, pin, died)
    if pending:  # a request of the same key is registering the death now
        return _racing(server, call)
    return declarant.citizen.pin, pin, died


def _record(
    server: AuthorizationServer, call: Call, declarant: str, pin: str, died: date
) -> Answer:
    """The death recorded through the change of a citizen, then the answer and the audit rows; a
    claim whose change failed is released."""
    try:
        undo = change_citizen(
            server.engine,
            pin,
            {"deceased_on": died.isoformat()},
            today=call.today,
            listener=server.signals,
        )
    except BaseException:
        with server.engine.begin() as connection:
            connection.execute(delete(DEATHS).where(*_key(call)))
        raise
    with server.engine.begin() as connection:
        answer = _finish(connection, call, (declarant, pin, died, call.today), undo)
    return json_answer(answer, 201)


def _claimed(connection: Connection, call: Call) -> bool:
    return connection.execute(select(DEATHS.c.request_id).where(*_key(call))).first() is not None


def _registered(connection: Connection, pin: str) -> bool:
    found = select(DEATHS.c.request_id).where(DEATHS.c.deceased_pin == pin)
    return connection.execute(found).first() is not None


def _key(call: Call) -> tuple[Any, ...]:
    return (DEATHS.c.client_id == call.client.client_id, DEATHS.c.request_id == call.request_id)


def _racing(server: AuthorizationServer, call: Call) -> Answer:
    """The answer of the request that claimed this key first, once it has one. A claim whose death
    is recorded but whose answer is missing (its request failed after the change) is finished here,
    so that a retry gets the answer."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            with writing(server.engine) as connection:
                earlier = earlier_answer(connection, DEATHS, call)
                if earlier is None:
                    earlier = _finish_recorded(connection, call)
        except ConflictError:
            return conflict(call.request_id)
        except RefusedError as error:
            return refused(error.errors)
        if earlier is not None:
            return json_answer(earlier, 200)
        time.sleep(0.05)
    return _unavailable()


def _unavailable() -> Answer:
    return json_answer(
        {"error": "temporarily_unavailable", "error_description": "Try the request again."}, 503
    )


def _finish_recorded(connection: Connection, call: Call) -> dict[str, Any] | None:
    """The answer of this key's claim when its death is recorded already (the claiming request
    failed after the change, or is about to answer); None while it is not."""
    claim = connection.execute(select(DEATHS).where(*_key(call))).one_or_none()
    if claim is None:
        return None
    same_request(call, claim.body_digest)
    recorded = connection.execute(
        select(_CITIZEN.c.deceased_on).where(_CITIZEN.c.pin == claim.deceased_pin)
    ).scalar()
    if recorded != claim.died_on:
        return None
    undo = {"deceased_on": None}  # the claim was made for a citizen without a recorded death
    registration = (claim.declarant_pin, claim.deceased_pin, claim.died_on, claim.registered_on)
    return _finish(connection, call, registration, undo)


def _checked(
    connection: Connection, call: Call, found: tuple[str, str] | FieldError
) -> tuple[Declarant, str, date]:
    """The declarant, the deceased's PIN and the date of death; :class:`RefusedError` otherwise."""
    errors: list[FieldError] = []
    declarant = None
    if isinstance(found, FieldError):
        errors.append(found)
    else:
        declarant, refusals = load_declarant(connection, *found)
        errors += refusals
    pin = pin_value(call.body.get("deceased_pin"), "deceased_pin")
    died = iso_date(call.body.get("died_on"), "died_on")
    for problem in (pin, died):
        if isinstance(problem, FieldError):
            errors.append(problem)
    deceased = None
    if isinstance(pin, str):
        deceased = connection.execute(select(_CITIZEN).where(_CITIZEN.c.pin == pin)).one_or_none()
        errors += _deceased_errors(deceased, declarant)
    if isinstance(died, date):
        if died > call.today:
            why = f"the date of death is after the population's day, {call.today}"
            errors.append(FieldError("died_on", "in_future", why))
        elif deceased is not None and died < deceased.birth_date:
            errors.append(FieldError("died_on", "before_birth", "the date is before the birth"))
        elif deceased is not None:
            errors += _date_errors(connection, deceased, died)
    if errors:
        raise RefusedError(errors)
    assert declarant is not None
    assert isinstance(pin, str)
    assert isinstance(died, date)
    return declarant, pin, died


def _date_errors(connection: Connection, deceased: Any, died: date) -> list[FieldError]:
    """A death before a record the citizen has (a card issued, an account activated, a residence or
    a vehicle registered, a licence issued, a BHYT card valid from), before the birth of a child of
    hers, or more than 300 days before a child of his: the population would contradict itself."""
    latest = _latest_record(connection, deceased.pin)
    if latest is not None and died < latest:
        why = f"the citizen's records go on to {latest}"
        return [FieldError("died_on", "before_records", why)]
    for parent, grace in (
        (_CITIZEN.c.mother_pin, timedelta(0)),
        (_CITIZEN.c.father_pin, FATHER_GRACE),
    ):
        youngest = connection.execute(
            select(func.max(_CITIZEN.c.birth_date)).where(parent == deceased.pin)
        ).scalar()
        if youngest is not None and died + grace < youngest:
            why = f"a child of the citizen was born on {youngest}"
            return [FieldError("died_on", "before_child", why)]
    return []


def _latest_record(connection: Connection, pin: str) -> date | None:
    days = [
        connection.execute(select(func.max(column)).where(column.table.c.pin == pin)).scalar()
        for column in _DATED_RECORDS
    ]
    return max((day for day in days if day is not None), default=None)


def _deceased_errors(deceased: Any, declarant: Declarant | None) -> list[FieldError]:
    if deceased is None:
        return [FieldError("deceased_pin", "unknown_person", "no citizen has this PIN")]
    if deceased.deceased_on is not None:
        why = f"a death on {deceased.deceased_on} is recorded already"
        return [FieldError("deceased_pin", "already_deceased", why)]
    if declarant is None:
        return []
    me = declarant.citizen
    if deceased.pin == me.pin:
        return [FieldError("deceased_pin", "same_person", "the declarant cannot declare their own")]
    related = (
        me.pin in (deceased.father_pin, deceased.mother_pin, deceased.spouse_pin)
        or deceased.pin in (me.father_pin, me.mother_pin)
        or deceased.household_number == me.household_number
    )
    if not related:
        why = "the declarant is not the deceased's parent, child, spouse or household member"
        return [FieldError("declarant", "not_relative", why)]
    return []


def _claim(connection: Connection, call: Call, declarant: str, pin: str, died: date) -> None:
    """The claim, numbered after every registration before it. Its undo is known already: the death
    is recorded for a citizen who had none, so setting none again cancels it."""
    last = connection.execute(select(func.max(DEATHS.c.sequence))).scalar()
    connection.execute(
        insert(DEATHS).values(
            client_id=call.client.client_id, request_id=call.request_id, sequence=(last or 0) + 1,
            body_digest=call.digest, deceased_pin=pin, declarant_pin=declarant, died_on=died,
            registered_on=call.today, answer="", undo=json.dumps({"deceased_on": None}),
        )
    )  # fmt: skip


def _finish(
    connection: Connection,
    call: Call,
    registration: tuple[str, str, date, date],
    undo: dict[str, Any],
) -> dict[str, Any]:
    """The answer of the claimed ``registration`` (the declarant's PIN, the deceased's, the date of
    death and the day it was claimed), written on the claim with the values the change replaced and
    the audit rows; the answer written first when another request finished the claim meanwhile."""
    declarant, pin, died, registered_on = registration
    deceased = connection.execute(select(_CITIZEN).where(_CITIZEN.c.pin == pin)).one()
    account = connection.execute(
        select(_ACCOUNT.c.status, _ACCOUNT.c.lock_reason).where(_ACCOUNT.c.pin == pin)
    ).one_or_none()
    answer = {
        "request_id": call.request_id,
        "registered_on": registered_on.isoformat(),
        "declarant_pin": declarant,
        "deceased": {
            "pin": pin,
            "full_name": " ".join(
                p for p in (deceased.family_name, deceased.middle_name, deceased.given_name) if p
            ),
            "birth_date": deceased.birth_date.isoformat(),
            "died_on": died.isoformat(),
        },
        "account": None
        if account is None
        else {"status": account.status, "lock_reason": account.lock_reason},
        "permanent_residence_ended": connection.execute(
            select(CLEARANCES.c.residence).where(CLEARANCES.c.pin == pin)
        ).scalar()
        is not None,
    }
    written = connection.execute(
        update(DEATHS)
        .where(*_key(call), DEATHS.c.answer == "")
        .values(answer=json.dumps(answer, ensure_ascii=False), undo=json.dumps(undo))
    )
    if written.rowcount == 0:
        first: dict[str, Any] = json.loads(
            connection.execute(select(DEATHS.c.answer).where(*_key(call))).scalar_one()
        )
        return first
    for who, part in ((declarant, "declarant"), (pin, "registered")):
        record_event(
            connection, DEATH_REGISTRATION, part, at=call.at, pin=who,
            client_id=call.client.client_id, detail=pin,
        )  # fmt: skip
    return answer
