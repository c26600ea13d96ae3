"""The population service (dịch vụ đăng ký dân cư): what its two procedures, births
(:mod:`idp.citizen.births`) and deaths (:mod:`idp.citizen.deaths`), share.

The caller is a client licensed with the ``population_registration`` scope
(:mod:`idp.oidc.service_scopes`) presenting the access token of its client credentials grant; the
citizen who declares (người đi khai) is named by ``declarant_token``, an access token the provider
issued to that same client for a citizen's grant, still alive, at ``LoA3`` or ``LoA4`` with a level-2
account (Decree 69/2024: online civil-status procedures need a level-2 identity). The body is one JSON
object with the client's own idempotency key, ``request_id``.

Bad input is refused with 400 ``invalid_request`` and a list of field errors, each a ``field``, a
stable ``code`` and a ``description``, so that a client can show each beside its field in its own
words. A request whose ``request_id`` the client used before answers what that request answered (200
instead of 201), or 409 ``invalid_request`` when its body or its declarant differs (the declarant's
token may be another one of the same citizen, refreshed meanwhile). Each registration and each
refusal of a known declarant is audited (:mod:`idp.state.audit`).
"""

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6750 import InvalidTokenError
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import select

from idp.oidc.access_tokens import access_token_claims
from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.oidc.clients import Client
from idp.oidc.error_text import describable
from idp.oidc.server import AuthorizationServer
from idp.oidc.service_scopes import POPULATION_REGISTRATION
from idp.oidc.service_scopes import ServiceScopeRequiredError
from idp.oidc.service_scopes import licensed_client
from idp.oidc.untrusted_input import MALFORMED
from idp.oidc.untrusted_input import loads
from idp.population_db.codes import AccountStatus
from idp.population_db.models import Citizen
from idp.population_db.models import Household
from idp.population_db.models import VneidAccount
from idp.population_db.models import table_of
from idp.state.audit import record_event

MAX_BODY = 16 * 1024
"""A registration is a few hundred bytes; more is refused with 413."""
REQUEST_ID = re.compile(r"[A-Za-z0-9._~:-]{1,64}")
LEVELS = ("LoA1", "LoA2", "LoA3", "LoA4")
_CITIZEN = table_of(Citizen)
_HOUSEHOLD = table_of(Household)
_ACCOUNT = table_of(VneidAccount)


@dataclass(frozen=True)
class FieldError:
    """One reason a request is refused: the member it concerns (dotted), a stable code, in words."""

    field: str
    code: str
    description: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "description": self.description}


class RefusedError(Exception):
    """The request's field errors."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.description for e in errors))
        self.errors = errors


class ConflictError(Exception):
    """The ``request_id`` was used before with another body."""


@dataclass(frozen=True)
class Declarant:
    """The citizen who declares: their record and household, and the level they authenticated at."""

    citizen: Any
    household: Any
    acr: str


@dataclass(frozen=True)
class Call:
    """One call of a procedure: the licensed client, the parsed body, the declarant (their PIN and
    ``acr``, or why ``declarant_token`` names none), the request's digest, and its moment."""

    client: Client
    body: dict[str, Any]
    request_id: str
    declarant: tuple[str, str] | FieldError
    digest: str
    at: float
    today: date


def bad_request(description: str) -> Answer:
    return json_answer({"error": "invalid_request", "error_description": description}, 400)


def refused(errors: list[FieldError]) -> Answer:
    """400 with the field errors."""
    body = {
        "error": "invalid_request",
        "error_description": describable(
            "; ".join(f"{e.field}: {e.description}" for e in errors), 500
        ),
        "errors": [e.as_json() for e in errors],
    }
    return json_answer(body, 400)


def conflict(request_id: str) -> Answer:
    description = f"request_id {request_id!r} was used before with another body."
    return json_answer({"error": "invalid_request", "error_description": description}, 409)


def open_call(
    server: AuthorizationServer, authorization: str | None, body: bytes, kind: str
) -> Call | Answer:
    """The call, once its token is licensed and its body is a JSON object with a ``request_id``;
    else the answer that refuses it (a call without the licence audited like the card service's)."""
    at = server.clock.now()
    try:
        client = licensed_client(server, authorization, POPULATION_REGISTRATION)
    except ServiceScopeRequiredError as error:
        with server.engine.begin() as connection:
            record_event(connection, kind, error.error, at=at, client_id=error.client_id)
        refusal: Answer = server.handle_error_response(None, error)
        return refusal
    except OAuth2Error as error:
        unauthenticated: Answer = server.handle_error_response(None, error)
        return unauthenticated
    try:
        parsed = loads(body)
    except MALFORMED:
        return bad_request("The body is not a JSON document.")
    if not isinstance(parsed, dict):
        return bad_request("The body must be a JSON object.")
    request_id = parsed.get("request_id")
    if not isinstance(request_id, str) or not REQUEST_ID.fullmatch(request_id):
        why = "request_id must be 1 to 64 letters, digits or . _ ~ : -"
        return refused([FieldError("request_id", "invalid", why)])
    declarant = declarant_token_pin(server, parsed.get("declarant_token"), client)
    digest = request_digest(parsed, None if isinstance(declarant, FieldError) else declarant[0])
    today = server.clock.population_day()
    return Call(client, parsed, request_id, declarant, digest, at, today)


def request_digest(body: dict[str, Any], declarant_pin: str | None) -> str:
    """The SHA-256 of what a request asks: its body's canonical JSON without ``declarant_token``
    (the same citizen's token, refreshed by the relying party, is the same request) and the PIN of
    the citizen who declares (another citizen's is another request)."""
    asked = {name: value for name, value in body.items() if name != "declarant_token"}
    canonical = json.dumps(asked, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{canonical}\n{declarant_pin or ''}".encode()).hexdigest()


def earlier_answer(connection: Connection, table: Table, call: Call) -> dict[str, Any] | None:
    """What the client's earlier request of the same ``request_id`` was answered; None when there
    was none; an error when it was not the same request (:func:`same_request`)."""
    row = connection.execute(
        select(table.c.body_digest, table.c.answer).where(
            table.c.client_id == call.client.client_id, table.c.request_id == call.request_id
        )
    ).one_or_none()
    if row is None or not row.answer:
        return None
    same_request(call, row.body_digest)
    answer: dict[str, Any] = json.loads(row.answer)
    return answer


def same_request(call: Call, digest: str) -> None:
    """Nothing when ``call`` asks what the request of ``digest`` under its key asked; else
    :class:`RefusedError` when its token names no declarant (nobody to compare), or
    :class:`ConflictError` when its body or its declarant differ."""
    if isinstance(call.declarant, FieldError):
        raise RefusedError([call.declarant])
    if digest != call.digest:
        raise ConflictError(call.request_id)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: on SQLite it takes the write lock at once (``BEGIN IMMEDIATE``),
    so that concurrent registrations wait for each other instead of failing to upgrade a read."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


def declarant_token_pin(
    server: AuthorizationServer, token: Any, client: Client
) -> tuple[str, str] | FieldError:
    """The PIN and ``acr`` of the citizen behind ``token``: an access token of a live citizen's grant
    issued to ``client``, at ``LoA3`` or above; else the ``declarant`` field error."""
    if not isinstance(token, str) or not token:
        return FieldError("declarant", "missing", "declarant_token must be an access token")
    try:
        claims = access_token_claims(server, token)
    except InvalidTokenError:
        return FieldError(
            "declarant", "invalid_token", "declarant_token is not a live access token"
        )
    if claims.get("client_id") != client.client_id:
        why = "declarant_token was issued to another client"
        return FieldError("declarant", "other_client", why)
    grant = server.grants.get(str(claims.get("grant_id")))
    if grant is None:
        why = "declarant_token is not a citizen's, or its grant was revoked"
        return FieldError("declarant", "invalid_token", why)
    acr = str(grant.get("acr"))
    if (LEVELS.index(acr) if acr in LEVELS else -1) < LEVELS.index("LoA3"):
        why = f"the declarant authenticated at {acr}; the procedure needs LoA3 or LoA4"
        return FieldError("declarant", "insufficient_acr", why)
    return str(grant["pin"]), acr


def load_declarant(
    connection: Connection, pin: str, acr: str
) -> tuple[Declarant | None, list[FieldError]]:
    """The declarant's record, with the field errors that keep them from declaring: no level-2
    account, a locked one, a death recorded, a nationality other than Vietnamese (a foreigner's
    civil-status acts are registered in person)."""
    citizen = connection.execute(select(_CITIZEN).where(_CITIZEN.c.pin == pin)).one_or_none()
    if citizen is None:
        return None, [FieldError("declarant", "unknown", "the declarant no longer exists")]
    account = connection.execute(select(_ACCOUNT).where(_ACCOUNT.c.pin == pin)).one_or_none()
    errors = []
    if account is None or account.level != 2:
        errors.append(
            FieldError("declarant", "account_level", "the declarant needs a level-2 account")
        )
    elif account.status != AccountStatus.ACTIVE.value:
        errors.append(FieldError("declarant", "account_locked", "the account is locked"))
    if citizen.deceased_on is not None:
        errors.append(FieldError("declarant", "deceased", "the declarant's death is recorded"))
    if citizen.nationality != "VN":
        why = "only a Vietnamese citizen declares online; a foreigner declares in person"
        errors.append(FieldError("declarant", "not_vietnamese", why))
    household = connection.execute(
        select(_HOUSEHOLD).where(_HOUSEHOLD.c.number == citizen.household_number)
    ).one()
    return Declarant(citizen, household, acr), errors


def iso_date(value: Any, field: str) -> date | FieldError:
    """A date sent as ``YYYY-MM-DD``."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return FieldError(field, "invalid", "must be a date written YYYY-MM-DD")


def pin_value(value: Any, field: str) -> str | FieldError:
    """A PIN sent as 12 digits."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{12}", value):
        return value
    return FieldError(field, "invalid", "must be a personal identification number of 12 digits")


def audit_refusal(
    server: AuthorizationServer, kind: str, call: Call, pin: str, errors: list[FieldError]
) -> None:
    """The refusal of a known declarant's request, on their history."""
    codes = ", ".join(f"{e.field}:{e.code}" for e in errors)
    with server.engine.begin() as connection:
        record_event(
            connection,
            kind,
            "refused",
            at=call.at,
            pin=pin,
            client_id=call.client.client_id,
            detail=codes,
        )
