"""The answers of failing endpoints (lỗi giả lập), for the catalogue's ``token_*``, ``userinfo_*`` and
``jwks_unavailable`` scenarios: the JSON errors of RFC 6749 §5.2 with the status a failing server
gives (500 ``server_error``, 503 and 429 ``temporarily_unavailable`` with ``Retry-After``, RFC 6585
§4 and RFC 9110 §10.2.3) and userinfo's 401 ``invalid_token`` with its ``WWW-Authenticate`` challenge
(RFC 6750 §3.1).
"""

from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.sandbox.scenarios import Pending

RETRY_AFTER = 30
"""Seconds of ``Retry-After`` for ``token_429`` unless the scenario gives its own."""
SLOW = 5.0
"""Seconds ``token_slow`` waits unless the scenario gives its own."""
_DESCRIPTION = "Injected by the sandbox."


def failure(taken: Pending) -> Answer | None:
    """The answer that replaces the endpoint's for ``taken``; None for ``token_slow``, which answers
    normally after :func:`delay` seconds."""
    name = taken.name
    if name == "token_slow":
        return None
    if name in ("token_500", "userinfo_500"):
        return json_answer({"error": "server_error", "error_description": _DESCRIPTION}, 500)
    if name == "userinfo_401":
        challenge = f'Bearer error="invalid_token", error_description="{_DESCRIPTION}"'
        body = {"error": "invalid_token", "error_description": _DESCRIPTION}
        return json_answer(body, 401, [("WWW-Authenticate", challenge)])
    retry = str(round(taken.seconds if taken.seconds is not None else RETRY_AFTER))
    status = 429 if name == "token_429" else 503
    body = {"error": "temporarily_unavailable", "error_description": _DESCRIPTION}
    return json_answer(body, status, [("Retry-After", retry)])


def delay(taken: Pending) -> float:
    """How long ``token_slow`` waits."""
    return taken.seconds if taken.seconds is not None else SLOW
