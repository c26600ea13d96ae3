"""The sandbox's own pages: the mock SMS inbox, where one-time codes arrive.

``GET /sandbox/sms`` lists each phone's messages, newest first (``?phone=+84…`` for one phone);
``GET /sandbox/sms.json?phone=+84…`` gives the same as JSON for tests, with the 6-digit ``code`` of
each message. Synthetic phones only; nothing leaves the machine.
"""

import re
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine

from idp.login.sms_inbox import messages
from idp.oidc.answer import View

CODE = re.compile(r"\b(\d{6})\b")


def _code(body: str) -> str | None:
    found = CODE.search(body)
    return found.group(1) if found else None


def inbox_json(engine: Engine, phone: str) -> dict[str, Any]:
    """The inbox as JSON: each message with its 6-digit ``code``."""
    found = messages(engine, phone or None)
    return {
        "messages": [
            {"phone": m.phone, "body": m.body, "sent_at": m.sent_at, "code": _code(m.body)}
            for m in found
        ]
    }


def inbox_view(engine: Engine, phone: str) -> View:
    """The inbox as a page, newest first; the message times are shown in Vietnam's time."""
    found = [
        {"phone": m.phone, "at": m.sent_at, "body": m.body} for m in messages(engine, phone or None)
    ]
    switch = f"/sandbox/sms?phone={quote(phone)}" if phone else "/sandbox/sms"
    return View("sms_inbox.html", {"phone": phone, "messages": found}, switch=switch)
