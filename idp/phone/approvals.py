"""Approving on the phone (xác nhận trên ứng dụng): a signed answer to a request, checked, then the
interaction finished with it.

The phone signs each answer with its device key: a compact JWS (RFC 7515, ES256) whose header names
the device (``kid``: the account's device id) and whose payload holds the request id (``rid``), the
request's current server ``nonce`` and the ``decision`` (``approve`` or ``refuse``). The provider checks
it against the key bound to the citizen's account (:mod:`idp.state.device_keys`), then spends the nonce
(:func:`idp.state.phone_requests.spend_nonce`): an answer signed by another key, replayed, or made for
another request is refused and leaves the request waiting. An approval then asks the passcode (with the
password's lockout, :func:`idp.login.auth_events.passcode_attempt`) and the simulated face match, and
finishes the interaction (:meth:`idp.oidc.interaction.Interactions.finish`) with a fresh login by the
bound device, the passcode and the face (``acr`` ``LoA4``, ``amr`` ``hwk pin face mfa``) and, as the
consent page would, the scopes the citizen left ticked (``openid`` always). Every outcome is audited. A
level-1 account's app has no bound device: approving ends with ``unmet_authentication_requirements``.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from idp.login.auth_events import attempt_limited
from idp.login.auth_events import audit
from idp.login.auth_events import passcode_attempt
from idp.login.consent_page import ALWAYS
from idp.oidc.accounts import find_record
from idp.oidc.accounts import refusal_of
from idp.oidc.assurance import DEVICE_KEY
from idp.oidc.assurance import FACE
from idp.oidc.assurance import PASSCODE
from idp.oidc.interaction import Consented
from idp.oidc.interaction import Denied
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import LoggedIn
from idp.oidc.interaction import Unmet
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.oidc.untrusted_input import loads
from idp.state import phone_requests
from idp.state.device_keys import bound_key
from idp.state.phone_requests import Request

APPROVAL_TYPE = "vneid-approval+jws"
APPROVE = "approve"
REFUSE = "refuse"
MATCH = "match"

Finished = Callable[[AuthorizationServer, Interaction], None]
"""Told of every interaction a phone finished (a back-channel request's client is pinged)."""


@dataclass(frozen=True)
class Answered:
    """A phone's answer, as posted: the signed ``approval``, the ``passcode`` and the ``face``
    choice (``match`` or not), and the optional items left ticked (None: every item asked)."""

    approval: str
    passcode: str = ""
    face: str = ""
    ticked: tuple[str, ...] | None = None


def sign_answer(key: ECKey, device_id: str, request: Request, decision: str) -> str:
    """The phone's signed answer to ``request`` (with its current nonce)."""
    header = {"alg": "ES256", "typ": APPROVAL_TYPE, "kid": device_id}
    payload = {"rid": request.id, "nonce": request.nonce, "decision": decision}
    return jws.serialize_compact(header, json.dumps(payload), key, algorithms=["ES256"])


def answer(
    server: AuthorizationServer,
    request_id: str,
    answered: Answered,
    ip: str,
    finished: Finished | None = None,
) -> str:
    """Check and apply a phone's answer; the outcome: ``approved``, ``refused``, ``unmet``, or why
    it was not accepted (``not_found``, ``expired``, ``no_app``, ``bad_signature``,
    ``other_request``, ``replayed``, ``wrong_passcode``, ``too_many``, ``no_match``, ``locked``)."""
    now = server.clock.now()
    request = phone_requests.find(server.engine, request_id)
    if request is None or request.pin is None:
        return "not_found"
    if not request.live(now):
        return "expired" if request.status == phone_requests.PENDING else "decided"
    pin = request.pin
    record = find_record(server.engine, pin, frozenset())
    if record is None or record.account is None or refusal_of(record) is not None:
        return _end(server, request, Denied("refused citizen"), phone_requests.REFUSED, finished)
    if record.account.level < 2:
        return _end(server, request, Unmet("level2"), phone_requests.UNMET, finished)
    checked = _verified(server, request, answered.approval)
    if checked not in (APPROVE, REFUSE):
        audit(server, "failure", pin, request.client_id, DEVICE_KEY, detail=checked)
        return checked
    if checked == REFUSE:
        refused = Denied("refused on the phone")
        return _end(server, request, refused, phone_requests.REFUSED, finished)
    return _approve(server, request, record.account.level, answered, ip, finished)


def _verified(server: AuthorizationServer, request: Request, approval: str) -> str:
    """The decision the answer carries once its signature, request and nonce are checked; else why
    not. The nonce is spent by the first answer that carries it."""
    assert request.pin is not None
    bound = bound_key(server.engine, request.pin)
    if bound is None:
        return "no_app"
    try:
        key = ECKey.import_key(bound.public_jwk)
        token = jws.deserialize_compact(approval[:4096], key, algorithms=["ES256"])
        payload = loads(token.payload)
    except (JoseError, ValueError, TypeError):
        return "bad_signature"
    if token.protected.get("kid") != bound.device_id or not isinstance(payload, dict):
        return "bad_signature"
    if payload.get("rid") != request.id:
        return "other_request"
    nonce, decision = payload.get("nonce"), payload.get("decision")
    if not isinstance(nonce, str) or decision not in (APPROVE, REFUSE):
        return "bad_signature"
    if not phone_requests.spend_nonce(server.engine, request.id, nonce):
        return "replayed"
    return str(decision)


def _approve(
    server: AuthorizationServer,
    request: Request,
    level: int,
    answered: Answered,
    ip: str,
    finished: Finished | None,
) -> str:
    """The passcode and the face, then the interaction finished at LoA4 with the ticked items."""
    pin, client_id = request.pin or "", request.client_id
    if attempt_limited(server, pin, ip, client_id, PASSCODE):
        return "too_many"
    record = find_record(server.engine, pin, frozenset())
    assert record is not None
    if not passcode_attempt(server, record, answered.passcode, client_id, "LoA4", ip):
        return "wrong_passcode"
    if answered.face != MATCH:
        audit(server, "failure", pin, client_id, FACE, detail="no match")
        return "no_match"
    interaction = server.interactions.details(request.uid)
    if interaction is None:
        phone_requests.decide(server.engine, request.id, "expired", "", at=server.clock.now())
        return "expired"
    granted = _granted(interaction.scope.split(), answered.ticked)
    if not phone_requests.decide(
        server.engine, request.id, phone_requests.APPROVED, " ".join(granted), at=server.clock.now()
    ):
        return "decided"
    for factor in (FACE, DEVICE_KEY):
        audit(server, "success", pin, client_id, factor, acr="LoA4", detail="phone")
    at = int(server.clock.now())
    factors = tuple(Factor(method, at) for method in (DEVICE_KEY, PASSCODE, FACE))
    server.interactions.finish(interaction, LoggedIn(pin, level, factors, fresh=True))
    if interaction.client_id and interaction.return_to is None:
        server.interactions.finish(interaction, Consented(granted))
    if finished is not None:
        finished(server, interaction)
    return phone_requests.APPROVED


def _granted(requested: list[str], ticked: tuple[str, ...] | None) -> tuple[str, ...]:
    if ticked is None:
        return tuple(requested)
    return tuple(s for s in requested if s == ALWAYS or s in ticked)


def _end(
    server: AuthorizationServer,
    request: Request,
    result: Denied | Unmet,
    status: str,
    finished: Finished | None,
) -> str:
    """The request decided without a login: refused, or a level the account cannot reach."""
    if not phone_requests.decide(server.engine, request.id, status, "", at=server.clock.now()):
        return "decided"
    interaction = server.interactions.details(request.uid)
    if interaction is None:
        return "expired"
    if isinstance(result, Denied):
        audit(server, "refused", request.pin, request.client_id, DEVICE_KEY, detail=result.reason)
    server.interactions.finish(interaction, result)
    if finished is not None:
        finished(server, interaction)
    return status


def new_request_id() -> str:
    return secrets.token_urlsafe(24)
