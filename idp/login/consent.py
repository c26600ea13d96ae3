"""The consent page (trang đồng ý chia sẻ thông tin) and its decision, PRODUCT.md "Consent and disclosure".

The page names the client (its registered ``client_name``), its ``purpose``, the authentication level it
asked for (``acr_values``, or an ``acr`` in the ``claims`` parameter) and every data item asked for in
plain Vietnamese, or English (``ui_locales``, or the language link: no JavaScript needed). ``openid`` is
always shared; every other scope is a checkbox named ``scope``, ticked by default. The form posts
``decision`` = ``approve`` or ``deny`` with a CSRF token bound to the interaction. What was ticked is
remembered (:mod:`idp.state.consents`) and becomes the scope of the resumed authorization request, hence
of the code and the token response (partial consent). The decision's response is the authorization
response itself (a 303 to the client, or its ``form_post`` page), with no detour through
``/authorize/resume``.
"""

from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import HTMLResponse
from starlette.responses import RedirectResponse
from starlette.responses import Response

from idp.deps import InteractionBindingDep
from idp.deps import LoginSessionDep
from idp.deps import ServerDep
from idp.deps import binding_of
from idp.deps import plain_route
from idp.deps import read_form
from idp.deps import server_of
from idp.deps import session_of
from idp.login import interaction
from idp.login.pages import layout
from idp.login.pages import page_language
from idp.login.session import LoginSession
from idp.oidc.authorization import answer_before_consent
from idp.oidc.authorization import answer_interaction
from idp.oidc.catalogue import SCOPES_BY_NAME
from idp.oidc.clients import Client
from idp.oidc.server import AuthorizationServer
from idp.oidc.untrusted_input import loads
from idp.state.consents import granted_scopes
from idp.state.consents import remember

router = APIRouter(include_in_schema=False)  # HTML pages: the OpenAPI schema is the JSON API
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


def consent_response(
    server: AuthorizationServer,
    uid: str,
    record: dict[str, Any],
    session: LoginSession,
    ui_locales: str | None = None,
) -> Response:
    """The consent page, or straight back to the protocol when consent is remembered."""
    client = server.query_client(record["client_id"]) if record.get("client_id") else None
    if client is None:  # an interaction for the account page, not for a client
        target = interaction.safe_return_to(record)
        return RedirectResponse(target, status_code=303) if target else interaction.gone()
    scopes = record["scope"].split()
    before = granted_scopes(server.engine, session.pin, client.client_id)
    remembered = not record.get("force_consent") and set(scopes) <= before
    if remembered or answer_before_consent(server, record, client, session):
        return RedirectResponse(f"/authorize/resume/{uid}", status_code=303)
    params = dict(record["params"])
    chosen = ui_locales or record.get("lang") or params.get("ui_locales", "")
    lang = page_language(chosen)
    body = consent_body(uid, record["csrf"], client, scopes, before, _level(params), lang)
    return HTMLResponse(layout(TEXTS[lang]["title"], body, lang, params.get("display", "")))


@router.get("/interaction/{uid}/consent")
async def consent_page(
    uid: str,
    server: ServerDep,
    session: LoginSessionDep,
    binding: InteractionBindingDep,
    ui_locales: str = "",
) -> Response:
    record = interaction.load(server, uid, binding)
    if record is None or session is None or record.get("sid") != session.sid:
        return interaction.gone()
    return consent_response(server, uid, record, session, ui_locales[:64])


@plain_route(router, "/interaction/{uid}/consent", ["POST"])
async def consent(request: Request) -> Response:
    """The decision: fields ``decision`` (approve, deny), ``csrf`` and each ticked ``scope``."""
    uid = request.path_params["uid"]
    server = server_of(request)
    form = await read_form(request)
    decision, csrf, scope = form.get("decision", 16), form.get("csrf", 64), form.getlist("scope")
    session = session_of(request, server)
    record = interaction.load(server, uid, binding_of(request), csrf)
    if record is None or session is None or record.get("sid") != session.sid:
        return interaction.gone()
    if not record.get("client_id"):
        return interaction.gone()
    if decision == "approve":
        requested = record["scope"].split()
        granted = [s for s in requested if s == ALWAYS or s in scope]
        remember(server.engine, session.pin, record["client_id"], requested, granted, session.acr)
        record["consented"] = True
        record["params"] = [
            [k, " ".join(granted) if k == "scope" else v] for k, v in record["params"]
        ]
    else:
        record["denied"] = True
    # Answered here rather than by a redirect to /authorize/resume: one request less per login. Taken
    # first, so that of two submits (two tabs, a double click) only one gets the answer.
    if server.store.take(f"interaction:{uid}") is None:
        return interaction.gone()
    return answer_interaction(server, record, session)


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


def _level(params: dict[str, str]) -> str | None:
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
