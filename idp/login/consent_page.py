"""The consent page (trang đồng ý chia sẻ thông tin), PRODUCT.md "Consent and disclosure".

The page names the client (its registered ``client_name``), its ``purpose``, the authentication level it
asked for (``acr_values``, or an ``acr`` in the ``claims`` parameter) and every data item asked for in
plain Vietnamese, or English (``ui_locales``, or the language link: no JavaScript needed). ``openid`` is
always shared; every other scope is a checkbox named ``scope``, ticked by default. The form posts
``decision`` = ``approve`` or ``deny`` with the interaction's CSRF token. Every value is escaped.
"""

from html import escape

from idp.oidc.catalogue import SCOPES_BY_NAME
from idp.oidc.clients import Client
from idp.oidc.untrusted_input import loads

ALWAYS = "openid"
TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Chia sẻ thông tin",
        "heading": "{client} đề nghị bạn chia sẻ thông tin",
        "purpose": "Mục đích",
        "level": "Mức độ xác thực yêu cầu",
        "no_level": "không yêu cầu (mức 1 trở lên)",
        "items": "Thông tin được chia sẻ (bỏ chọn mục bạn không muốn chia sẻ)",
        "always": "luôn được chia sẻ",
        "before": "đã đồng ý trước đây",
        "level2": "chỉ cung cấp cho tài khoản định danh điện tử mức 2, xác thực từ mức 3",
        "approve": "Đồng ý",
        "deny": "Từ chối",
        "switch": "English",
    },
    "en": {
        "title": "Share information",
        "heading": "{client} asks you to share information",
        "purpose": "Purpose",
        "level": "Authentication level asked for",
        "no_level": "none (level 1 or above)",
        "items": "Information to share (untick what you do not want to share)",
        "always": "always shared",
        "before": "shared before",
        "level2": "only for a level-2 e-identification account, authenticated at level 3 or above",
        "approve": "Approve",
        "deny": "Deny",
        "switch": "Tiếng Việt",
    },
}


def consent_body(
    uid: str,
    csrf: str,
    client: Client,
    scopes: list[str],
    before: set[str],
    level: str | None,
    lang: str,
) -> str:
    """The page's content: who asks, why, at which level, for what; the form."""
    text = TEXTS[lang]
    name = str(client.metadata.get("client_name") or client.client_id)
    purpose = str(client.metadata.get("purpose") or "")
    other = "en" if lang == "vi" else "vi"
    items = "".join(_item(scope, scope in before, text, lang) for scope in scopes)
    return (
        f'<p><a href="/interaction/{escape(uid)}/consent?ui_locales={other}" '
        f'hreflang="{other}" lang="{other}">{text["switch"]}</a></p>'
        f"<h1>{escape(text['heading'].format(client=name))}</h1>"
        f"<p>{text['purpose']}: {escape(purpose)}</p>"
        f"<p>{text['level']}: <strong>{escape(level or text['no_level'])}</strong></p>"
        f'<form method="post" action="/interaction/{escape(uid)}/consent">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f"<fieldset><legend>{text['items']}</legend><ul>{items}</ul></fieldset>"
        f'<button type="submit" name="decision" value="approve">{text["approve"]}</button> '
        f'<button type="submit" name="decision" value="deny">{text["deny"]}</button></form>'
    )


def _item(scope: str, shared_before: bool, text: dict[str, str], lang: str) -> str:
    entry = SCOPES_BY_NAME.get(scope)
    label = scope if entry is None else (entry.vietnamese if lang == "vi" else entry.english)
    notes = [text["before"]] if shared_before else []
    if entry is not None and entry.level == 2:
        notes.append(text["level2"])
    note = f" <small>({escape('; '.join(notes))})</small>" if notes else ""
    if scope == ALWAYS:
        return f"<li>{escape(label)} <small>({text['always']})</small></li>"
    field = f"scope-{escape(scope)}"
    return (
        f'<li><input type="checkbox" name="scope" value="{escape(scope)}" id="{field}" checked> '
        f'<label for="{field}">{escape(label)}</label>{note}</li>'
    )


def requested_level(params: dict[str, str]) -> str | None:
    """The level the client asked for: ``acr_values``, else the ``claims`` parameter's ``acr``."""
    if acr_values := params.get("acr_values"):
        return acr_values
    try:
        claims = loads(params.get("claims") or "{}")
        acr = claims.get("id_token", {}).get("acr") or claims.get("userinfo", {}).get("acr")
    except (ValueError, AttributeError):
        return None
    if not isinstance(acr, dict):
        return None
    if isinstance(acr.get("value"), str):
        return str(acr["value"])
    values = acr.get("values")
    return " ".join(str(v) for v in values) if isinstance(values, list) and values else None
