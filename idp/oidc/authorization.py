"""The authorization endpoint's decision: answer the client now, show an error page, or start the
citizen's interaction (:mod:`idp.oidc.interaction`).

OpenID Connect Core §3.1.2: Authlib validates the request (client, exact ``redirect_uri``, scope, PKCE,
``prompt``); this module adds what Authlib leaves to us: duplicated parameters and request objects refused
(right after the client and its ``redirect_uri`` are validated, before anything else), and §3.1.2.1's
``prompt`` (``login`` and ``select_account`` re-authenticate, ``consent`` asks again, ``none`` answers
``login_required`` / ``consent_required``), ``max_age`` and ``id_token_hint``
(:mod:`idp.oidc.id_token_hint`). The required level (``acr_values``, an essential ``acr`` claim, level-2
scopes: :func:`idp.oidc.assurance.requirement_of`) is checked against the session: a weaker session goes
to the interaction with its ``sid`` to be stepped up (only the missing factors); an account that can never
reach it ends with ``unmet_authentication_requirements`` (Core §3.1.2.6) after an explanation page. A
session that is good enough goes to the interaction for consent only, or is answered at once; the
session becomes the end user the client sees. Consent is the citizen's remembered consent
(:mod:`idp.state.consents`); after a consent page the answered request asks only for the scopes the
citizen ticked. Pages are not the core's: an error that cannot be trusted to redirect (unknown client,
unregistered ``redirect_uri``) is an :class:`~idp.oidc.error_page.ErrorPage`, an interaction to show an
:class:`Interact`, both rendered by the web layer.
"""

import re
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AccessDeniedError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oidc.core.errors import ConsentRequiredError
from authlib.oidc.core.errors import LoginRequiredError
from authlib.oidc.core.errors import RequestNotSupportedError
from authlib.oidc.core.errors import RequestURINotSupportedError
from httpx import Headers

from idp.oidc.accounts import subject_for
from idp.oidc.answer import Answer
from idp.oidc.assurance import Requirement
from idp.oidc.assurance import requirement_of
from idp.oidc.clients import Client
from idp.oidc.decoupled import end_user
from idp.oidc.error_page import ErrorPage
from idp.oidc.id_token_hint import hinted_subject
from idp.oidc.injection import InjectedError
from idp.oidc.interaction import DENIED
from idp.oidc.interaction import UNMET
from idp.oidc.interaction import Interaction
from idp.oidc.requests import ItemsRequest
from idp.oidc.response_mode import error_response
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.state.audit import AUTHENTICATION
from idp.state.audit import record_event
from idp.state.consents import covers


@dataclass(frozen=True)
class Interact:
    """The citizen is needed: ``interaction`` was started, to be shown to the browser that asked, whose
    single sign-on session (if any) is ``session``."""

    interaction: Interaction
    session: LoginSession | None


Outcome = Answer | ErrorPage | Interact


def authorize(
    server: AuthorizationServer,
    request: ItemsRequest,
    session: LoginSession | None,
    interaction: Interaction | None = None,
) -> Outcome:
    """The outcome of an authorization request, or of its answer once ``interaction`` is finished
    (``session`` then is the interaction's)."""
    try:
        if duplicated := request.duplicated():
            raise InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        _refuse_request_objects(server, request)
        grant = server.get_consent_grant(request, end_user=session)
        data = request.payload.data
        client: Client = grant.client
        prompts = data.get("prompt", "").split()
        scopes = scope_to_list(request.scope) or []
        _injected_error(server, client, session, grant.redirect_uri)
        if interaction is not None and interaction.outcome == DENIED:
            raise AccessDeniedError(redirect_uri=grant.redirect_uri)
        if interaction is not None and interaction.outcome == UNMET:
            raise UnmetAuthenticationRequirementsError(redirect_uri=grant.redirect_uri)
        needed = _requirement(data, scopes, client)
        resumed = bool(interaction and session and interaction.sid == session.sid)
        if resumed and _hints_another(server, data, session, client, grant.redirect_uri):
            # Core §3.1.2.2: the citizen the hint names must be the one logged in by the request.
            raise LoginRequiredError(redirect_uri=grant.redirect_uri)
        needs_login = not resumed and _needs_login(server, data, session, client, grant)
        needs_step_up = not needs_login and not _meets(session, needed)
        needs_consent = "consent" in prompts or not _consented(server, session, client, request)
        if resumed and interaction is not None and interaction.consented:
            needs_consent = False
        if "none" in prompts:
            _answer_without_interaction(server, session, needs_login, needs_step_up, needed, grant)
            if needs_consent:
                raise ConsentRequiredError(redirect_uri=grant.redirect_uri)
        if needs_login or needs_step_up or needs_consent:
            started = _start_interaction(
                server, request, client, session, needs_login, needed, "consent" in prompts
            )
            return Interact(started, session)
        assert session is not None  # needs_login is true without one
        user = end_user(server, session, client)
        answer: Answer = server.create_authorization_response(request, user, grant)
        return answer
    except OAuth2Error as error:
        error.state = request.payload.data.get("state")
        if error.redirect_uri:
            return error_response(server, request, error)
        return ErrorPage(error.error, error.description)


def _injected_error(
    server: AuthorizationServer, client: Client, session: LoginSession | None, redirect_uri: str
) -> None:
    """An error a test queued for this client (and citizen), once the ``redirect_uri`` it goes to
    is known to be the client's (:mod:`idp.oidc.injection`)."""
    if server.injections is None:
        return
    pin = session.pin if session is not None else None
    if error := server.injections.authorization_error(client.client_id, pin):
        raise InjectedError(error, redirect_uri)


def _refuse_request_objects(server: AuthorizationServer, request: ItemsRequest) -> None:
    """Request objects are not supported (Core §6.1, §6.2): one, by value or by reference, is refused
    as soon as the client and its ``redirect_uri`` are known, before any other check (a ``prompt``,
    the session, consent) could answer first. A bad client or ``redirect_uri`` is left to the
    request's validation, which shows its error page."""
    data = request.payload.data
    if "request" not in data and "request_uri" not in data:
        return
    redirect_uri = server.registered_redirect_uri(request)
    if redirect_uri is None:
        return
    if "request" in data:
        raise RequestNotSupportedError(redirect_uri=redirect_uri)
    raise RequestURINotSupportedError(redirect_uri=redirect_uri)


_MAX_AGE = re.compile(r"[0-9]{1,10}")
"""``max_age``: seconds as ASCII digits (``str.isdigit`` also takes other scripts' digits and ``²``)."""


class UnmetAuthenticationRequirementsError(OAuth2Error):  # type: ignore[misc]
    """OpenID Connect Core §3.1.2.6: the OP could not authenticate the citizen as the request needs
    (here: a level-1 account asked for level 2, or no registered phone for the SMS code)."""

    error = "unmet_authentication_requirements"


def _requirement(data: dict[str, str], scopes: list[str], client: Client) -> Requirement:
    return requirement_of(
        data.get("acr_values"), data.get("claims"), scopes, client.default_acr_values
    )


def _meets(session: LoginSession | None, needed: Requirement) -> bool:
    return session is not None and needed.satisfied_by(session.acr, session.account_level)


def _answer_without_interaction(
    server: AuthorizationServer,
    session: LoginSession | None,
    needs_login: bool,
    needs_step_up: bool,
    needed: Requirement,
    grant: Any,
) -> None:
    """``prompt=none`` (Core §3.1.2.1): an account that can never reach the requirement gets
    ``unmet_authentication_requirements`` (audited); one that could, after a login or a step-up it
    cannot be shown, gets ``login_required``."""
    if session is not None and not needs_login and not needed.reachable_by(session.account_level):
        with server.engine.begin() as connection:
            detail = "unmet_authentication_requirements: prompt=none"
            record_event(
                connection,
                AUTHENTICATION,
                "refused",
                at=server.clock.now(),
                pin=session.pin,
                client_id=grant.client.client_id,
                method="acr",
                detail=detail,
            )
        raise UnmetAuthenticationRequirementsError(redirect_uri=grant.redirect_uri)
    if needs_login or needs_step_up:
        raise LoginRequiredError(redirect_uri=grant.redirect_uri)


def _needs_login(
    server: AuthorizationServer,
    data: dict[str, str],
    session: LoginSession | None,
    client: Client,
    grant: Any,
) -> bool:
    """Core §3.1.2.1: no session, ``prompt`` login or select_account, an authentication older than
    ``max_age``, or a session for another citizen than ``id_token_hint`` names."""
    prompts = data.get("prompt", "").split()
    max_age = data.get("max_age")
    if max_age is not None and not _MAX_AGE.fullmatch(max_age):
        raise InvalidRequestError("Invalid 'max_age'.", redirect_uri=grant.redirect_uri)
    hints_another = _hints_another(server, data, session, client, grant.redirect_uri)
    if session is None or {"login", "select_account"} & set(prompts):
        return True
    if max_age is not None and server.clock.now() - session.auth_time >= int(max_age):
        return True
    return hints_another


def _hints_another(
    server: AuthorizationServer,
    data: dict[str, str],
    session: LoginSession | None,
    client: Client,
    redirect_uri: str,
) -> bool:
    """Whether ``id_token_hint`` names another citizen than the session's (a bad hint is refused
    first, with or without a session)."""
    hint = data.get("id_token_hint")
    if not hint:
        return False
    hinted = hinted_subject(hint, server.keys.key_set, server.settings.issuer, redirect_uri)
    if session is None:
        return False
    secret = server.settings.subject_secret.get_secret_value()
    return bool(hinted != subject_for(session.pin, secret, client.sector))


def answer_before_consent(
    server: AuthorizationServer, interaction: Interaction, client: Client, session: LoginSession
) -> bool:
    """Whether the interaction's request must be answered without a consent page: its
    ``id_token_hint`` names another citizen than the one the interaction logged in (which
    :func:`authorize` answers with ``login_required``, Core §3.1.2.2), or no longer verifies."""
    data = interaction.parameters
    try:
        return _hints_another(server, data, session, client, data.get("redirect_uri", ""))
    except OAuth2Error:
        return True


def _consented(
    server: AuthorizationServer,
    session: LoginSession | None,
    client: Client,
    request: ItemsRequest,
) -> bool:
    """Whether the citizen's remembered consent covers every scope asked for (:mod:`idp.state.consents`)."""
    scopes = scope_to_list(request.scope) or []
    return session is not None and covers(server.engine, session.pin, client.client_id, scopes)


def _start_interaction(
    server: AuthorizationServer,
    request: ItemsRequest,
    client: Client,
    session: LoginSession | None,
    relogin: bool,
    needed: Requirement,
    force_consent: bool,
) -> Interaction:
    """Start the interaction, bound to the browser that asked. The citizen goes on with that
    browser's ``session`` (then only the missing factors, if any, and consent are asked) unless
    ``relogin``."""
    return server.interactions.start(
        client_id=client.client_id,
        scope=request.scope,
        params=[[name, value] for name, value in request.items],
        requirement=needed,
        force_consent=force_consent,
        sid=session.sid if session is not None and not relogin else None,
    )


def resume(
    server: AuthorizationServer, interaction: Interaction, session: LoginSession | None
) -> Outcome:
    """The outcome of the authorization request a finished interaction (already taken from its
    store) was for; ``session`` is the interaction's."""
    return authorize(server, resumed_request(server, interaction.params), session, interaction)


def resumed_request(server: AuthorizationServer, params: list[list[str]]) -> ItemsRequest:
    """The original authorization request, rebuilt from what the interaction stored (its URI without
    the query: Authlib reads the parameters, never the URI, of an authorization request)."""
    items = [(k, v) for k, v in params]
    uri = f"{server.settings.issuer}/authorize"
    return ItemsRequest("GET", uri, Headers(), items, [])
