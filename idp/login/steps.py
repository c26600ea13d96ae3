"""The browser's way through an interaction: the page of its current step (:func:`idp.login.progress.
next_step`), and the answer to the client once the interaction is finished.

The login form, the next missing factor, an ending page (unmet requirements, refused citizen), the
consent page, or the answer itself: the authorization response (a 303 after a form, the client's
``redirect_uri`` with the code or the error, or its ``form_post`` page), the account page's
``return_to``, or, for a device request (RFC 8628), a page telling the citizen to return to the
device. The request that starts the interaction (the authorization endpoint, the account page) is
answered with its first page, with the browser's binding cookie, as Keycloak's authorization endpoint
answers with its login form; every form is answered with a 303: to the client once the interaction is
finished, else to the interaction's page (Post/Redirect/Get, :func:`after_form`).
``GET /interaction/{uid}`` shows the current step, or answers an interaction finished elsewhere (a
phone, the test kit): the browser that started it gets the code, and the session.
"""

from idp.login import otp
from idp.login.consent_page import consent_view
from idp.login.factor_pages import ending_view
from idp.login.factor_pages import face_view
from idp.login.factor_pages import otp_view
from idp.login.factor_pages import passcode_view
from idp.login.pages import Asking
from idp.login.pages import device_done_view
from idp.login.pages import error_view
from idp.login.pages import login_view
from idp.login.progress import Step
from idp.login.progress import binding_cookie
from idp.login.progress import gone
from idp.login.progress import load
from idp.login.progress import next_step
from idp.login.progress import safe_return_to
from idp.login.progress import session_cookie
from idp.login.progress import session_of
from idp.login.progress import shown
from idp.login.progress import take_notice
from idp.login.progress import to_step
from idp.login.qr_login import qr_image
from idp.login.qr_login import qr_offer
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

TOO_MANY = "errors.too_many"
"""What a page says when the PIN or the address has used up its failed attempts for the moment."""
PURPOSE_LENGTH = range(3, 301)
"""The request's ``purpose`` is shown when it is 3 to 300 characters (OpenID Connect for Identity
Assurance 1.0 §8); otherwise the client's registered purpose is."""


def first_page(server: AuthorizationServer, started: Interact) -> Answer:
    """The first page of an interaction just started, binding it to this browser."""
    answer = current_page(server, started.interaction, started.session)
    return answer.with_cookie(binding_cookie(server.settings, started.interaction))


def after_form(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession | None,
    browser: LoginSession | None,
) -> Answer:
    """A form's answer once it moved the citizen on: the answer to the client when the interaction
    is over, else a 303 to the interaction's page, which shows the next step (Post/Redirect/Get: Back
    and Reload never post the form again). No page is built for the POST itself."""
    if next_step(interaction, session).kind != "done" or session is None:
        return to_step(interaction.uid)
    return consent_or_answer(server, interaction, session, browser, show=False)


def current_page(
    server: AuthorizationServer,
    interaction: Interaction,
    browser: LoginSession | None,
    login_hint: str = "",
) -> Answer:
    """The page of the step the citizen is at, or the answer when there is none left; ``browser`` is
    the asking browser's session, ``login_hint`` a PIN to pre-fill. A message kept by the last form
    (:func:`idp.login.progress.again`) is shown once, with its status."""
    if interaction.outcome is not None and interaction.return_to is None:
        return answer_interaction(server, interaction, browser)  # denied or unmet, maybe elsewhere
    notice, status, retry, typed = take_notice(server.interactions, interaction)
    answer = _step_page(server, interaction, browser, typed or login_hint, notice)
    if notice and answer.view is not None:
        answer.status = status
        if retry:
            answer.with_header("Retry-After", str(retry))
    return answer


def _step_page(
    server: AuthorizationServer,
    interaction: Interaction,
    browser: LoginSession | None,
    login_hint: str,
    notice: str,
) -> Answer:
    if browser is not None and browser.sid == interaction.sid:  # read for this request already
        session: LoginSession | None = browser
    else:
        session = session_of(server.sessions, interaction)
    step = next_step(interaction, session)
    uid, csrf = interaction.uid, interaction.csrf
    if step.kind in ("login", "phone"):
        pin = _hint(interaction, browser, login_hint)
        password = server.settings.sandbox_password
        who, how = asking(server, interaction), shown(interaction)
        qr, phone_only = qr_offer(server, interaction), step.kind == "phone"
        return page(login_view(uid, csrf, who, how, password, pin, notice, qr, phone_only))
    if step.kind in ("unmet", "refused"):
        return page(ending_view(uid, csrf, step.kind, step.reason, shown(interaction)))
    assert (
        session is not None
    )  # next_step names a factor or done only for the interaction's session
    if step.kind != "done":
        return factor_page(server, interaction, session, step, notice)
    return consent_or_answer(server, interaction, session, browser)


def qr_picture(server: AuthorizationServer, uid: str, binding: str) -> Answer:
    """The login page's QR code as an SVG image, for the browser the interaction is bound to; 404
    once it is gone (the page, shown again, has a new one)."""
    interaction = load(server.interactions, uid, binding)
    image = qr_image(server, interaction) if interaction is not None else None
    if image is None:
        return Answer(404, b"", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
    return Answer(200, image, [("Content-Type", "image/svg+xml"), ("Cache-Control", "no-store")])


def asking(server: AuthorizationServer, interaction: Interaction) -> Asking:
    """Who asks and for what: the client's name and purpose, the level, a level-2 account or not."""
    need = interaction.requirement
    client = server.query_client(interaction.client_id) if interaction.client_id else None
    if client is None:
        return Asking(None, need.acr, need.level2)
    metadata = client.metadata
    name = str(metadata.get("client_name") or client.client_id)
    purpose = interaction.parameters.get("purpose", "")
    if len(purpose) in PURPOSE_LENGTH:  # the request's own purpose: one text, in its language
        return Asking(name, need.acr, need.level2, purpose, str(metadata.get("client_name#en", "")))
    return Asking(
        name,
        need.acr,
        need.level2,
        str(metadata.get("purpose") or ""),
        str(metadata.get("client_name#en", "")),
        str(metadata.get("purpose#en", "")),
    )


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
    notice: str = "",
) -> Answer:
    """The page of ``step``'s factor; the first SMS is sent when the code page is first shown."""
    uid, csrf = interaction.uid, interaction.csrf
    how, who = shown(interaction), asking(server, interaction)
    if step.kind == SMS_OTP:
        phone = phone_of(server, session.pin)
        if phone is None:
            interaction.ending, interaction.ending_reason = "unmet", "no_phone"
            server.interactions.save(interaction)
            return page(ending_view(uid, csrf, "unmet", "no_phone", how))
        otp.send_first(server, interaction.uid, session.pin, phone)
        return page(otp_view(uid, csrf, who, how, phone, notice))
    if step.kind == PASSCODE:
        passcode = server.settings.sandbox_passcode
        return page(passcode_view(uid, csrf, who, how, passcode, notice))
    portrait = portrait_path(session.pin, server.settings.subject_secret.get_secret_value())
    return page(face_view(uid, csrf, who, how, portrait, notice))


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
    show: bool = True,
) -> Answer:
    """The consent page, or the answer when consent was given (here or before) or is not asked;
    ``show`` False (after a form): a 303 to the interaction's page instead of the consent page."""
    if interaction.return_to is not None:  # the account page's own login: back there
        return _back_to_account(server, interaction, session, browser)
    client = server.query_client(interaction.client_id) if interaction.client_id else None
    if client is None:
        return gone()
    if interaction.consented:
        return answer_interaction(server, interaction, browser)
    scopes, before = interaction.scope.split(), None
    if not interaction.force_consent:  # prompt=consent asks again whatever was given before
        before = granted_scopes(server.engine, session.pin, client.client_id)
        if set(scopes) <= before:
            return answer_interaction(server, interaction, browser)
    if answer_before_consent(server, interaction, client, session):
        return answer_interaction(server, interaction, browser)
    if not show:
        return to_step(interaction.uid)
    if before is None:
        before = granted_scopes(server.engine, session.pin, client.client_id)
    who, how = asking(server, interaction), shown(interaction)
    return page(consent_view(interaction.uid, interaction.csrf, who, how, scopes, before))


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
    if interaction.decoupled:
        return _return_to_device(server, interaction, browser)
    binding = interaction.binding or ""
    taken = server.interactions.take_for_browser(interaction.uid, binding)
    if taken is None:
        return gone()
    session = session_of(server.sessions, taken)
    return answer_outcome(server, resume(server, taken, session), session, browser)


def _return_to_device(
    server: AuthorizationServer, interaction: Interaction, browser: LoginSession | None
) -> Answer:
    """A polled request (RFC 8628) has no redirect to answer: the browser is told to return to its
    device, whose poll takes the interaction (:class:`idp.oidc.decoupled.PolledGrant`); the browser
    keeps the session its login opened."""
    answer = page(device_done_view(interaction.outcome is not None, shown(interaction)))
    session = session_of(server.sessions, interaction)
    if session is not None and (browser is None or browser.sid != session.sid):
        answer.with_cookie(session_cookie(server.settings, session.sid))
    return answer


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
        return page(error_view(outcome.error, outcome.description), outcome.status)
    if after_form and outcome.status == 302:  # RFC 9700 §4.12: the browser GETs the client
        outcome.status = 303
    if session is not None and (browser is None or browser.sid != session.sid):
        outcome.with_cookie(session_cookie(server.settings, session.sid))
    return outcome
