"""Polled requests: the token grants of requests answered without a redirect, where the client polls
the token endpoint until the citizen has decided on another device (OpenID Connect CIBA Core 1.0 §10-11,
RFC 8628 §3.4-3.5).

A polled request is an interaction (:mod:`idp.oidc.interaction`, ``decoupled`` set, no browser) plus a
handle the client holds (``auth_req_id``, ``device_code``), kept in the state store with the client it
was issued to, its polling interval and its expiry. :class:`PolledGrant` answers a poll: another
client's handle is ``invalid_grant``; a poll sooner than the interval is ``slow_down`` and adds 5 seconds
to it (RFC 8628 §3.5, CIBA §11); a request still waiting is ``authorization_pending``; a refused one, or
one the account could not meet, ``access_denied``; an expired one ``expired_token``. Once the citizen
has logged in at the level asked and consented, the interaction is taken (once: of two polls racing, one
gets the tokens) and the tokens are issued as for an authorization code: the grant is opened, indexed
and audited as a disclosure (:meth:`idp.oidc.server.AuthorizationServer.save_token`), the ID token built
by the same extension.
"""

import secrets
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import UnauthorizedClientError
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.hooks import hooked
from authlib.oauth2.rfc8628 import AuthorizationPendingError
from authlib.oauth2.rfc8628 import ExpiredTokenError
from authlib.oauth2.rfc8628 import SlowDownError

from idp.oidc.accounts import subject_for
from idp.oidc.clients import Client
from idp.oidc.grants import CONFIDENTIAL_METHODS
from idp.oidc.grants import GRANT_GRACE
from idp.oidc.grants import granted_scope
from idp.oidc.interaction import DENIED
from idp.oidc.interaction import UNMET
from idp.oidc.interaction import Interaction
from idp.oidc.models import AuthorizationCode
from idp.oidc.models import EndUser
from idp.oidc.session import LoginSession
from idp.state.consents import covers
from idp.state.store import StateStore

POLLED = "polled:"
SLOW_DOWN_STEP = 5
"""Seconds added to the interval after each ``slow_down`` (RFC 8628 §3.5; CIBA Core §11)."""
EXPIRED_KEPT = 600
"""Seconds a handle is kept past its expiry, so that a late poll is told ``expired_token`` (RFC 8628
§3.5, CIBA Core §11) rather than ``invalid_grant`` for a handle never issued."""


@dataclass
class Polled:
    """A polled request: the client it was issued to, its interaction, the polling interval, when the
    next poll is welcome and when it expires (the provider's clock)."""

    client_id: str
    uid: str
    interval: int
    next_poll: float
    expires_at: float


class PolledRequests:
    """The handles of polled requests (one kind: ``ciba`` or ``device``) in the state store."""

    def __init__(self, store: StateStore, kind: str) -> None:
        self.store = store
        self.prefix = f"{POLLED}{kind}:"

    def open(self, polled: Polled, now: float) -> str:
        """A new handle for ``polled`` (288 random bits), kept until it expires."""
        handle = secrets.token_urlsafe(36)
        self.save(handle, polled, now)
        return handle

    def find(self, handle: str) -> Polled | None:
        data = self.store.get(self.prefix + handle[:128])
        return None if data is None else Polled(**data)

    def save(self, handle: str, polled: Polled, now: float) -> None:
        ttl = max(1, int(polled.expires_at - now)) + EXPIRED_KEPT
        self.store.put(self.prefix + handle, vars(polled), ttl)

    def forget(self, handle: str) -> None:
        self.store.delete(self.prefix + handle)


def end_user(server: Any, session: LoginSession, client: Client) -> EndUser:
    """The citizen of ``session`` as ``client`` sees them, for a new grant."""
    secret = server.settings.subject_secret.get_secret_value()
    return EndUser(
        pin=session.pin,
        sub=subject_for(session.pin, secret, client.sector),
        grant_id=secrets.token_urlsafe(24),
        sid=session.sid,
        auth_time=session.auth_time,
        acr=session.acr,
        amr=session.amr,
        account_level=session.account_level,
    )


class PolledGrant(grants.BaseGrant, grants.TokenEndpointMixin):  # type: ignore[misc]
    """The token grant of a polled request; a subclass names its ``GRANT_TYPE``, the form field
    that carries the handle (``HANDLE``) and the store of its handles (:meth:`handles`)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = CONFIDENTIAL_METHODS
    HANDLE = ""

    def handles(self) -> PolledRequests:
        raise NotImplementedError

    def validate_token_request(self) -> None:
        client: Client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError(f"The client may not use '{self.GRANT_TYPE}'.")
        handle = self.request.form.get(self.HANDLE)
        if not isinstance(handle, str) or not handle:
            raise InvalidRequestError(f"Missing '{self.HANDLE}'.")
        handles = self.handles()
        polled = handles.find(handle)
        if polled is None or polled.client_id != client.client_id:
            raise InvalidGrantError(f"Unknown '{self.HANDLE}'.")  # never another client's
        interaction = self._finished(handle, polled)
        self.request.client = client
        self.request.user, self.request.authorization_code = self._grant(interaction, client)
        handles.forget(handle)

    def _finished(self, handle: str, polled: Polled) -> Interaction:
        """The request's interaction, taken once the citizen has decided; else the poll's error.
        A decided request is answered whenever it is asked (a ping-mode client fetches its tokens
        at once); only a poll that would be pending is held to the interval."""
        now = self.server.clock.now()
        if now >= polled.expires_at:
            raise ExpiredTokenError()
        interaction = self.server.interactions.details(polled.uid)
        if interaction is None:
            raise ExpiredTokenError()
        if interaction.outcome in (DENIED, UNMET):
            self.server.interactions.discard(interaction.uid)
            raise AccessDeniedError(_refusal(interaction))
        if not self._decided(interaction):
            self._pace(handle, polled, now)
            raise AuthorizationPendingError()
        taken: Interaction | None = self.server.interactions.take(interaction.uid)
        if taken is None:
            raise InvalidGrantError(f"The '{self.HANDLE}' was already used.")
        return taken

    def _pace(self, handle: str, polled: Polled, now: float) -> None:
        """A pending poll sooner than the interval is ``slow_down``, and the interval grows."""
        too_soon = now < polled.next_poll
        if too_soon:
            polled.interval += SLOW_DOWN_STEP
        polled.next_poll = now + polled.interval
        self.handles().save(handle, polled, now)
        if too_soon:
            raise SlowDownError()

    def _decided(self, interaction: Interaction) -> bool:
        """Logged in at the level asked, and the scopes consented (now, or remembered before)."""
        session = self.server.sessions.load(interaction.sid)
        if session is None or interaction.client_id is None:
            return False
        need = interaction.requirement
        if not need.satisfied_by(session.acr, session.account_level):
            return False
        if interaction.consented:
            return True
        scopes = interaction.scope.split()
        remembered = covers(self.server.engine, session.pin, interaction.client_id, scopes)
        return not interaction.force_consent and remembered

    def _grant(self, interaction: Interaction, client: Client) -> tuple[EndUser, AuthorizationCode]:
        """The end user and the grant's record, as an authorization code would carry them."""
        session = self.server.sessions.load(interaction.sid)
        if session is None:
            raise ExpiredTokenError()
        user = end_user(self.server, session, client)
        record = {
            "client_id": client.client_id,
            "redirect_uri": None,
            # the scopes consented: the interaction's parameters, narrowed by a partial consent
            "scope": granted_scope(interaction.parameters.get("scope", interaction.scope), user),
            "nonce": None,
            "claims": interaction.parameters.get("claims"),
            "user": user.as_json(),
        }
        self.server.grants.open(user.grant_id, record, self.server.settings.code_ttl + GRANT_GRACE)
        return user, AuthorizationCode(record, "")

    @hooked  # type: ignore[untyped-decorator]
    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        """The tokens, as for an authorization code: refresh token for a client of that grant."""
        client: Client = self.request.client
        code: AuthorizationCode = self.request.authorization_code
        token: dict[str, Any] = self.generate_token(
            user=self.request.user,
            scope=code.get_scope(),
            include_refresh_token=client.check_grant_type("refresh_token"),
        )
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


def _refusal(interaction: Interaction) -> str:
    if interaction.outcome == UNMET:
        return f"unmet_authentication_requirements: {interaction.reason}"
    return "The citizen refused."
