"""The HTML frame the three apps share: the SANDBOX banner, the app's header with sign-in state, the
inspector link, and the error page. Vietnamese first with English glosses; every value is escaped
(``html.escape``); forms work without JavaScript."""

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from clients.rp.csrf import csrf_field
from clients.rp.explanations import ERRORS
from clients.rp.explanations import gloss
from clients.rp.logins import Login

STYLE = (
    "body{margin:0;font-family:'Segoe UI',Roboto,Arial,sans-serif;background:#f5f6f8;color:#1a1a1a;"
    "line-height:1.5}.sandbox{background:#ffd60a;text-align:center;font-weight:700;padding:.35rem;"
    "border-bottom:2px solid #111}header{color:#fff;padding:.8rem 1.2rem;display:flex;gap:1rem;"
    "justify-content:space-between;align-items:center;flex-wrap:wrap}header a{color:#fff}"
    "header form{display:inline}main{max-width:60rem;margin:1.5rem auto;background:#fff;"
    "padding:1.5rem 2rem;border:1px solid #c9ced6;border-radius:4px}h1{font-size:1.4rem;margin-top:0}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d1d5db;"
    "padding:.35rem .5rem;text-align:left;vertical-align:top}code,pre{font-size:.85rem;"
    "word-break:break-all;white-space:pre-wrap}pre{background:#f3f4f6;padding:.6rem}"
    "button{padding:.5rem 1rem;font-size:1rem;border-radius:3px;border:1px solid #333;cursor:pointer}"
    "label{display:block;margin:.6rem 0 .2rem;font-weight:600}input,select{padding:.4rem;"
    "font-size:1rem}[role=alert]{background:#fde8e8;border-left:4px solid #b91c1c;padding:.6rem}"
    ".note{background:#eef4fb;border-left:4px solid #0b3d6e;padding:.6rem}.en{color:#4b5563}"
    ".ok{color:#166534}.bad{color:#b91c1c}.flow{border-top:3px solid #9ca3af;margin-top:1.5rem}"
    ".step{margin:1rem 0}a:focus,button:focus,input:focus{outline:3px solid #f59e0b}"
)


def layout(
    title: str, app_title: str, color: str, body: str, login: Login | None, session: dict[str, Any]
) -> str:
    """A whole page of an app; ``session`` gives the logout form its CSRF token."""
    if login is not None:
        name = escape(str(login.claim("name") or login.sub[:10]))
        who = (
            f"<span>{name} · <code>{escape(login.acr)}</code> · mức / level "
            f"{login.account_level}</span><form method='post' action='/logout'>{csrf_field(session)}"
            "<button type='submit'>Đăng xuất / Log out</button></form>"
        )
    else:
        who = "<a href='/login'>Đăng nhập bằng VNeID / Log in with VNeID</a>"
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {escape(app_title)}</title><style>{STYLE}</style></head><body>"
        "<div class='sandbox'>SANDBOX — ứng dụng mẫu, dữ liệu giả lập / sample app, synthetic data"
        f"</div><header style='background:{escape(color)}'><strong><a href='/'>{escape(app_title)}"
        f"</a></strong><a href='/inspector'>Trình theo dõi luồng / Flow inspector</a>{who}</header>"
        f"<main>{body}</main></body></html>"
    )


def error_body(error: str, description: str) -> str:
    """Why a sign-in failed, in plain words first, then the protocol's words."""
    vi, en = gloss(ERRORS, error)
    return (
        "<h1>Không thể hoàn tất / Could not complete</h1>"
        f"<p role='alert'>{escape(vi or 'Đã có lỗi.')} <span lang='en'>{escape(en)}</span></p>"
        f"<p>error: <code>{escape(error)}</code></p>"
        f"<p>{escape(description)}</p>"
        "<p><a href='/'>Về trang chủ / Home</a> · <a href='/inspector'>Xem từng bước / "
        "See each step</a></p>"
    )


def render(request: Request, title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """``body`` in the frame of the app serving ``request``."""
    rp = request.app.state.rp
    settings = rp.settings
    html = layout(title, settings.title, settings.color, body, rp.current(request), request.session)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def facts(rows: list[tuple[str, object]]) -> str:
    """A two-column table of labelled values (missing values shown as a dash)."""
    cells = "".join(
        f"<tr><th scope='row'>{escape(label)}</th><td>{escape(str(value) if value else '—')}</td></tr>"
        for label, value in rows
    )
    return f"<table class='facts'>{cells}</table>"
