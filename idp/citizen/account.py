"""The citizen's account page, "Tài khoản định danh của tôi" (My e-identification account), at ``/account``:
its content and the withdrawal it offers.

Needs the single sign-on session (cookie); without one the citizen logs in through an interaction that
returns here (the web layer starts it). The page shows the citizen's own data (every scope of :mod:`idp.oidc.catalogue`, never
biometrics), every client they share with (which scopes, since when, at which ``acr``) with a form to
withdraw consent (:mod:`idp.citizen.withdrawal`), and their disclosure history from the audit log
(:mod:`idp.state.audit`). The withdrawal form carries a CSRF token bound to the session (an HMAC of its id
under the subject secret). Vietnamese first, English with ``ui_locales=en``; every value is escaped.
"""

import hashlib
import hmac
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from html import escape
from typing import Any

from idp.citizen.withdrawal import withdraw_consent
from idp.oidc.accounts import find_record
from idp.oidc.catalogue import SCOPES_BY_NAME
from idp.oidc.claims import all_claims
from idp.oidc.disclosure import claims_context
from idp.oidc.interaction import same_token
from idp.oidc.server import AuthorizationServer
from idp.oidc.session import LoginSession
from idp.state.audit import DISCLOSURE
from idp.state.audit import Event
from idp.state.audit import events_for
from idp.state.consents import ClientConsent
from idp.state.consents import consents_of

VIETNAM = timezone(timedelta(hours=7))
TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Tài khoản định danh của tôi",
        "data": "Thông tin của tôi",
        "level": "Mức độ tài khoản",
        "shared": "Dịch vụ tôi đã chia sẻ thông tin",
        "none": "Chưa chia sẻ với dịch vụ nào.",
        "since": "từ",
        "withdraw": "Rút lại sự đồng ý",
        "history": "Lịch sử cung cấp thông tin",
        "empty": "Chưa có lần cung cấp nào.",
        "when": "Thời điểm",
        "client": "Dịch vụ",
        "claims": "Thông tin",
        "switch": "English",
    },
    "en": {
        "title": "My e-identification account",
        "data": "My data",
        "level": "Account level",
        "shared": "Services I share with",
        "none": "You share with no service.",
        "since": "since",
        "withdraw": "Withdraw consent",
        "history": "Disclosure history",
        "empty": "Nothing was disclosed yet.",
        "when": "When",
        "client": "Service",
        "claims": "Claims",
        "switch": "Tiếng Việt",
    },
}


def withdraw(server: AuthorizationServer, session: LoginSession, client_id: str, csrf: str) -> bool:
    """Withdraw the citizen's consent to ``client_id`` if ``csrf`` is the session's; whether it was."""
    if not same_token(csrf, account_csrf(server, session)):
        return False
    withdraw_consent(server, session.pin, client_id)
    return True


def account_csrf(server: AuthorizationServer, session: LoginSession) -> str:
    """The withdrawal form's CSRF token: bound to the session, unguessable without the secret."""
    key = server.settings.subject_secret.get_secret_value().encode()
    return hmac.new(key, f"account-csrf:{session.sid}".encode(), hashlib.sha256).hexdigest()[:43]


def account_body(server: AuthorizationServer, session: LoginSession, lang: str) -> str:
    text = TEXTS[lang]
    other = "en" if lang == "vi" else "vi"
    record = find_record(server.engine, session.pin)
    data = "" if record is None else _own_data(all_claims(record, claims_context(server)), lang)
    consents = consents_of(server.engine, session.pin)
    csrf = account_csrf(server, session)
    clients = "".join(_client(server, c, csrf, text) for c in consents) or f"<p>{text['none']}</p>"
    events = events_for(server.engine, session.pin, DISCLOSURE)
    return (
        f'<p><a href="/account?ui_locales={other}" lang="{other}">{text["switch"]}</a></p>'
        f"<h1>{text['title']}</h1>"
        f"<p>{text['level']}: {session.account_level} · acr {escape(session.acr)}</p>"
        f"<h2>{text['data']}</h2>{data}"
        f"<h2>{text['shared']}</h2>{clients}"
        f"<h2>{text['history']}</h2>{_history(server, events, text)}"
    )


def _own_data(claims: dict[str, dict[str, Any]], lang: str) -> str:
    sections = []
    for scope, values in claims.items():
        entry = SCOPES_BY_NAME[scope]
        title = entry.vietnamese if lang == "vi" else entry.english
        sections.append(f"<section><h3>{escape(title)}</h3>{_render(values)}</section>")
    return "".join(sections)


def _render(value: Any) -> str:
    """Any claim value as HTML: objects as definition lists, lists as ordered lists, all escaped."""
    if isinstance(value, dict):
        items = "".join(f"<dt>{escape(str(k))}</dt><dd>{_render(v)}</dd>" for k, v in value.items())
        return f"<dl>{items}</dl>"
    if isinstance(value, list):
        return "<ol>" + "".join(f"<li>{_render(v)}</li>" for v in value) + "</ol>"
    return escape(str(value))


def _client_name(server: AuthorizationServer, client_id: str | None) -> str:
    client = server.query_client(client_id) if client_id else None
    if client is None:
        return client_id or ""
    return str(client.metadata.get("client_name") or client_id)


def _client(
    server: AuthorizationServer, consent: ClientConsent, csrf: str, text: dict[str, str]
) -> str:
    name = _client_name(server, consent.client_id)
    return (
        f"<section><h3>{escape(name)} <small>({escape(consent.client_id)})</small></h3>"
        f"<p>{escape(', '.join(consent.scopes))} — {text['since']} "
        f"{_when(consent.granted_at)} · acr {escape(consent.acr or '')}</p>"
        '<form method="post" action="/account/withdraw">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="client_id" value="{escape(consent.client_id)}">'
        f'<button type="submit">{text["withdraw"]}</button></form></section>'
    )


def _history(server: AuthorizationServer, events: list[Event], text: dict[str, str]) -> str:
    if not events:
        return f"<p>{text['empty']}</p>"
    rows = "".join(
        f"<tr><td>{_when(e.at)}</td><td>{escape(_client_name(server, e.client_id))}</td>"
        f"<td>{escape(', '.join(e.claims))}</td><td>{escape(e.acr or '')}</td></tr>"
        for e in events
    )
    return (
        f"<table><thead><tr><th>{text['when']}</th><th>{text['client']}</th>"
        f"<th>{text['claims']}</th><th>acr</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _when(at: float) -> str:
    moment = datetime.fromtimestamp(at, UTC).astimezone(VIETNAM)
    return escape(moment.strftime("%Y-%m-%d %H:%M:%S (UTC+7)"))
