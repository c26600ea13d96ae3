"""The HTML of the interaction: login, consent and error pages, Vietnamese first, plain forms.

Field names follow PRODUCT.md: ``username`` (the PIN), ``password``; consent submits ``decision`` =
``approve`` or ``deny``. Every form carries a hidden ``csrf`` token. Every value is escaped.
"""

from html import escape

from idp.population_db.personas import PERSONAS


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · VNeID (SANDBOX)</title></head><body>"
        "<p><strong>SANDBOX — dữ liệu giả lập / synthetic data</strong></p>"
        f"{body}</body></html>"
    )


def login_page(action: str, csrf: str, pin: str = "", error: str | None = None) -> str:
    message = f'<p role="alert">{escape(error)}</p>' if error else ""
    personas = "".join(
        f'<li><a href="?login_hint={escape(p.pin)}">{escape(p.full_name)} ({escape(p.key)})</a></li>'
        for p in PERSONAS
        if p.account_level
    )
    return _page(
        "Đăng nhập",
        f"<h1>Đăng nhập bằng tài khoản định danh điện tử</h1><p lang='en'>Log in with VNeID</p>"
        f'{message}<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<label>Số định danh cá nhân (PIN) <input name="username" value="{escape(pin)}" '
        'inputmode="numeric" autocomplete="username" required></label>'
        '<label>Mật khẩu (password) <input name="password" type="password" '
        'autocomplete="current-password" required></label>'
        '<button type="submit">Đăng nhập / Log in</button></form>'
        f"<h2>Công dân thử nghiệm / Test personas</h2><ul>{personas}</ul>",
    )


def consent_page(action: str, csrf: str, client_name: str, purpose: str, scopes: list[str]) -> str:
    items = "".join(f"<li>{escape(s)}</li>" for s in scopes)
    return _page(
        "Chia sẻ thông tin",
        f"<h1>{escape(client_name)} yêu cầu chia sẻ thông tin</h1><p>{escape(purpose)}</p>"
        f"<ul>{items}</ul>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button type="submit" name="decision" value="approve">Đồng ý / Approve</button>'
        '<button type="submit" name="decision" value="deny">Từ chối / Deny</button></form>',
    )


def error_page(error: str, description: str | None) -> str:
    return _page(
        "Lỗi",
        "<h1>Yêu cầu không hợp lệ / Invalid request</h1>"
        f"<p><code>{escape(error)}</code></p><p>{escape(description or '')}</p>",
    )


def logout_confirm_page(action: str, csrf: str) -> str:
    return _page(
        "Đăng xuất",
        "<h1>Đăng xuất khỏi VNeID?</h1><p lang='en'>Log out of VNeID?</p>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button type="submit">Đăng xuất / Log out</button></form>',
    )


def logged_out_page() -> str:
    return _page("Đã đăng xuất", "<h1>Bạn đã đăng xuất.</h1><p lang='en'>You are logged out.</p>")
