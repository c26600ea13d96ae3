"""CSRF protection of the apps' forms: a random token per browser session, in a hidden field named
``csrf``, compared in constant time (OWASP synchronizer token pattern)."""

import hmac
import secrets
from typing import Any

from fastapi import HTTPException

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
        raise HTTPException(403, "Phiên biểu mẫu không hợp lệ / invalid form token (CSRF).")


def csrf_field(session: dict[str, Any]) -> str:
    return f'<input type="hidden" name="csrf" value="{csrf_token(session)}">'
