"""The consent page (trang đồng ý chia sẻ thông tin), PRODUCT.md "Consent and disclosure".

The page names the client (its registered ``client_name``), its ``purpose``, the authentication level it
asked for (``acr_values``, or an ``acr`` in the ``claims`` parameter) and every data item asked for in
plain Vietnamese, or English (``ui_locales``, or the language link: no JavaScript needed). ``openid`` is
always shared; every other scope is a checkbox named ``scope``, ticked by default. The form posts
``decision`` = ``approve`` or ``deny`` with the interaction's CSRF token.
"""

from dataclasses import dataclass

from idp.login.pages import Asking
from idp.login.pages import Shown
from idp.oidc.answer import View
from idp.oidc.catalogue import SCOPES_BY_NAME

ALWAYS = "openid"


def consent_view(
    uid: str, csrf: str, asking: Asking, shown: Shown, scopes: list[str], before: set[str]
) -> View:
    """Who asks, why, at which level, for what; the form."""
    items = [_item(scope, scope in before) for scope in scopes]
    base = f"/interaction/{uid}"
    values = {"base": base, "csrf": csrf, "asking": asking, "items": items}
    return View("consent.html", values, shown.lang, shown.display, base)


@dataclass(frozen=True)
class Item:
    """A data item on the consent page: its scope, its words in each language, whether it was shared
    before, whether only a level-2 account gets it, whether it is always shared (``openid``)."""

    scope: str
    vi: str
    en: str
    before: bool
    level2: bool
    always: bool


def _item(scope: str, shared_before: bool) -> Item:
    entry = SCOPES_BY_NAME.get(scope)
    return Item(
        scope,
        scope if entry is None else entry.vietnamese,
        scope if entry is None else entry.english,
        shared_before,
        entry is not None and entry.level == 2,
        scope == ALWAYS,
    )
