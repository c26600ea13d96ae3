"""The device flow's verification page (trang nhập mã thiết bị, RFC 8628 §3.3): the citizen types the
code their device shows, confirms it, then logs in and consents on the usual pages.

``GET /device`` shows the form; ``POST /device`` looks the code up (any case, with or without the
dash: :func:`idp.oidc.device_flow.find_by_user_code`). A wrong code answers the form again with its
message; wrong codes are counted per client address and the ``user_code_rate_per_ip``-th in a window
refuses every code (429 with ``Retry-After``) until the window ends (§5.1: 34 bits of code against a
few guesses a minute). A right code is answered with a 303 to ``/device?user_code=…``, which is also
where ``verification_uri_complete`` leads: the confirmation page shows the code and who asks, and asks
the citizen to confirm it is the code on their device (§5.4: a link sent by someone else must not be
approved unread). That form carries a double-submit token (a cookie scoped to ``/device`` and a
hidden field), so that another site cannot post it from the citizen's browser. Confirming binds the
device's interaction to this browser, once (:meth:`idp.oidc.interaction.Interactions.bind_browser`),
with the browser's session if it has one, forgets the code, and sends the browser to the interaction's
pages with their binding cookie; "not my device" refuses the request (the device gets
``access_denied``). Once the interaction is finished, the browser is told to return to its device
(:func:`idp.login.pages.device_done_view`) instead of being redirected: the device's poll gets the answer.
"""

import secrets

from idp.login import lockout
from idp.login.pages import Shown
from idp.login.pages import device_done_view
from idp.login.progress import binding_cookie
from idp.login.progress import to_step
from idp.login.steps import asking
from idp.oidc.answer import Answer
from idp.oidc.answer import Cookie
from idp.oidc.answer import View
from idp.oidc.answer import page
from idp.oidc.answer import redirect
from idp.oidc.device_flow import find_by_user_code
from idp.oidc.device_flow import forget_user_code
from idp.oidc.device_flow import normalised
from idp.oidc.device_flow import shown
from idp.oidc.interaction import Denied
from idp.oidc.interaction import Interaction
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession

PATH = "/device"
ENTRY_COOKIE = "vneid_device"
"""The confirmation form's double-submit token, scoped to ``/device``."""
RATE_KIND = "device"
WRONG = "device.wrong_code"
TOO_MANY = "device.too_many"
CLAIMED = "device.claimed"
CONFIRM = "confirm"


def entry_view(user_code: str = "", notice: str = "", lang: str | None = None) -> View:
    """The form for the code shown on the device (``user_code``: what was typed, shown again)."""
    values = {"action": PATH, "user_code": user_code[:32], "notice": notice}
    return View("device_entry.html", values, lang, switch=PATH)


def confirm_view(
    interaction: Interaction, server: AuthorizationServer, code: str, token: str
) -> View:
    """The code and who asks for what, and the question: is this the code on your device?"""
    values = {
        "action": f"{PATH}/confirm",
        "user_code": code,
        "token": token,
        "asking": asking(server, interaction),
    }
    return View("device_confirm.html", values, interaction.lang, switch=f"{PATH}?user_code={code}")


def show(server: AuthorizationServer, user_code: str | None, ip: str) -> Answer:
    """``GET /device``: the empty form, or (``verification_uri_complete``) the confirmation page."""
    if user_code is None:
        return page(entry_view())
    return _look_up(server, user_code, ip, confirm=True)


def submit(server: AuthorizationServer, user_code: str, ip: str) -> Answer:
    """``POST /device``: a right code goes on to its confirmation page (303); a wrong one is the
    form again with its message."""
    return _look_up(server, user_code, ip, confirm=False)


def _look_up(server: AuthorizationServer, user_code: str, ip: str, confirm: bool) -> Answer:
    settings, now = server.settings, server.clock.now()
    window = settings.login_rate_window
    retry = lockout.address_retry_after(server.store, RATE_KIND, ip, window, now=now)
    if retry:
        return page(entry_view(user_code, TOO_MANY), 429).with_header("Retry-After", str(retry))
    interaction = find_by_user_code(server, user_code)
    code = normalised(user_code)
    if interaction is None or code is None:
        limit = settings.user_code_rate_per_ip
        lockout.count_address_failure(server.store, RATE_KIND, ip, limit, window, now=now)
        return page(entry_view(user_code, WRONG), 400)
    if not confirm:
        return redirect(f"{PATH}?user_code={shown(code)}")
    token = secrets.token_urlsafe(24)
    answer = page(confirm_view(interaction, server, shown(code), token))
    return answer.with_cookie(_entry_cookie(server, token))


def confirm(
    server: AuthorizationServer,
    user_code: str,
    tokens: tuple[str, str],
    decision: str,
    browser: LoginSession | None,
    lang: str,
) -> Answer:
    """``POST /device/confirm`` (``tokens``: the cookie's and the form's): this browser takes the
    request on, in language ``lang``, or (``decision`` other than ``confirm``) refuses it."""
    cookie, posted = tokens
    interaction = find_by_user_code(server, user_code)
    if not cookie or not same_token(cookie, posted) or interaction is None:
        return page(entry_view(user_code, WRONG), 400)
    forget_user_code(server, user_code)
    if decision != CONFIRM:
        server.interactions.finish(interaction, Denied("not the citizen's device"))
        return page(device_done_view(True, Shown(interaction.lang)))
    interaction.lang = interaction.lang or lang
    bound = server.interactions.bind_browser(interaction, browser.sid if browser else None)
    if bound is None:
        return page(entry_view(user_code, CLAIMED), 409)
    answer = to_step(bound.uid).with_cookie(binding_cookie(server.settings, bound))
    return answer.with_cookie(Cookie(ENTRY_COOKIE, None, path=PATH))


def _entry_cookie(server: AuthorizationServer, token: str) -> Cookie:
    secure = server.settings.issuer.startswith("https://")
    ttl = server.settings.device_code_ttl
    return Cookie(ENTRY_COOKIE, token, max_age=ttl, path=PATH, secure=secure)
