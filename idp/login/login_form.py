"""The interaction's own page and the forms that move the citizen on or out: the PIN and password,
"continue" after an ending page, "cancel". Each finishes the interaction with a result
(:mod:`idp.oidc.interaction`) and answers with the next step's page, or the answer to the client.

The PIN/password form answers an unknown PIN, a citizen without an account, a wrong password and a
locked-out password with the same status, text and (one Argon2 verification) time. Only after a right
password does a locked account or a deceased citizen see why; a citizen without an account has no
password, so never gets past the form (the tester can cancel, and the client gets ``access_denied``).
A right password opens a new single sign-on session (a new id: session fixation), whose cookie comes
with the next page; later factors step that session up.
"""

import time

from idp.login.auth_events import Outcome
from idp.login.auth_events import password_attempt
from idp.login.pages import LANGUAGES
from idp.login.pages import logged_out_page
from idp.login.pages import login_page
from idp.login.progress import gone
from idp.login.progress import load
from idp.login.progress import next_step
from idp.login.progress import session_cookie
from idp.login.progress import view
from idp.login.steps import TOO_MANY
from idp.login.steps import answer_interaction
from idp.login.steps import current_page
from idp.oidc.answer import Answer
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.interaction import Denied
from idp.oidc.interaction import LoggedIn
from idp.oidc.interaction import Unmet
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.oidc.session import LoginSession

BAD_CREDENTIALS = "Số định danh cá nhân hoặc mật khẩu không đúng. / Wrong PIN or password."


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
    username, password = credentials
    result = password_attempt(server, username, password, ip, interaction.client_id)
    if result.outcome in (Outcome.BAD, Outcome.LIMITED):
        limited = result.outcome is Outcome.LIMITED
        message = TOO_MANY if limited else BAD_CREDENTIALS
        html = login_page(
            f"/interaction/{uid}/login", interaction.csrf, username, message, **view(interaction)
        )
        answer = page(html, 429 if limited else 401)
        return (
            answer.with_header("Retry-After", str(server.settings.login_rate_window))
            if limited
            else answer
        )
    assert result.record is not None  # OK and REFUSED name the citizen
    assert result.record.account is not None
    if result.outcome is Outcome.REFUSED:
        interaction.ending, interaction.ending_reason = "refused", result.reason
        server.interactions.save(interaction)
        return current_page(server, interaction, browser)
    pin, level = result.record.citizen.pin, result.record.account.level
    logged_in = LoggedIn(pin, level, (Factor("pwd", int(time.time())),), fresh=True)
    session = server.interactions.finish(interaction, logged_in, browser.sid if browser else None)
    assert session is not None
    answer = current_page(server, interaction, session)
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
        return redirect(f"/interaction/{uid}")
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
        return page(logged_out_page())
    return answer_interaction(server, interaction, browser)
