"""The sandbox's own pages: the mock SMS inbox, where one-time codes arrive.

``GET /sandbox/sms`` lists each phone's messages, newest first (``?phone=+84…`` for one phone);
``GET /sandbox/sms.json?phone=+84…`` gives the same as JSON for tests, with the 6-digit ``code`` of
each message. Synthetic phones only; nothing leaves the machine.
"""

import re
from datetime import UTC
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy import Engine

from idp.login.pages import layout
from idp.login.sms_inbox import messages

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


def inbox_page(engine: Engine, phone: str) -> str:
    """The inbox as a page, newest first."""
    rows = "".join(
        f"<tr><td>{escape(m.phone)}</td>"
        f"<td>{datetime.fromtimestamp(m.sent_at, UTC):%Y-%m-%d %H:%M:%S} UTC</td>"
        f"<td>{escape(m.body)}</td></tr>"
        for m in messages(engine, phone or None)
    )
    heading = f" — {escape(phone)}" if phone else ""
    body = (
        f"<h1>Hộp thư SMS giả lập{heading}</h1><p lang='en'>Mock SMS inbox (newest first)</p>"
        '<form method="get" action="/sandbox/sms"><label for="phone">Số điện thoại / Phone</label>'
        f'<input id="phone" name="phone" value="{escape(phone)}" inputmode="tel">'
        '<button type="submit">Xem / Show</button></form>'
        '<table><caption>Tin nhắn / Messages</caption><thead><tr><th scope="col">Số / Phone</th>'
        '<th scope="col">Lúc / Sent</th><th scope="col">Nội dung / Text</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    return layout("Hộp thư SMS", body)
