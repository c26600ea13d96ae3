"""Which language a page is shown in when the page itself does not say (the interaction keeps its own):
the one the request asks for (``?lang=`` from the language switch, or ``ui_locales``), else the one the
browser chose before (the ``vneid_lang`` cookie, set by the switch), else Vietnamese. The browser's
``Accept-Language`` is not consulted: a Vietnamese service answers in Vietnamese until asked otherwise.
"""

from starlette.requests import Request
from starlette.responses import Response

from idp.oidc.ui_locales import DEFAULT
from idp.oidc.ui_locales import spoken

LANG_COOKIE = "vneid_lang"
YEAR = 365 * 24 * 3600


def asked_language(request: Request) -> str | None:
    """The language the request asks for by ``?lang=`` or ``?ui_locales=``, if we speak it."""
    query = request.query_params
    return spoken(query.get("lang", "")[:16]) or spoken(query.get("ui_locales", "")[:64])


def preferred_language(request: Request) -> str:
    """The language asked for, else the one chosen before, else Vietnamese."""
    return asked_language(request) or spoken(request.cookies.get(LANG_COOKIE, "")[:8]) or DEFAULT


def remember_language(request: Request, response: Response) -> None:
    """Keep the language a ``?lang=`` switch chose for the browser's later pages."""
    if (chosen := spoken(request.query_params.get("lang", "")[:16])) is not None:
        response.set_cookie(LANG_COOKIE, chosen, max_age=YEAR, httponly=True, samesite="lax")
