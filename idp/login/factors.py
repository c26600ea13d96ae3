"""The factors after the password (step-up): SMS one-time code, passcode, simulated face match.

Each is shown by :func:`idp.login.steps.factor_page` when :func:`idp.login.progress.next_step` names it,
and posted to its own form; a right answer finishes the interaction with that factor
(:class:`idp.oidc.interaction.LoggedIn`: the interaction's session, same ``sid``, steps up); every
answer is a 303, to the next step or back to the page with its message (Post/Redirect/Get). Every success and failure is audited; wrong codes count in
the rate windows (:mod:`idp.login.lockout`).
"""

from idp.login import otp
from idp.login.auth_events import attempt_limited
from idp.login.auth_events import audit
from idp.login.auth_events import count_otp
from idp.login.auth_events import otp_locked_out
from idp.login.auth_events import passcode_attempt
from idp.login.progress import again
from idp.login.progress import clear_notice
from idp.login.progress import gone
from idp.login.progress import load
from idp.login.progress import next_step
from idp.login.progress import session_of
from idp.login.progress import to_step
from idp.login.steps import TOO_MANY
from idp.login.steps import after_form
from idp.login.steps import phone_of
from idp.oidc.accounts import find_record
from idp.oidc.answer import Answer
from idp.oidc.assurance import FACE
from idp.oidc.assurance import PASSCODE
from idp.oidc.assurance import SMS_OTP
from idp.oidc.assurance import achieved_acr
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import LoggedIn
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import Factor
from idp.oidc.session import LoginSession

OTP_ERRORS = {
    otp.Checked.WRONG: "errors.otp_wrong",
    otp.Checked.DEAD: "errors.otp_dead",
    otp.Checked.EXPIRED: "errors.otp_expired",
}
OTP_LOCKED = "errors.otp_locked"
RESEND_ERRORS = {
    otp.Sent.THROTTLED: "errors.resend_throttled",
    otp.Sent.CAPPED: "errors.resend_capped",
}
WRONG_PASSCODE = "errors.passcode_wrong"
NO_MATCH = "errors.face_no_match"
"""Message keys of the pages' catalogue (``idp/web/messages``)."""

AtStep = tuple[Interaction, LoginSession]


def _at_step(
    server: AuthorizationServer, uid: str, binding: str, csrf: str, factor: str
) -> AtStep | Answer:
    """The interaction and its session when ``factor`` is what the citizen must do now; else the
    expired page (unknown interaction, wrong CSRF token) or a redirect to the current step."""
    interaction = load(server.interactions, uid, binding, csrf)
    if interaction is None:
        return gone()
    session = session_of(server.sessions, interaction)
    if session is None or next_step(interaction, session).kind != factor:
        return to_step(uid)
    return interaction, session


def _passed(
    server: AuthorizationServer,
    interaction: Interaction,
    session: LoginSession,
    factor: str,
    browser: LoginSession | None,
) -> Answer:
    """The factor is added to the interaction's session; on to the next step."""
    passed = (Factor(factor, int(server.clock.now())),)
    step_up = LoggedIn(session.pin, session.account_level, passed)
    clear_notice(interaction)
    stepped_up = server.interactions.finish(interaction, step_up)
    return after_form(server, interaction, stepped_up, browser)


def _too_many(server: AuthorizationServer, interaction: Interaction) -> Answer:
    """The factor's page, refused for the rest of the rate window (429 with Retry-After)."""
    window = server.settings.login_rate_window
    return again(server.interactions, interaction, TOO_MANY, 429, window)


def submit_otp(
    server: AuthorizationServer,
    uid: str,
    form: tuple[str, str],
    ip: str,
    browser: LoginSession | None,
    code: str,
) -> Answer:
    """The SMS code (``form``: the interaction's binding and the posted CSRF token)."""
    found = _at_step(server, uid, *form, SMS_OTP)
    if isinstance(found, Answer):
        return found
    interaction, session = found
    client_id = interaction.client_id
    if attempt_limited(server, session.pin, ip, client_id, SMS_OTP):
        return _too_many(server, interaction)
    if otp_locked_out(server, session.pin, client_id):
        return again(server.interactions, interaction, OTP_LOCKED, 429)
    checked = otp.verify(server, uid, session.pin, code)
    if checked is not otp.Checked.EXPIRED:
        count_otp(server, session.pin, client_id, ip, right=checked is otp.Checked.OK)
    if checked is otp.Checked.OK:
        acr = achieved_acr(session.methods | {SMS_OTP}, session.account_level)
        audit(server, "success", session.pin, client_id, SMS_OTP, acr)
        return _passed(server, interaction, session, SMS_OTP, browser)
    audit(server, "failure", session.pin, client_id, SMS_OTP, detail=checked.value)
    if checked is otp.Checked.DEAD:
        audit(server, "lockout", session.pin, client_id, SMS_OTP, detail="code dead")
    return again(server.interactions, interaction, OTP_ERRORS[checked], 401)


def resend_otp(server: AuthorizationServer, uid: str, form: tuple[str, str]) -> Answer:
    """A new SMS code, unless throttled or over the interaction's cap."""
    found = _at_step(server, uid, *form, SMS_OTP)
    if isinstance(found, Answer):
        return found
    interaction, session = found
    phone = phone_of(server, session.pin)
    if phone is None:
        return to_step(uid)
    sent = otp.resend(server, uid, session.pin, phone)
    if sent is otp.Sent.SENT:
        return to_step(uid)
    return again(server.interactions, interaction, RESEND_ERRORS[sent], 429)


def submit_passcode(
    server: AuthorizationServer,
    uid: str,
    form: tuple[str, str],
    ip: str,
    browser: LoginSession | None,
    passcode: str,
) -> Answer:
    """The 6-digit passcode (mã bảo vệ)."""
    found = _at_step(server, uid, *form, PASSCODE)
    if isinstance(found, Answer):
        return found
    interaction, session = found
    client_id = interaction.client_id
    if attempt_limited(server, session.pin, ip, client_id, PASSCODE):
        return _too_many(server, interaction)
    record = find_record(server.engine, session.pin)
    if record is None:
        return to_step(uid)
    acr = achieved_acr(session.methods | {PASSCODE}, session.account_level)
    if passcode_attempt(server, record, passcode, client_id, acr, ip):
        return _passed(server, interaction, session, PASSCODE, browser)
    return again(server.interactions, interaction, WRONG_PASSCODE, 401)


def submit_face(
    server: AuthorizationServer,
    uid: str,
    form: tuple[str, str],
    browser: LoginSession | None,
    face: str,
) -> Answer:
    """The simulated face match: the tester chooses ``match`` or not."""
    found = _at_step(server, uid, *form, FACE)
    if isinstance(found, Answer):
        return found
    interaction, session = found
    client_id = interaction.client_id
    if face == "match":
        acr = achieved_acr(session.methods | {FACE}, session.account_level)
        audit(server, "success", session.pin, client_id, FACE, acr)
        return _passed(server, interaction, session, FACE, browser)
    audit(server, "failure", session.pin, client_id, FACE, detail="no match")
    return again(server.interactions, interaction, NO_MATCH, 401)
