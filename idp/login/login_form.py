"""The interaction's own page and the forms that move the citizen on or out: the PIN and password,
"continue" after an ending page, "cancel". Each finishes the interaction with a result
(:mod:`idp.oidc.interaction`) and answers with a 303 to the next step's page, or the answer to the
client.

The PIN/password form answers an unknown PIN, a citizen without an account, a wrong password and a
locked-out password with the same status, text and (one Argon2 verification) time. Only after a right
password does a locked account or a deceased citizen see why; a citizen without an account has no
password, so never gets past the form (the tester can cancel, and the client gets ``access_denied``).
A right password opens a new single sign-on session (a new id: session fixation), whose cookie comes
with the answer; later factors step that session up. Every form is answered with a 303 (Post/Redirect/
Get): to the next step, back to the form with its message, or to the client.
"""

from idp.login.auth_events import Outcome
from idp.login.auth_events import password_attempt
from idp.login.progress import again
from idp.login.progress import clear_notice
from idp.login.progress import gone
from idp.login.progress import load
from idp.login.progress import next_step
from idp.login.progress import session_cookie
from idp.login.progress import to_step
from idp.login.steps import TOO_MANY
from idp.login.steps import after_form
from idp.login.steps import answer_interaction
from idp.login.steps import current_page
from idp.oidc.answer import Answer
from idp.oidc.answer import redirect
from idp.oidc.interaction import Denied
from idp.oidc.interaction import LoggedIn
from idp.oidc.interaction import Unmet
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.oidc.session import LoginSession
from idp.oidc.ui_locales import LANGUAGES

BAD_CREDENTIALS = "errors.bad_credentials"
LOGGED_OUT = "/logged-out"
"""The page a citizen leaving the account page's own login lands on."""


def show(
    server: AuthorizationServer,
    uid: str,
    binding: str,
    browser: LoginSession | None,
    login_hint: str = "",
    lang: str = "",
) -> Answer:
    """The current step's page (``lang``: vi, en switches it), or the answer to an interaction
    finished elsewhere."""
    interaction = load(server.interactions, uid, binding)
    if interaction is None:
        return gone()
    if lang in LANGUAGES and interaction.lang != lang:
        interaction.lang = lang
        server.interactions.save(interaction)
    return current_page(server, interaction, browser, login_hint[:64])


def submit_password(
    server: AuthorizationServer,
    uid: str,
    binding: str,
    csrf: str,
    credentials: tuple[str, str],
    ip: str,
    browser: LoginSession | None,
) -> Answer:
    """The PIN/password form (``credentials``: the PIN and the password)."""
    interaction = load(server.interactions, uid, binding, csrf)
    if interaction is None:
        return gone()
    if next_step(interaction, server.sessions.load(interaction.sid)).kind != "login":
        return to_step(uid)  # past the password (another tab went on): its step
    username, password = credentials
    result = password_attempt(server, username, password, ip, interaction.client_id)
    if result.outcome is Outcome.LIMITED:
        window = server.settings.login_rate_window
        return again(server.interactions, interaction, TOO_MANY, 429, window, username)
    if result.outcome is Outcome.BAD:
        return again(server.interactions, interaction, BAD_CREDENTIALS, 401, pin=username)
    assert result.record is not None  # OK and REFUSED name the citizen
    assert result.record.account is not None
    if result.outcome is Outcome.REFUSED:
        interaction.ending, interaction.ending_reason = "refused", result.reason
        server.interactions.save(interaction)
        return to_step(uid)
    pin, level = result.record.citizen.pin, result.record.account.level
    clear_notice(interaction)
    logged_in = LoggedIn(pin, level, (Factor("pwd", int(server.clock.now())),), fresh=True)
    session = server.interactions.finish(interaction, logged_in, browser.sid if browser else None)
    assert session is not None
    answer = after_form(server, interaction, session, session)
    if not any(cookie.name == server.settings.session_cookie for cookie in answer.cookies):
        answer.with_cookie(session_cookie(server.settings, session.sid))
    return answer


def continue_after_ending(
    server: AuthorizationServer, uid: str, binding: str, csrf: str, browser: LoginSession | None
) -> Answer:
    """Leave an ending page: the client gets ``unmet_authentication_requirements`` or
    ``access_denied`` (the refusal itself was audited at the password)."""
    interaction = load(server.interactions, uid, binding, csrf)
    if interaction is None:
        return gone()
    step = next_step(interaction, server.sessions.load(interaction.sid))
    if step.kind == "unmet":
        server.interactions.finish(interaction, Unmet(step.reason))
    elif step.kind == "refused":
        server.interactions.finish(interaction, Denied(step.reason))
    else:
        return to_step(uid)
    return _leave(server, uid, binding, browser)


def cancel(
    server: AuthorizationServer, uid: str, binding: str, csrf: str, browser: LoginSession | None
) -> Answer:
    """The citizen gives up: the client gets ``access_denied``."""
    interaction = load(server.interactions, uid, binding, csrf)
    if interaction is None:
        return gone()
    server.interactions.finish(interaction, Denied("cancelled"))
    return _leave(server, uid, binding, browser)


def _leave(
    server: AuthorizationServer, uid: str, binding: str, browser: LoginSession | None
) -> Answer:
    interaction = load(server.interactions, uid, binding)
    if interaction is None:
        return gone()
    if interaction.return_to is not None:  # the account page's login has no client to answer
        server.interactions.discard(uid)
        return redirect(LOGGED_OUT)
    return answer_interaction(server, interaction, browser)
