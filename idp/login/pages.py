"""The pages of the interaction's first step and of its edges (trang đăng nhập): the login form, the
error page, the too-many-attempts page, the end of a device request, the logout confirmation and the
logged-out page, as
:class:`~idp.oidc.answer.View` values that the web layer renders from its templates.

Every page of an interaction says who is asking and what for (:class:`Asking`: the client's name, the
level it asks for, its purpose), so the citizen knows which service they are logging in to. Field names
follow PRODUCT.md: ``username`` (the PIN), ``password``; every form carries the hidden ``csrf`` token.
"""

import functools
from dataclasses import dataclass

from idp.login.qr_login import QrOffer
from idp.oidc.answer import View
from idp.population_db.codes import AccountStatus
from idp.population_db.personas import PERSONAS


@dataclass(frozen=True)
class Asking:
    """Who asks the citizen to log in and for what: ``service`` (the client's name; None for the
    citizen's own account page), the ``acr`` it asks for, whether it needs a level-2 account, and its
    ``purpose`` (the request's, OpenID Connect for Identity Assurance 1.0 §8, else the client's). The
    ``_en`` values are the client's English ones (``client_name#en``, ``purpose#en``: RFC 7591 §2.2),
    shown on the English pages when the client registered them."""

    service: str | None
    acr: str
    level2: bool = False
    purpose: str = ""
    service_en: str = ""
    purpose_en: str = ""


@dataclass(frozen=True)
class Shown:
    """How the interaction's pages are shown: the language (None: the browser's) and ``display``."""

    lang: str | None
    display: str = "page"


@dataclass(frozen=True)
class PersonaEntry:
    """A persona in the login page's picker: name, PIN, account level (None: no account), locked."""

    name: str
    pin: str
    level: int | None
    locked: bool


@functools.cache
def personas() -> tuple[PersonaEntry, ...]:
    """The persona picker's entries (the personas never change: built once)."""
    return tuple(
        PersonaEntry(p.full_name, p.pin, p.account_level, p.account_status is AccountStatus.LOCKED)
        for p in PERSONAS
    )


def login_view(
    uid: str,
    csrf: str,
    asking: Asking,
    shown: Shown,
    password: str,
    pin: str = "",
    notice: str = "",
    qr: QrOffer | None = None,
    phone_only: bool = False,
) -> View:
    """The first step of every login: PIN and password, the persona picker, a cancel button, and the
    QR code to scan with the VNeID app (``qr``); ``phone_only`` (a level only the app reaches): the
    QR code alone. ``password`` is the sandbox's public password, shown as the hint."""
    values = {
        "qr": qr,
        "phone_only": phone_only,
        "password": password,
        "base": f"/interaction/{uid}",
        "csrf": csrf,
        "asking": asking,
        "pin": pin,
        "notice": notice,
        "personas": personas(),
    }
    return View("login.html", values, shown.lang, shown.display, f"/interaction/{uid}")


def error_view(
    error: str, description: str | None, reason: str = "", lang: str | None = None
) -> View:
    """The error page: what went wrong in words (``reason``, else the OAuth ``error`` code), with the
    protocol's own code and description for the developer."""
    values = {"error": error, "description": description or "", "reason": reason}
    return View("error.html", values, lang)


def expired_view(lang: str | None = None) -> View:
    """The interaction is unknown, expired, finished, or another browser's."""
    return error_view("invalid_request", "The interaction expired or is unknown.", "expired", lang)


def device_done_view(refused: bool, shown: Shown) -> View:
    """The end of a device request (RFC 8628) in the browser: there is no client to redirect to, so
    the citizen is told to return to their device, or that the request was refused."""
    return View("device_done.html", {"refused": refused}, shown.lang, shown.display)


def logout_confirm_view(action: str, csrf: str) -> View:
    return View("logout_confirm.html", {"action": action, "csrf": csrf})


def logged_out_view() -> View:
    return View("logged_out.html", {})
