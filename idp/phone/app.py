"""The simulated app's screens (màn hình ứng dụng): opening the app as a citizen, the home screen with
the document wallet and the requests waiting, scanning a QR code without a camera, a request's approval
screen, the outcome and the history; as :class:`~idp.oidc.answer.View` values the web layer renders
from ``idp/web/templates/phone``.

The opened app is a random value in an HttpOnly cookie (:data:`PHONE_COOKIE`) that names, in the state
store, the citizen whose phone this is and the CSRF token of its forms. Opening needs no password: this
is the citizen's own phone, already activated (the sandbox opens it as any persona or PIN); every
approval still needs the passcode and the face, signed by the device's key
(:mod:`idp.phone.approvals`). A citizen without an account gets nothing; a level-1 account gets the
app without a bound device (its approvals end with ``unmet_authentication_requirements``).
"""

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from idp.citizen.wallet import card_revocation
from idp.citizen.wallet import wallet
from idp.login.headless import pin_of
from idp.login.pages import Asking
from idp.login.pages import personas
from idp.login.qr_login import claim_code
from idp.login.steps import asking
from idp.oidc.accounts import find_record
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import View
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.device_flow import claim_by_user_code
from idp.oidc.disclosure import claims_context
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.phone import approvals
from idp.phone.app_links import returned
from idp.phone.devices import NotActivated
from idp.phone.devices import app_holder
from idp.phone.devices import simulated_key
from idp.state import phone_requests
from idp.state.phone_requests import Request

PHONE_COOKIE = "vneid_phone"
OPENED = "phone-opened:"
OPENED_TTL = 24 * 3600
HOME = "/phone"


@dataclass(frozen=True)
class Opened:
    """The app in this browser: its ``token`` (the cookie), the citizen (None: not opened yet), the
    CSRF token of its forms, and a message for the next showing of a request's screen (after a form
    that did not go through: Post/Redirect/Get) with the status that screen answers with."""

    token: str
    pin: str | None
    csrf: str
    notice: str = ""
    notice_status: int = 200


@dataclass(frozen=True)
class Shown:
    """A request as its approval screen shows it."""

    request: Request
    asking: Asking
    scopes: tuple[str, ...]
    level: str


def opened(server: AuthorizationServer, token: str | None) -> Opened | None:
    data = server.store.get(OPENED + token[:64]) if token else None
    if token is None or data is None:
        return None
    notice, status = str(data.get("notice", "")), int(data.get("notice_status", 200))
    return Opened(token, data.get("pin"), str(data["csrf"]), notice, status)


def _keep(server: AuthorizationServer, app: Opened) -> None:
    kept = {"pin": app.pin, "csrf": app.csrf, "notice": app.notice}
    server.store.put(OPENED + app.token, kept | {"notice_status": app.notice_status}, OPENED_TTL)


def app_of(server: AuthorizationServer, token: str | None) -> tuple[Opened, Cookie | None]:
    """This browser's app, made (not opened yet) with its cookie when it has none."""
    found = opened(server, token)
    if found is not None:
        return found, None
    app = Opened(secrets.token_urlsafe(24), None, secrets.token_urlsafe(24))
    _keep(server, app)
    secure = server.settings.issuer.startswith("https://")
    return app, Cookie(PHONE_COOKIE, app.token, max_age=OPENED_TTL, path=HOME, secure=secure)


def _checked(app: Opened, csrf: str) -> bool:
    return same_token(csrf, app.csrf)


def open_as(server: AuthorizationServer, app: Opened, csrf: str, who: str) -> Answer:
    """Open the app as a persona key or a PIN; a citizen without an account gets nothing."""
    if not _checked(app, csrf):
        return page(View("phone/open.html", _open_values(app, "phone.bad_form")), 400)
    pin = pin_of(who.strip())
    holder = app_holder(server, pin) if pin else NotActivated("no_account")
    if pin is None or isinstance(holder, NotActivated):
        reason = holder.reason if isinstance(holder, NotActivated) else "no_account"
        return page(View("phone/open.html", _open_values(app, f"phone.refused_{reason}")), 403)
    if holder[0] >= 2:  # the app on this phone holds the bound device's key from now on
        simulated_key(server, pin)
    _keep(server, Opened(app.token, pin, app.csrf))
    return redirect(HOME)


def close(server: AuthorizationServer, app: Opened, csrf: str) -> Answer:
    if _checked(app, csrf):
        _keep(server, Opened(app.token, None, app.csrf))
    return redirect(HOME)


def _open_values(app: Opened, notice: str = "") -> dict[str, object]:
    return {"csrf": app.csrf, "personas": personas(), "notice": notice}


def home(server: AuthorizationServer, app: Opened, notice: str = "") -> Answer:
    """The open screen (with ``notice``), or the home screen: the wallet and the requests waiting."""
    if app.pin is None:
        return page(View("phone/open.html", _open_values(app, notice), switch=HOME))
    record = find_record(server.engine, app.pin)
    assert record is not None
    assert record.account is not None
    level = record.account.level
    revoked = card_revocation(server.engine, record)
    today = server.clock.population_day()
    shown = wallet(record, claims_context(server), level, today=today, card_revoked=revoked)
    now = server.clock.now()
    waiting = [
        _shown(server, r) for r in phone_requests.pending_for(server.engine, app.pin, now=now)
    ]
    bound = not isinstance(simulated_key(server, app.pin), NotActivated) if level >= 2 else False
    values = {
        "csrf": app.csrf,
        "pin": app.pin,
        "level": level,
        "bound": bound,
        "wallet": shown,
        "waiting": [w for w in waiting if w is not None],
    }
    return page(View("phone/home.html", values, switch=HOME))


def _shown(server: AuthorizationServer, request: Request) -> Shown | None:
    interaction = server.interactions.details(request.uid)
    if interaction is None:
        return None
    scopes = tuple(interaction.scope.split())
    return Shown(request, asking(server, interaction), scopes, "LoA4")


def scan_screen(server: AuthorizationServer, app: Opened, notice: str = "") -> Answer:
    """Scan without a camera: the QR codes other tabs of this sandbox show, or a pasted link."""
    if app.pin is None:
        return redirect(HOME)
    now = server.clock.now()
    codes = [
        shown
        for request in phone_requests.unclaimed_codes(server.engine, now=now)
        if (shown := _shown(server, request)) is not None
    ]
    values = {"csrf": app.csrf, "codes": codes, "notice": notice}  # each code: r={uid}.{id}
    return page(View("phone/scan.html", values, switch=f"{HOME}/scan"), 400 if notice else 200)


def request_id_of(link: str) -> str:
    """What a scanned login code's link carries (``/phone/scan?r={uid}.{secret}``), or the link."""
    try:
        query = parse_qs(urlsplit(link.strip()).query)
    except ValueError:
        return ""
    return (query.get("r") or [link.strip()])[0][:160]


def user_code_of(link: str) -> str | None:
    """The user code of a device's ``verification_uri_complete`` (``/device?user_code=…``)."""
    try:
        parts = urlsplit(link.strip())
        query = parse_qs(parts.query)
    except ValueError:
        return None
    codes = query.get("user_code")
    return codes[0][:16] if parts.path.endswith("/device") and codes else None


def claim_link(server: AuthorizationServer, pin: str, link: str) -> str | None:
    """Scan a link on ``pin``'s phone: a login's QR code (its request, claimed once) or a device's
    ``verification_uri_complete`` (RFC 8628 §3.3.1: the device request, claimed from its user code,
    waits on this phone); the request id, or None when it is unknown, expired or claimed already."""
    now = server.clock.now()
    if (user_code := user_code_of(link)) is not None:
        interaction = claim_by_user_code(server, user_code)
        if interaction is None:
            return None
        return phone_requests.open_request(
            server.engine,
            uid=interaction.uid,
            kind="device",
            client_id=interaction.client_id,
            pin=pin,
            expires_at=interaction.expires_at,
            at=now,
        )
    scanned = request_id_of(link)
    _, _, secret = scanned.partition(".")
    found = phone_requests.find(server.engine, secret) if secret else None
    if found is not None and found.pin == pin and found.live(now):
        return found.id  # this phone scanned it already
    return claim_code(server, scanned, pin)


def scan(server: AuthorizationServer, app: Opened, link: str) -> Answer:
    """The phone scanned a QR code: its request becomes this citizen's, once."""
    if app.pin is None:
        return redirect(HOME)
    request_id = claim_link(server, app.pin, link)
    if request_id is None:
        return scan_screen(server, app, "phone.scan_refused")
    return redirect(f"{HOME}/requests/{request_id}")


def request_screen(server: AuthorizationServer, app: Opened, request_id: str) -> Answer:
    """The approval screen: who asks, what for, at which level, each data item; the message of the
    last answer that did not go through, once, with its status."""
    if app.pin is None:
        return redirect(HOME)
    notice, status = app.notice, app.notice_status
    if notice:
        _keep(server, Opened(app.token, app.pin, app.csrf))
    found = phone_requests.find(server.engine, request_id)
    if found is None or found.pin != app.pin or not found.live(server.clock.now()):
        return page(View("phone/outcome.html", {"outcome": "expired"}), 404)
    shown = _shown(server, found)
    if shown is None:
        return page(View("phone/outcome.html", {"outcome": "expired"}), 404)
    hint = server.settings.sandbox_passcode
    values = {"csrf": app.csrf, "shown": shown, "notice": notice, "passcode_hint": hint}
    return page(View("phone/request.html", values, switch=f"{HOME}/requests/{request_id}"), status)


DECIDED = (phone_requests.APPROVED, phone_requests.REFUSED, phone_requests.UNMET)
NOT_ACCEPTED = {
    "wrong_passcode": 401,
    "no_match": 401,
    "too_many": 429,
    "bad_signature": 403,
    "no_app": 403,
    "replayed": 409,
    "other_request": 403,
}


def decide(
    server: AuthorizationServer,
    app: Opened,
    request_id: str,
    form: tuple[str, str, str, str, tuple[str, ...]],
    ip: str,
    finished: approvals.Finished | None,
) -> Answer:
    """The screen's decision (``form``: CSRF token, decision, passcode, face, ticked items), signed by
    this phone's device key and sent as any phone's answer."""
    csrf, decision, passcode, face, ticked = form
    if app.pin is None or not _checked(app, csrf):
        return redirect(HOME)
    found = phone_requests.find(server.engine, request_id)
    if found is None or found.pin != app.pin:
        return page(View("phone/outcome.html", {"outcome": "expired"}), 404)
    signed = _signed(server, app.pin, found, decision)
    answered = approvals.Answered(signed, passcode, face, ticked)
    outcome = approvals.answer(server, request_id, answered, ip, finished)
    if outcome in NOT_ACCEPTED:  # the screen again, with why (Post/Redirect/Get)
        status = NOT_ACCEPTED[outcome]
        _keep(server, Opened(app.token, app.pin, app.csrf, f"phone.{outcome}", status))
        return redirect(f"{HOME}/requests/{request_id}")
    back = returned(server, found, outcome) if outcome in DECIDED else None
    return back or redirect(f"{HOME}/outcome/{outcome}")


OUTCOMES = ("approved", "refused", "unmet", "expired", "decided", "not_found", "locked")


def outcome_screen(outcome: str) -> Answer:
    """What became of the last answer (after its form's redirect)."""
    if outcome not in OUTCOMES:
        return page(View("phone/outcome.html", {"outcome": "not_found"}), 404)
    return page(View("phone/outcome.html", {"outcome": outcome}))


def _signed(server: AuthorizationServer, pin: str, request: Request, decision: str) -> str:
    """This phone's signed answer; a level-1 account's app has no device key to sign with."""
    key = simulated_key(server, pin)
    if isinstance(key, NotActivated):
        return ""
    choice = approvals.APPROVE if decision == approvals.APPROVE else approvals.REFUSE
    return approvals.sign_answer(key[0], key[1], request, choice)


def history(server: AuthorizationServer, app: Opened) -> Answer:
    if app.pin is None:
        return redirect(HOME)
    decided = phone_requests.history_for(server.engine, app.pin)
    names = {r.client_id: _service(server, r.client_id) for r in decided}
    values = {"decided": decided, "names": names}
    return page(View("phone/history.html", values, switch=f"{HOME}/history"))


def _service(server: AuthorizationServer, client_id: str | None) -> str:
    client = server.query_client(client_id) if client_id else None
    return str(client.metadata.get("client_name") or client_id) if client else "—"
