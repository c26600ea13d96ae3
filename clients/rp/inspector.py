"""The flow inspector: every step of a sign-in as the app saw it, kept in the browser's session and
rendered as a page (``/inspector``) a workshop can project, in Vietnamese and English.

Steps: the authorization request (OAuth 2.0 RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1) with each
parameter explained; the callback (§4.1.2, RFC 9207 ``iss``); the token response (§4.1.4); the ID token
(Core §2, §3.1.3.7): its JWE header when encrypted, its JWS header, claims and the result of the
signature check; userinfo (Core §5.3); logout steps. Tokens (codes, access, refresh and ID tokens, an
``id_token_hint``) are shortened once, when a step is recorded, to their ends and their true length.
Only the last few flows are kept.
"""

import json
import time
from html import escape
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

from clients.rp.explanations import CLAIMS
from clients.rp.explanations import ERRORS
from clients.rp.explanations import PARAMETERS
from clients.rp.explanations import TOKEN_FIELDS
from clients.rp.explanations import Gloss
from clients.rp.explanations import gloss

SESSION_KEY = "inspector"
KEEP_FLOWS = 5
TOKEN_NAMES = ("access_token", "refresh_token", "id_token", "code", "id_token_hint")
TITLES: dict[str, Gloss] = {
    "authorization_request": ("1. Yêu cầu ủy quyền", "1. Authorization request"),
    "callback": ("2. VNeID chuyển hướng về (callback)", "2. Callback from VNeID"),
    "token_response": ("3. Phản hồi từ token endpoint", "3. Token response"),
    "id_token": ("4. ID token đã giải mã", "4. Decoded ID token"),
    "userinfo": ("5. Userinfo", "5. Userinfo"),
    "result": ("Kết quả", "Result"),
    "logout_request": ("Đăng xuất tại VNeID (RP-initiated)", "Logout at VNeID (RP-initiated)"),
}


def shorten(value: str) -> str:
    """A token as a workshop may show it: its ends and its length."""
    if len(value) <= 24:
        return value
    return f"{value[:12]}…{value[-6:]} ({len(value)} ký tự / chars)"


def shortened(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its tokens shortened: done once, when a step is recorded (shortening a shortened
    token would show the length of the shortened text)."""
    return {
        k: shorten(v) if k in TOKEN_NAMES and isinstance(v, str) else v for k, v in data.items()
    }


def start_flow(session: dict[str, Any], state: str, purpose: str, url: str) -> None:
    """A new flow whose first step is the authorization request at ``url``."""
    flows: list[dict[str, Any]] = session.setdefault(SESSION_KEY, [])
    flows.append({"state": state, "purpose": purpose, "started_at": time.time(), "steps": []})
    del flows[:-KEEP_FLOWS]
    endpoint = url.split("?", 1)[0]
    params = shortened(dict(parse_qsl(urlsplit(url).query)))  # an id_token_hint is a token too
    record(session, state, "authorization_request", {"endpoint": endpoint, "parameters": params})


def record(session: dict[str, Any], state: str, step: str, data: dict[str, Any]) -> None:
    """Add a step to the flow of ``state`` (ignored if that flow was dropped)."""
    for flow in reversed(session.get(SESSION_KEY, [])):
        if flow["state"] == state:
            flow["steps"].append({"step": step, "at": time.time(), "data": data})
            return


def record_logout(session: dict[str, Any], url: str) -> None:
    """RP-initiated logout as a flow of its own."""
    params = shortened(dict(parse_qsl(urlsplit(url).query)))
    flows: list[dict[str, Any]] = session.setdefault(SESSION_KEY, [])
    step = {"step": "logout_request", "at": time.time(), "data": {"parameters": params}}
    flows.append({"state": "", "purpose": "logout", "started_at": time.time(), "steps": [step]})
    del flows[:-KEEP_FLOWS]


def flows_of(session: dict[str, Any]) -> list[dict[str, Any]]:
    flows: list[dict[str, Any]] = session.get(SESSION_KEY, [])
    return flows


def render(session: dict[str, Any]) -> str:
    """The inspector's body: newest flow first."""
    flows = flows_of(session)
    if not flows:
        return (
            "<p>Chưa có luồng nào. Hãy đăng nhập. "
            "<span lang='en'>No flow yet: log in first.</span></p>"
        )
    return "".join(_flow(flow) for flow in reversed(flows))


def _flow(flow: dict[str, Any]) -> str:
    when = time.strftime("%H:%M:%S", time.localtime(flow["started_at"]))
    steps = "".join(_step(step) for step in flow["steps"])
    return (
        f"<section class='flow'><h2>{escape(str(flow['purpose']))} · {when}</h2>{steps}</section>"
    )


def _step(step: dict[str, Any]) -> str:
    vi, en = TITLES.get(step["step"], (step["step"], step["step"]))
    data: dict[str, Any] = step["data"]
    body = {
        "authorization_request": _authorization,
        "callback": _callback,
        "token_response": _token_response,
        "id_token": _id_token,
        "logout_request": _logout,
    }.get(step["step"], _json_body)(data)
    return (
        f"<article class='step' data-step='{escape(step['step'])}'>"
        f"<h3>{escape(vi)} <span lang='en'>/ {escape(en)}</span></h3>{body}</article>"
    )


def _table(rows: dict[str, Any], glosses: dict[str, Gloss]) -> str:
    lines = []
    for name, value in rows.items():
        vi, en = gloss(glosses, name)
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(
            f"<tr><th scope='row'><code>{escape(name)}</code></th><td><code>{escape(shown)}</code>"
            f"</td><td>{escape(vi)}<br><span lang='en' class='en'>{escape(en)}</span></td></tr>"
        )
    head = "<tr><th>tham số / name</th><th>giá trị / value</th><th>ý nghĩa / meaning</th></tr>"
    return f"<table>{head}{''.join(lines)}</table>"


def _json(value: Any) -> str:
    return f"<pre>{escape(json.dumps(value, ensure_ascii=False, indent=2))}</pre>"


def _json_body(data: dict[str, Any]) -> str:
    return _json(data)


def _authorization(data: dict[str, Any]) -> str:
    return (
        f"<p>GET <code>{escape(str(data['endpoint']))}</code></p>"
        f"{_table(data['parameters'], PARAMETERS)}"
    )


def _callback(data: dict[str, Any]) -> str:
    params: dict[str, Any] = data["parameters"]
    error = str(params.get("error", ""))
    explained = ""
    if error:
        vi, en = gloss(ERRORS, error)
        explained = f"<p role='alert'>{escape(vi)} <span lang='en'>{escape(en)}</span></p>"
    return explained + _table(params, PARAMETERS)


def _token_response(data: dict[str, Any]) -> str:
    return (
        f"<p>POST <code>{escape(str(data['endpoint']))}</code> · "
        f"client authentication: <code>{escape(str(data['auth_method']))}</code></p>"
        f"{_table(data['response'], TOKEN_FIELDS)}"
    )


def _id_token(data: dict[str, Any]) -> str:
    parts = []
    if data.get("jwe_header"):
        parts.append(
            "<h4>JWE header (giải mã bằng khóa riêng của ứng dụng / decrypted with the app's key)"
            f"</h4>{_json(data['jwe_header'])}"
        )
    verdict = str(data["signature"])
    css = "ok" if verdict.startswith("valid") else "bad"
    parts.append(f"<h4>JWS header</h4>{_json(data['header'])}")
    parts.append(
        f"<p class='{css}'>Chữ ký / signature: <strong>{escape(verdict)}</strong></p>"
        f"<h4>Claims</h4>{_table(data['claims'], CLAIMS)}"
    )
    return "".join(parts)


def _logout(data: dict[str, Any]) -> str:
    return _table(data["parameters"], PARAMETERS)
