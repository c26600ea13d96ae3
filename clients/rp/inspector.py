"""The flow inspector's record: every step of a sign-in as the app saw it, kept in the browser's session,
for the page (``/inspector``, ``templates/inspector.html``) a workshop can project and for scripts
(``/inspector.json``).

Steps: the authorization request (OAuth 2.0 RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1) with each
parameter explained; the callback (§4.1.2, RFC 9207 ``iss``); the token response (§4.1.4); the ID token
(Core §2, §3.1.3.7): its JWE header when encrypted, its JWS header, claims and the result of the
signature check; userinfo (Core §5.3); logout steps; for a back-channel authentication (CIBA Core 1.0:
the bank's counter) the request to ``/bc-authorize`` and its answer, then the polls; for a chip card
on a reader (:mod:`clients.rp.chip_reading`) the reader session, each file read, the Active
Authentication, the app's own passive authentication, the camera's photo, the service's token and
answer. Tokens (codes, access, refresh and ID tokens, an
``id_token_hint``) are shortened once, when a step is recorded, to their ends and their true length.
Only the last few flows are kept. A flow's ``purpose`` is a key of the inspector's catalogue
(``inspector.purposes.<purpose>``); its ``details`` are the values that message names (an amount).
"""

import time
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

SESSION_KEY = "inspector"
KEEP_FLOWS = 5
TOKEN_NAMES = ("access_token", "refresh_token", "id_token", "code", "id_token_hint", "auth_req_id")


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


def start_flow(
    session: dict[str, Any],
    state: str,
    purpose: str,
    url: str,
    details: dict[str, int | str] | None = None,
) -> None:
    """A new flow whose first step is the authorization request at ``url``."""
    flows: list[dict[str, Any]] = session.setdefault(SESSION_KEY, [])
    flow = {"state": state, "purpose": purpose, "details": details or {}, "started_at": time.time()}
    flows.append({**flow, "steps": []})
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
    flow = {"state": "", "purpose": "logout", "details": {}, "started_at": time.time()}
    flows.append({**flow, "steps": [step]})
    del flows[:-KEEP_FLOWS]


def flows_of(session: dict[str, Any]) -> list[dict[str, Any]]:
    flows: list[dict[str, Any]] = session.get(SESSION_KEY, [])
    return flows


def start_server_flow(
    session: dict[str, Any],
    key: str,
    purpose: str,
    details: dict[str, int | str] | None = None,
) -> None:
    """A flow with no browser redirect (a back-channel authentication, a card placed on a reader),
    with no step yet; ``key`` stands for the ``state`` a redirect flow has."""
    flows: list[dict[str, Any]] = session.setdefault(SESSION_KEY, [])
    flow = {"state": key, "purpose": purpose, "details": details or {}, "started_at": time.time()}
    flows.append({**flow, "steps": []})
    del flows[:-KEEP_FLOWS]


def start_backchannel_flow(
    session: dict[str, Any], key: str, purpose: str, request: dict[str, Any]
) -> None:
    """A back-channel authentication (CIBA Core §7): its first step is the request the app's server
    sent (``endpoint``, ``auth_method``, ``parameters``, ``response``)."""
    start_server_flow(session, key, purpose)
    record(session, key, "backchannel_request", request)
