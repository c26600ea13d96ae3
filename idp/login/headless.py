"""Headless login (đăng nhập không giao diện): the test kit's way to finish an interaction, without
pages, for a citizen a test names.

An authorization request that carries the sandbox's token names the citizen in ``login_hint`` (a
persona key such as ``level2-full``, or a PIN). The request is decided as every other one
(:func:`idp.oidc.authorization.authorize`): the client, the exact ``redirect_uri``, PKCE, ``prompt``,
the level it needs. When it starts an interaction, this module finishes it through the interaction's
public API (:meth:`idp.oidc.interaction.Interactions.finish`), step by step as the pages would
(:func:`idp.login.progress.next_step`): the password step, then each missing factor, then consent for
every scope asked (unless the citizen's remembered consent covers them). Nothing is skipped but the
typing: each step writes the audit row its page writes (with the ``acr`` it reaches), the consent row,
and the factors that give the session its ``amr``; a citizen the pages would stop is stopped the same
way. A PIN with no account, an unknown one, and a locked-out password are refused alike
(``access_denied``), as the login form answers them alike; a locked account or a deceased citizen is
refused with ``access_denied``; a level the account cannot reach, an SMS code for a citizen with no
phone, or ``LoA4`` (only an approval on the phone reaches it: :mod:`idp.phone`), ends with
``unmet_authentication_requirements`` (OpenID Connect Core §3.1.2.6). A locked-out SMS
code or passcode is refused too. The answer is the authorization response itself, a redirect to the
client's ``redirect_uri`` with the code or the error.
"""

from idp.login.auth_events import audit
from idp.login.lockout import factor_state
from idp.login.lockout import is_locked
from idp.login.progress import next_step
from idp.login.steps import answer_interaction
from idp.login.steps import answer_outcome
from idp.oidc.accounts import find_record
from idp.oidc.accounts import is_pin
from idp.oidc.accounts import refusal_of
from idp.oidc.answer import Answer
from idp.oidc.assurance import FACE
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import PASSWORD
from idp.oidc.assurance import SMS_OTP
from idp.oidc.assurance import achieved_acr
from idp.oidc.authorization import Interact
from idp.oidc.authorization import answer_before_consent
from idp.oidc.authorization import authorize
from idp.oidc.interaction import Consented
from idp.oidc.interaction import Denied
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import LoggedIn
from idp.oidc.interaction import Unmet
from idp.oidc.requests import ItemsRequest
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.oidc.session import LoginSession
from idp.population_db.lookup import CitizenRecord
from idp.population_db.personas import PERSONAS
from idp.state.consents import granted_scopes

NO_SUCH_ACCOUNT = "no_account"
"""Why an unknown PIN, a citizen without an account and a locked-out password are refused: one reason
for all three, as the login form gives one answer for all three."""
_PIN_OF_PERSONA = {entry.key: entry.pin for entry in PERSONAS}
CORE_ONLY: frozenset[str] = frozenset()
"""The citizen's record without relatives, residences, licences or vehicles: what a login reads."""


def pin_of(who: str) -> str | None:
    """The PIN ``who`` names: a persona key or a PIN; None for anything else."""
    if who in _PIN_OF_PERSONA:
        return _PIN_OF_PERSONA[who]
    return who if is_pin(who) else None


def headless_authorize(server: AuthorizationServer, request: ItemsRequest, who: str) -> Answer:
    """The authorization request answered for citizen ``who``, its interaction finished here."""
    outcome = authorize(server, request, None)
    if isinstance(outcome, Interact):
        interaction = outcome.interaction
        session = _log_in(server, interaction, pin_of(who))
        if session is not None:
            _consent(server, interaction, session)
        return answer_interaction(server, interaction, None)
    return answer_outcome(server, outcome, None, None, after_form=False)


def _log_in(
    server: AuthorizationServer, interaction: Interaction, pin: str | None
) -> LoginSession | None:
    """The password step, then every missing factor; the interaction's session, or None when the
    interaction ended refused or unmet."""
    record = find_record(server.engine, pin, CORE_ONLY) if pin else None
    session = _password(server, interaction, pin, record)
    has_phone = record is not None and record.citizen.phone_number is not None
    while session is not None:
        step = next_step(interaction, session)
        if step.kind == "done":
            return session
        if step.kind == "unmet":
            server.interactions.finish(interaction, Unmet(step.reason))
            return None
        if step.kind == "phone":  # LoA4 comes only from an approval on the bound phone
            server.interactions.finish(interaction, Unmet("phone_only"))
            return None
        session = _factor(server, interaction, session, step.kind, has_phone)
    return None


def _password(
    server: AuthorizationServer,
    interaction: Interaction,
    pin: str | None,
    record: CitizenRecord | None,
) -> LoginSession | None:
    """The login form's checks, without the typing: the citizen (``record``) exists, holds an
    account, may log in, and the password factor is not locked out."""
    client_id = interaction.client_id
    if pin is None or record is None or record.account is None:
        audit(server, "failure", pin, client_id, PASSWORD, detail="headless: no account")
        return _refuse(server, interaction, NO_SUCH_ACCOUNT)
    with server.engine.connect() as connection:
        locked_out = factor_state(connection, PASSWORD, pin, now=server.clock.now()).locked
    if locked_out:
        audit(server, "refused", pin, client_id, PASSWORD, detail="locked out")
        return _refuse(server, interaction, NO_SUCH_ACCOUNT)
    if reason := refusal_of(record):
        audit(server, "refused", pin, client_id, PASSWORD, detail=reason)
        return _refuse(server, interaction, reason)
    audit(server, "success", pin, client_id, PASSWORD, acr="LoA1", detail="headless")
    factors = (Factor(PASSWORD, int(server.clock.now())),)
    logged_in = LoggedIn(pin, record.account.level, factors, fresh=True)
    return server.interactions.finish(interaction, logged_in)


def _factor(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession,
    factor: str,
    has_phone: bool,
) -> LoginSession | None:
    """One more factor, as its page would accept it; None when it cannot be given (an SMS code
    without a registered phone)."""
    pin, client_id = session.pin, interaction.client_id
    if factor == SMS_OTP and not has_phone:
        server.interactions.finish(interaction, Unmet("no_phone"))
        return None
    if factor in (SMS_OTP, PASSCODE):
        with server.engine.connect() as connection:
            locked_out = is_locked(connection, factor, pin, now=server.clock.now())
        if locked_out:
            audit(server, "refused", pin, client_id, factor, detail="locked out")
            return _refuse(server, interaction, "locked_out")
    if factor not in (SMS_OTP, PASSCODE, FACE):
        return _refuse(server, interaction, f"factor {factor}")
    acr = achieved_acr(session.methods | {factor}, session.account_level)
    audit(server, "success", pin, client_id, factor, acr, detail="headless")
    step_up = LoggedIn(pin, session.account_level, (Factor(factor, int(server.clock.now())),))
    return server.interactions.finish(interaction, step_up)


def _consent(server: AuthorizationServer, interaction: Interaction, session: LoginSession) -> None:
    """Consent to every scope asked, when the consent page would be shown."""
    client = server.query_client(interaction.client_id) if interaction.client_id else None
    if client is None or interaction.return_to is not None:
        return
    scopes = interaction.scope.split()
    # prompt=consent asks again whatever was given before, as the consent page does
    pin, client_id = session.pin, client.client_id
    if not interaction.force_consent and set(scopes) <= granted_scopes(
        server.engine, pin, client_id
    ):
        return
    if answer_before_consent(server, interaction, client, session):
        return
    server.interactions.finish(interaction, Consented(tuple(scopes)))


def _refuse(
    server: AuthorizationServer, interaction: Interaction, reason: str
) -> LoginSession | None:
    """The interaction ends refused: no session goes on."""
    server.interactions.finish(interaction, Denied(reason))
    return None
