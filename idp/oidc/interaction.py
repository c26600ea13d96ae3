"""The interaction (tương tác): what the protocol core needs the citizen for, and the small public API
that whatever deals with the citizen uses to finish it.

An authorization request that cannot be answered at once starts an :class:`Interaction`: who asks (the
client), what it asks (scope, the ``claims`` request, the required level), whether consent must be asked
again, the single sign-on session it goes on with, the browser it is bound to (if any) and when it
expires. Whatever completes it (the browser's login pages today; the phone app, the device-flow page and
the test kit next) reads it with :meth:`Interactions.details` and finishes it with results, through
:meth:`Interactions.finish`, and nothing else: :class:`LoggedIn` (these factors, at these times, for this
citizen), :class:`Consented` (these scopes), :class:`Denied`, :class:`Unmet` (with the reason).

The results are kept with the interaction; answering it is apart from finishing it. A browser-bound
interaction is answered when that browser comes back (:meth:`Interactions.take_for_browser`): the binding
guards the browser's *resume*, never who may *finish*, so a login finished elsewhere (a phone, a test
with no cookies) is answered to the browser that started it, which then holds the session. An interaction
without a browser (device and back-channel requests, next) keeps its results until the client polls.
Expiry, consents and audit rows are dated by the provider's clock (:class:`idp.state.clock.Clock`).
"""

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from idp.oidc.assurance import Requirement
from idp.oidc.session import Factor
from idp.oidc.session import LoginSession
from idp.oidc.session import SessionStore
from idp.oidc.session import start_session
from idp.state.audit import AUTHENTICATION
from idp.state.audit import record_event
from idp.state.clock import Clock
from idp.state.consents import remember
from idp.state.store import StateStore

INTERACTION = "interaction:"
BOUND = "interaction-bound:"
DENIED = "denied"
UNMET = "unmet"


@dataclass
class Interaction:
    """One interaction, as the state store keeps it (JSON)."""

    uid: str
    client_id: str | None
    scope: str
    params: list[list[str]]
    """The authorization request's parameters, to answer it when the interaction is finished."""
    requirement: Requirement
    force_consent: bool
    csrf: str
    binding: str | None
    """The browser that may resume it (a random value in an HttpOnly cookie); None: no browser."""
    expires_at: float
    sid: str | None = None
    """The session it goes on with: the browser's, or the one its login opened."""
    consented: bool = False
    outcome: str | None = None
    """``denied`` or ``unmet`` once finished so; None while the citizen can still go on."""
    reason: str = ""
    ending: str | None = None
    """An ending to show the citizen before leaving: ``refused`` (locked account, deceased citizen)
    or ``unmet`` (a level the account cannot reach, no phone for the SMS code)."""
    ending_reason: str = ""
    return_to: str | None = None
    """The account page's own login: where to go back once logged in (no client to answer)."""
    lang: str | None = None
    """The language its pages are shown in (the switch, else ``ui_locales``); None: the browser's."""
    notice: str = ""
    """A message for the next showing of its page (after a form's redirect), then cleared: a
    message key of the pages' catalogue, with the status (``notice_status``) and ``Retry-After``
    (``notice_retry``) that page answers with, and the PIN the citizen typed (``typed_pin``)."""
    notice_status: int = 200
    notice_retry: int = 0
    typed_pin: str = ""
    decoupled: str = ""
    """``ciba``, ``device`` or ``share`` for a request the client polls for (no browser to answer,
    no ``redirect_uri``); empty for an authorization request."""
    qr: str = ""
    """The secret of the login page's QR code (a browser's interaction only): a phone that scans
    ``{uid}.{qr}`` claims the login (:mod:`idp.login.qr_login`); replaced once it expires."""
    qr_expires_at: float = 0.0

    @property
    def parameters(self) -> dict[str, str]:
        """The authorization request's parameters, first value of each."""
        found: dict[str, str] = {}
        for name, value in self.params:
            found.setdefault(name, value)
        return found

    def as_json(self) -> dict[str, Any]:
        """The fields as they are (the store keeps a JSON copy); ``dataclasses.asdict`` deep-copies
        every parameter, which was a tenth of a complete flow's CPU."""
        return {**vars(self), "requirement": vars(self.requirement)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Interaction":
        return cls(**{**data, "requirement": Requirement(**data["requirement"])})


@dataclass(frozen=True)
class LoggedIn:
    """The citizen ``pin`` authenticated with ``factors``. ``fresh`` (a password login) opens a new
    session; otherwise the factors step up the interaction's session, when it is this citizen's."""

    pin: str
    account_level: int
    factors: tuple[Factor, ...]
    fresh: bool = False


@dataclass(frozen=True)
class Consented:
    """The citizen agreed to share ``scopes`` (``openid`` always among them)."""

    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Denied:
    """The citizen refused, or cancelled, or may not log in (``reason``)."""

    reason: str = ""


@dataclass(frozen=True)
class Unmet:
    """The requirement cannot be met (``reason``: ``level2``, ``no_phone``, …)."""

    reason: str


Result = LoggedIn | Consented | Denied | Unmet
SessionReplacer = Callable[[LoginSession, LoginSession], None]
"""Ends (or hands over) the browser's previous session when a fresh login replaces it."""


class Interactions:
    """The interactions of this provider: start, read, finish, take to answer."""

    def __init__(
        self,
        store: StateStore,
        sessions: SessionStore,
        ttl: int,
        engine: Engine,
        replace_session: SessionReplacer,
        clock: Clock,
        qr_ttl: int = 120,
    ) -> None:
        self.qr_ttl = qr_ttl
        self.store = store
        self.sessions = sessions
        self.ttl = ttl
        self.engine = engine
        self.replace_session = replace_session
        self.clock = clock

    def start(
        self,
        *,
        client_id: str | None,
        scope: str,
        params: list[list[str]],
        requirement: Requirement,
        force_consent: bool,
        sid: str | None,
        browser: bool = True,
        return_to: str | None = None,
        lang: str | None = None,
        decoupled: str = "",
        ttl: int | None = None,
    ) -> Interaction:
        """A new interaction, stored; ``browser`` binds it to the browser that will get its cookie,
        ``lang`` fixes its pages' language (else ``ui_locales``, else the browser's); ``decoupled``
        names a polled request (``ttl``: its own lifetime instead of the provider's). A browser's
        interaction gets the secret of its QR code with it (no write of its own)."""
        now = self.clock.now()
        interaction = Interaction(
            uid=secrets.token_urlsafe(24),
            client_id=client_id,
            scope=scope,
            params=[list(item) for item in params],
            requirement=requirement,
            force_consent=force_consent,
            csrf=secrets.token_urlsafe(24),
            binding=secrets.token_urlsafe(24) if browser else None,
            expires_at=now + (ttl or self.ttl),
            sid=sid,
            return_to=return_to,
            lang=lang,
            decoupled=decoupled,
            qr=secrets.token_urlsafe(24) if browser else "",
            qr_expires_at=now + self.qr_ttl if browser else 0.0,
        )
        self.save(interaction)
        return interaction

    def start_polled(
        self,
        kind: str,
        client_id: str,
        scope: str,
        params: list[list[str]],
        requirement: Requirement,
        ttl: int,
        force_consent: bool = False,
    ) -> Interaction:
        """A new interaction of a request the client polls for (``kind``: ``ciba``, ``device``,
        ``share``), living ``ttl`` seconds: no browser, no session to go on with."""
        return self.start(
            client_id=client_id,
            scope=scope,
            params=params,
            requirement=requirement,
            force_consent=force_consent,
            sid=None,
            browser=False,
            decoupled=kind,
            ttl=ttl,
        )

    def details(self, uid: str) -> Interaction | None:
        """The live interaction ``uid``, or None."""
        data = self.store.get(INTERACTION + uid)
        return None if data is None else Interaction.from_json(data)

    def save(self, interaction: Interaction) -> None:
        """Keep what changed (the page's language, an ending to show) until the interaction expires."""
        ttl = max(1, int(interaction.expires_at - self.clock.now()))
        self.store.put(INTERACTION + interaction.uid, interaction.as_json(), ttl)

    def finish(
        self, interaction: Interaction, result: Result, browser_sid: str | None = None
    ) -> LoginSession | None:
        """Record ``result``; the interaction's session after it (None without one). A fresh login
        replaces ``browser_sid``, the session of the browser it was made in, if any."""
        session: LoginSession | None = None
        if isinstance(result, LoggedIn):
            session = self._logged_in(interaction, result, browser_sid)
        elif isinstance(result, Consented):
            session = self._consented(interaction, result)
        elif isinstance(result, Unmet):
            self._unmet(interaction, result)
        else:
            interaction.outcome, interaction.reason = DENIED, result.reason
        self.save(interaction)
        return session

    def bind_browser(self, interaction: Interaction, sid: str | None) -> Interaction | None:
        """Bind a browserless interaction (a device request) to the browser that claimed it, which
        goes on with its session ``sid`` (if any); once only: None when another browser (or a
        double click) bound it first. The binding cookie then guards its pages as for any other."""
        if interaction.binding is not None:
            return None
        ttl = max(1, int(interaction.expires_at - self.clock.now()))
        if not self.store.add(BOUND + interaction.uid, {}, ttl):
            return None
        interaction.binding, interaction.sid = secrets.token_urlsafe(24), sid
        self.save(interaction)
        return interaction

    def take(self, uid: str) -> Interaction | None:
        """The finished interaction of a polled request, taken once to be answered (of two polls
        racing, one gets it); None when it is gone."""
        data = self.store.take(INTERACTION + uid)
        return None if data is None else Interaction.from_json(data)

    def discard(self, uid: str) -> None:
        """Forget interaction ``uid`` (nothing to answer: the account page's own login)."""
        self.store.delete(INTERACTION + uid)

    def take_for_browser(self, uid: str, binding: str) -> Interaction | None:
        """The interaction, taken to be answered to the browser that started it (its ``binding``);
        None for another browser, an unknown or expired one, or one already answered."""
        found = self.details(uid)
        if found is None or found.binding is None or not same_token(binding, found.binding):
            return None
        data = self.store.take(INTERACTION + uid)
        return None if data is None else Interaction.from_json(data)

    def _logged_in(
        self, interaction: Interaction, result: LoggedIn, browser_sid: str | None
    ) -> LoginSession:
        current = self.sessions.load(interaction.sid)
        if result.fresh or current is None or current.pin != result.pin:
            session = start_session(result.pin, result.account_level, result.factors)
            self.sessions.save(session)
            previous = self.sessions.load(browser_sid) if browser_sid else current
            if previous is not None and previous.sid != session.sid:
                self.replace_session(previous, session)
            interaction.sid = session.sid
            return session
        for factor in result.factors:
            current.add_factor(factor.method, factor.at)
        self.sessions.save(current)
        return current

    def _consented(self, interaction: Interaction, result: Consented) -> LoginSession | None:
        """Remember the consent and narrow the request's scope to what was granted."""
        session = self.sessions.load(interaction.sid)
        requested = interaction.scope.split()
        granted = [scope for scope in requested if scope in result.scopes]
        if session is not None and interaction.client_id:
            pin, client_id, acr = session.pin, interaction.client_id, session.acr
            remember(self.engine, pin, client_id, requested, granted, acr, at=self.clock.now())
        interaction.consented = True
        interaction.params = [
            [name, " ".join(granted) if name == "scope" else value]
            for name, value in interaction.params
        ]
        return session

    def _unmet(self, interaction: Interaction, result: Unmet) -> None:
        """Audited as a refusal: the client will be told ``unmet_authentication_requirements``."""
        interaction.outcome, interaction.reason = UNMET, result.reason
        session = self.sessions.load(interaction.sid)
        with self.engine.begin() as connection:
            record_event(
                connection,
                AUTHENTICATION,
                "refused",
                at=self.clock.now(),
                pin=session.pin if session else None,
                client_id=interaction.client_id,
                method="acr",
                detail=f"unmet_authentication_requirements: {result.reason}",
            )


def same_token(given: str, expected: str) -> bool:
    """A constant-time comparison of a presented token; as UTF-8 bytes, since
    :func:`hmac.compare_digest` raises on ``str`` with characters outside ASCII."""
    return hmac.compare_digest(given.encode(), expected.encode())
