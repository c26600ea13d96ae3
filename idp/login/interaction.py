"""The interaction record as the login pages see it: load, save, the page language, what comes next.

The record ``interaction:{uid}`` is written by the authorization endpoint (or by the account page, with
``return_to``) and carries the request's ``params``, ``client_id``, ``scope``, ``csrf``, the
:class:`~idp.oidc.assurance.Requirement` (``requirement``) and, once the citizen is known, the session
``sid``. :func:`next_step` is the whole login state machine: password, then each missing factor, then
done; or an ending page (unmet requirements, refused citizen).
"""

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.responses import HTMLResponse
from starlette.responses import Response

from idp.login.pages import error_page
from idp.login.pages import page_language
from idp.login.session import LoginSession
from idp.oidc.assurance import PASSWORD
from idp.oidc.assurance import Requirement
from idp.oidc.server import AuthorizationServer

Record = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """``login``, a factor (``otp``, ``pin``, ``face``), ``unmet``, ``refused`` or ``done``."""

    kind: str
    reason: str = ""


BINDING_COOKIE = "vneid_interaction"


def start(
    server: AuthorizationServer, record: Record, session: LoginSession | None = None
) -> Response:
    """Store a new interaction and answer with its first page (the server's
    :attr:`~idp.oidc.server.AuthorizationServer.interaction_page`), bound to that browser.

    The first page is the answer itself, as Keycloak's authorization endpoint answers with its login
    form: the browser does not make one more request for it. Every form on it posts to
    ``/interaction/{uid}/…``, and its links point there too.

    The binding is a random value in the record and in an HttpOnly cookie scoped to the interaction's
    path: every page and form of the interaction requires it, so an interaction started in one browser
    cannot be completed from another (login CSRF: an attacker's interaction and CSRF token posted from
    the victim's browser would sign the victim in as the attacker). Path scoping keeps interactions in
    several tabs apart.
    """
    uid = secrets.token_urlsafe(24)
    binding = secrets.token_urlsafe(24)
    record = {**record, "csrf": secrets.token_urlsafe(24), "binding": binding}
    save(server, uid, record)
    page = server.interaction_page
    assert page is not None, "the app factory gives the server its interaction page"
    response = page(server, uid, record, session)
    response.set_cookie(
        BINDING_COOKIE,
        binding,
        max_age=server.settings.interaction_ttl,
        path=f"/interaction/{uid}",
        httponly=True,
        samesite="lax",
        secure=server.settings.issuer.startswith("https://"),
    )
    return response


def load(
    server: AuthorizationServer, uid: str, binding: str, csrf: str | None = None
) -> Record | None:
    """The live record, or None: unknown or expired, another browser's (``binding``, the cookie), or a
    posted ``csrf`` that does not match."""
    record = server.store.get(f"interaction:{uid}")
    if record is None or not same_token(binding, record.get("binding", "")):
        return None
    if csrf is not None and not same_token(csrf, record["csrf"]):
        return None
    return record


def same_token(given: str, expected: str) -> bool:
    """A constant-time comparison of a posted token; as UTF-8 bytes, since
    :func:`hmac.compare_digest` raises on ``str`` with characters outside ASCII."""
    return hmac.compare_digest(given.encode(), expected.encode())


def save(server: AuthorizationServer, uid: str, record: Record) -> None:
    server.store.put(f"interaction:{uid}", record, server.settings.interaction_ttl)


def gone() -> Response:
    return HTMLResponse(error_page("invalid_request", "Phiên đăng nhập đã hết hạn / expired."), 400)


def view(record: Record) -> dict[str, str]:
    """The page language (the switch, else ``ui_locales``) and the requested ``display``."""
    params = dict(record.get("params") or [])
    lang = record.get("lang") or page_language(params.get("ui_locales", ""))
    return {"lang": lang, "display": params.get("display", "")}


def requirement(record: Record) -> Requirement:
    return Requirement(**record.get("requirement", {}))


def next_step(record: Record, session: LoginSession | None) -> Step:
    """What the citizen must do next in this interaction."""
    if record.get("refused"):
        return Step("refused", str(record["refused"]))
    if record.get("unmet_reason"):
        return Step("unmet", str(record["unmet_reason"]))
    if session is None or record.get("sid") != session.sid:
        return Step("login")
    needed = requirement(record)
    if not needed.reachable_by(session.account_level):
        return Step("unmet", "level2")
    missing = needed.missing_factors(session.methods, session.account_level)
    if not missing:
        return Step("done")
    return Step("login") if missing[0] == PASSWORD else Step(missing[0])


def safe_return_to(record: Record) -> str | None:
    """The account page's ``return_to``, only when it is a path of ``/account``."""
    target = record.get("return_to")
    if not isinstance(target, str) or "\\" in target or "//" in target:
        return None
    if target == "/account" or target.startswith(("/account/", "/account?")):
        return target
    return None
