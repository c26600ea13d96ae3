"""The sandbox's own pages: the mock SMS inbox, where one-time codes arrive.

``GET /sandbox/sms`` lists each phone's messages, newest first (``?phone=+84…`` for one phone);
``GET /sandbox/sms.json?phone=+84…`` gives the same as JSON for tests, with the 6-digit ``code`` of
each message. Synthetic phones only; nothing leaves the machine.
"""

import re
from datetime import UTC
from datetime import datetime
from html import escape
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Query
from starlette.responses import HTMLResponse

from idp.deps import ServerDep
from idp.login.pages import layout
from idp.login.sms_inbox import messages

router = APIRouter(prefix="/sandbox", include_in_schema=False)
CODE = re.compile(r"\b(\d{6})\b")
PhoneQuery = Annotated[str, Query(max_length=20)]


def _code(body: str) -> str | None:
    found = CODE.search(body)
    return found.group(1) if found else None


@router.api_route("/sms.json", methods=["GET", "HEAD"])
async def inbox_json(server: ServerDep, phone: PhoneQuery = "") -> dict[str, Any]:
    found = messages(server.engine, phone or None)
    return {
        "messages": [
            {"phone": m.phone, "body": m.body, "sent_at": m.sent_at, "code": _code(m.body)}
            for m in found
        ]
    }


@router.api_route("/sms", methods=["GET", "HEAD"])
async def inbox_page(server: ServerDep, phone: PhoneQuery = "") -> HTMLResponse:
    rows = "".join(
        f"<tr><td>{escape(m.phone)}</td>"
        f"<td>{datetime.fromtimestamp(m.sent_at, UTC):%Y-%m-%d %H:%M:%S} UTC</td>"
        f"<td>{escape(m.body)}</td></tr>"
        for m in messages(server.engine, phone or None)
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
    return HTMLResponse(layout("Hộp thư SMS", body))
