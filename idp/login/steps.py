"""The browser's way through an interaction: the page of its current step (:func:`idp.login.progress.
next_step`), and the answer to the client once the interaction is finished.

The login form, the next missing factor, an ending page (unmet requirements, refused citizen), the
consent page, or the answer itself: the authorization response (a 303 after a form, the client's
``redirect_uri`` with the code or the error, or its ``form_post`` page), or the account page's
``return_to``. The request that starts the interaction (the authorization endpoint, the account page) is
answered with its first page, with the browser's binding cookie, as Keycloak's authorization endpoint
answers with its login form; every form that moves the citizen on is answered with the next step's page,
never a redirect to it. ``GET /interaction/{uid}`` shows the current step, or answers an interaction
finished elsewhere (a phone, the test kit): the browser that started it gets the code, and the session.
"""

from idp.login import otp
from idp.login.consent_page import TEXTS as CONSENT_TEXTS
from idp.login.consent_page import consent_body
from idp.login.consent_page import requested_level
from idp.login.factor_pages import ending_page
from idp.login.factor_pages import face_page
from idp.login.factor_pages import otp_page
from idp.login.factor_pages import passcode_page
from idp.login.pages import error_page
from idp.login.pages import layout
from idp.login.pages import login_page
from idp.login.pages import page_language
from idp.login.progress import Step
from idp.login.progress import binding_cookie
from idp.login.progress import gone
from idp.login.progress import next_step
from idp.login.progress import safe_return_to
from idp.login.progress import session_cookie
from idp.login.progress import session_of
from idp.login.progress import view
from idp.login.sms_inbox import e164
from idp.oidc.accounts import find_record
from idp.oidc.answer import Answer
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import SMS_OTP
from idp.oidc.authorization import Interact
from idp.oidc.authorization import Outcome
from idp.oidc.authorization import answer_before_consent
from idp.oidc.authorization import resume
from idp.oidc.error_page import ErrorPage
from idp.oidc.interaction import Interaction
from idp.oidc.portraits import portrait_path
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.state.consents import granted_scopes

TOO_MANY = "Quá nhiều lần thử, vui lòng thử lại sau. / Too many attempts, try again later."
"""What a page says when the PIN or the address has used up its failed attempts for the moment."""


def first_page(server: AuthorizationServer, started: Interact) -> Answer:
    """The first page of an interaction just started, binding it to this browser."""
    answer = current_page(server, started.interaction, started.session)
    return answer.with_cookie(binding_cookie(server.settings, started.interaction))


def current_page(
    server: AuthorizationServer,
    interaction: Interaction,
    browser: LoginSession | None,
    login_hint: str = "",
) -> Answer:
    """The page of the step the citizen is at, or the answer when there is none left; ``browser`` is
    the asking browser's session, ``login_hint`` a PIN to pre-fill."""
    if interaction.outcome is not None and interaction.return_to is None:
        return answer_interaction(server, interaction, browser)  # denied or unmet, maybe elsewhere
    session = session_of(server.sessions, interaction)
    step = next_step(interaction, session)
    base = f"/interaction/{interaction.uid}"
    if step.kind == "login":
        pin = _hint(interaction, browser, login_hint)
        return page(login_page(f"{base}/login", interaction.csrf, pin, **view(interaction)))
    if step.kind in ("unmet", "refused"):
        html = ending_page(base, interaction.csrf, step.kind, step.reason, **view(interaction))
        return page(html)
    assert (
        session is not None
    )  # next_step names a factor or done only for the interaction's session
    if step.kind != "done":
        return factor_page(server, interaction, session, step)
    return consent_or_answer(server, interaction, session, browser)


def _hint(interaction: Interaction, browser: LoginSession | None, login_hint: str) -> str:
    """The PIN to pre-fill: the persona picked, ``login_hint``, or (``prompt=select_account``) the
    citizen of the browser's session, offered again."""
    params = interaction.parameters
    if login_hint or params.get("login_hint"):
        return login_hint or params["login_hint"]
    if browser is not None and "select_account" in params.get("prompt", "").split():
        return browser.pin
    return ""


def factor_page(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession,
    step: Step,
    error: str | None = None,
    status: int = 200,
) -> Answer:
    """The page of ``step``'s factor; the first SMS is sent when the code page is first shown."""
    base, csrf, shown = f"/interaction/{interaction.uid}", interaction.csrf, view(interaction)
    if step.kind == SMS_OTP:
        phone = phone_of(server, session.pin)
        if phone is None:
            interaction.ending, interaction.ending_reason = "unmet", "no_phone"
            server.interactions.save(interaction)
            return page(ending_page(base, csrf, "unmet", "no_phone", **shown))
        otp.send_first(server, interaction.uid, session.pin, phone)
        return page(otp_page(base, csrf, phone, error, **shown), status)
    if step.kind == PASSCODE:
        return page(passcode_page(base, csrf, error, **shown), status)
    portrait = portrait_path(session.pin, server.settings.subject_secret.get_secret_value())
    return page(face_page(base, csrf, portrait, error, **shown), status)


def phone_of(server: AuthorizationServer, pin: str) -> str | None:
    """The citizen's registered phone in E.164, or None."""
    found = find_record(server.engine, pin)
    phone = found.citizen.phone_number if found else None
    return e164(phone) if phone else None


def consent_or_answer(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession,
    browser: LoginSession | None,
    ui_locales: str | None = None,
) -> Answer:
    """The consent page, or the answer when consent was given (here or before) or is not asked."""
    if interaction.return_to is not None:  # the account page's own login: back there
        return _back_to_account(server, interaction, session, browser)
    client = server.query_client(interaction.client_id) if interaction.client_id else None
    if client is None:
        return gone()
    scopes = interaction.scope.split()
    before = granted_scopes(server.engine, session.pin, client.client_id)
    remembered = not interaction.force_consent and set(scopes) <= before
    if (
        interaction.consented
        or remembered
        or answer_before_consent(server, interaction, client, session)
    ):
        return answer_interaction(server, interaction, browser)
    params = interaction.parameters
    lang = page_language(ui_locales or interaction.lang or params.get("ui_locales", ""))
    level = requested_level(params)
    body = consent_body(interaction.uid, interaction.csrf, client, scopes, before, level, lang)
    return page(layout(CONSENT_TEXTS[lang]["title"], body, lang, params.get("display", "")))


def _back_to_account(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession,
    browser: LoginSession | None,
) -> Answer:
    target = safe_return_to(interaction)
    server.interactions.discard(interaction.uid)
    if target is None:
        return gone()
    answer = redirect(target)
    if browser is None or browser.sid != session.sid:
        answer.with_cookie(session_cookie(server.settings, session.sid))
    return answer


def answer_interaction(
    server: AuthorizationServer, interaction: Interaction, browser: LoginSession | None
) -> Answer:
    """The answer to the authorization request of a finished ``interaction``, taken first so that
    of two answers (two tabs, a double click) only one is given; a 303 after a form."""
    binding = interaction.binding or ""
    taken = server.interactions.take_for_browser(interaction.uid, binding)
    if taken is None:
        return gone()
    session = session_of(server.sessions, taken)
    return answer_outcome(server, resume(server, taken, session), session, browser)


def answer_outcome(
    server: AuthorizationServer,
    outcome: Outcome,
    session: LoginSession | None,
    browser: LoginSession | None,
    after_form: bool = True,
) -> Answer:
    """An authorization outcome for the browser: the first page of a new interaction, an error page,
    or the answer to the client, which carries the session cookie when the browser did not hold the
    interaction's session yet (a login finished elsewhere)."""
    if isinstance(outcome, Interact):
        return first_page(server, outcome)
    if isinstance(outcome, ErrorPage):
        return page(error_page(outcome.error, outcome.description), outcome.status)
    if after_form and outcome.status == 302:  # RFC 9700 §4.12: the browser GETs the client
        outcome.status = 303
    if session is not None and (browser is None or browser.sid != session.sid):
        outcome.with_cookie(session_cookie(server.settings, session.sid))
    return outcome
