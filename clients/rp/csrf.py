"""CSRF protection of the apps' forms: a random token per browser session, in a hidden field named
``csrf`` (the templates' ``csrf_token()``), compared in constant time (OWASP synchronizer token pattern)."""

import hmac
import secrets
from typing import Any

from clients.rp.errors import PageError

SESSION_KEY = "csrf"


def csrf_token(session: dict[str, Any]) -> str:
    """The session's token (created on first use)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = session[SESSION_KEY] = secrets.token_urlsafe(24)
    return token


def check_csrf(session: dict[str, Any], submitted: str) -> None:
    """403 unless ``submitted`` is the session's token."""
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not hmac.compare_digest(expected, submitted):
        raise PageError(403, "rp.errors.csrf")
