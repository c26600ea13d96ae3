"""The app's receiver of identity events: push delivery of Security Event Tokens (RFC 8935), the
provider's SETs checked (:mod:`clients.rp.security_events`), recorded once each and reacted to
(:mod:`clients.rp.signals_log`).

The provider proves it is the one pushing with the ``Authorization`` value the app handed it in its
stream's delivery (a random bearer secret the app generates when it is built, compared in constant
time; a wrong or missing one is ``authentication_failed`` answered 401, an HTTP authentication failure
(RFC 8935 §2.3's "general HTTP error condition", RFC 6750 §3.1) that the provider tries again: it is
what a push sees while the app's stream is being registered again with a new secret, and the event
must not be lost). The provider's JWKS is the one the app's
sign-ins use (cached by Authlib), fetched again once when a SET's key is not in it (the provider
rotated its keys).

Until the app's stream is registered the receiver answers 503 (RFC 8935 §2.3 lets a transmitter try
again later): a provider still holding events for the app's previous start gets them once this start's
stream says where and with which secret.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from clients.rp.relying_party import LoginError
from clients.rp.relying_party import RelyingParty
from clients.rp.security_events import SecurityEvent
from clients.rp.security_events import SetError
from clients.rp.security_events import validate_set
from clients.rp.signal_types import VERIFICATION
from clients.rp.signals_log import Reactions
from clients.rp.signals_log import store
from clients.rp.signals_stream import StreamRegistration


class NotReadyError(Exception):
    """The receiver cannot take events yet (its stream is not registered, or the provider's keys
    cannot be fetched): the transmitter should try again."""


@dataclass(frozen=True)
class Outcome:
    """A SET accepted: its event, and whether it was new (False: a repeated ``jti``)."""

    event: SecurityEvent
    new: bool


class SignalReceiver:
    """One app's receiver: its secret, its stream's registration, its reactions."""

    def __init__(self, rp: RelyingParty, engine: Engine, reactions: Reactions) -> None:
        self.rp = rp
        self.engine = engine
        self.reactions = reactions
        self.authorization = f"Bearer {secrets.token_urlsafe(32)}"
        settings = rp.settings
        self.registration = StreamRegistration(
            rp, settings.signals_uri, self.authorization, settings.signals_retry_cap
        )

    async def receive(self, authorization: str | None, token: str) -> Outcome:
        """Check, record and react to one pushed SET; :class:`SetError` (400, or 401 for the wrong
        ``Authorization``) or :class:`NotReadyError` (503)."""
        if not self.registration.registered:
            raise NotReadyError("the app's stream is not registered yet")
        if not secrets.compare_digest((authorization or "").encode(), self.authorization.encode()):
            raise SetError(
                "authentication_failed", "the Authorization header is not the stream's", status=401
            )
        event = await self._validated(token)
        issuer = self.rp.settings.issuer
        new = await run_in_threadpool(store, self.engine, event, issuer, self.reactions)
        if new and event.event_type == VERIFICATION:
            self.registration.verified(event.payload.get("state"))
        return Outcome(event, new)

    async def _validated(self, token: str) -> SecurityEvent:
        try:
            metadata = await self.rp.metadata()
            jwks = await self.rp.provider_jwks()
        except LoginError as exc:  # discovery or JWKS unreachable: not the SET's fault
            raise NotReadyError(f"VNeID's keys: {exc}") from None
        algorithms = list(metadata.get("id_token_signing_alg_values_supported", ["RS256"]))
        issuer, client_id = str(metadata["issuer"]), self.rp.settings.client_id
        try:
            return validate_set(token, jwks, issuer, client_id, algorithms)
        except SetError as first:
            if first.err != "invalid_key":
                raise
        # An unknown kid may mean the provider rotated its keys: fetch them again once.
        try:
            jwks = await self.rp.provider_jwks(force=True)
        except LoginError as exc:
            raise NotReadyError(f"VNeID's keys: {exc}") from None
        return validate_set(token, jwks, issuer, client_id, algorithms)
