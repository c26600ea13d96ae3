"""The HTML of the interaction: the page frame, login and error pages, Vietnamese first, plain forms
(the consent page is :mod:`idp.login.consent`).

In Vietnamese (with English glosses) by default, in English when ``ui_locales`` asks for it; the
``display`` value (page, popup, touch, wap; anything else is ignored, OIDC Core §3.1.2.1) becomes a class
on the body. Field names follow PRODUCT.md: ``username`` (the PIN), ``password``. Every form carries a
hidden ``csrf`` token. Every value is escaped.
"""

from html import escape

from idp.population_db.personas import PERSONAS

LANGUAGES = ("vi", "en")
DISPLAYS = ("page", "popup", "touch", "wap")
TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "login_title": "Đăng nhập",
        "login_heading": "Đăng nhập bằng tài khoản định danh điện tử</h1><p lang='en'>Log in with VNeID",
        "pin": "Số định danh cá nhân (PIN)",
        "password": "Mật khẩu (password)",
        "login": "Đăng nhập / Log in",
        "personas": "Công dân thử nghiệm / Test personas",
    },
    "en": {
        "login_title": "Log in",
        "login_heading": "Log in with your electronic identification account",
        "pin": "Personal identification number (PIN)",
        "password": "Password",
        "login": "Log in",
        "personas": "Test personas",
    },
}


def page_language(ui_locales: str) -> str:
    """The first of ``ui_locales`` (OIDC Core §3.1.2.1, space-separated BCP 47 tags) we speak; vi
    otherwise."""
    for tag in ui_locales.split():
        if (language := tag.split("-")[0].lower()) in LANGUAGES:
            return language
    return "vi"


def layout(title: str, body: str, lang: str = "vi", display: str = "page") -> str:
    display = display if display in DISPLAYS else "page"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · VNeID (SANDBOX)</title></head>"
        f'<body class="display-{display}">'
        "<p><strong>SANDBOX — dữ liệu giả lập / synthetic data</strong></p>"
        f"{body}</body></html>"
    )


def login_page(
    action: str,
    csrf: str,
    pin: str = "",
    error: str | None = None,
    lang: str = "vi",
    display: str = "page",
) -> str:
    text = TEXTS[lang]
    message = f'<p role="alert">{escape(error)}</p>' if error else ""
    personas = "".join(
        f'<li><a href="?login_hint={escape(p.pin)}">{escape(p.full_name)} ({escape(p.key)})</a></li>'
        for p in PERSONAS
        if p.account_level
    )
    return layout(
        text["login_title"],
        f"<h1>{text['login_heading']}</h1>"
        f'{message}<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<label>{text["pin"]} <input name="username" value="{escape(pin)}" '
        'inputmode="numeric" autocomplete="username" required></label>'
        f'<label>{text["password"]} <input name="password" type="password" '
        'autocomplete="current-password" required></label>'
        f'<button type="submit">{text["login"]}</button></form>'
        f"<h2>{text['personas']}</h2><ul>{personas}</ul>",
        lang,
        display,
    )


def error_page(error: str, description: str | None) -> str:
    return layout(
        "Lỗi",
        "<h1>Yêu cầu không hợp lệ / Invalid request</h1>"
        f"<p><code>{escape(error)}</code></p><p>{escape(description or '')}</p>",
    )


def logout_confirm_page(action: str, csrf: str) -> str:
    return layout(
        "Đăng xuất",
        "<h1>Đăng xuất khỏi VNeID?</h1><p lang='en'>Log out of VNeID?</p>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button type="submit">Đăng xuất / Log out</button></form>',
    )


def logged_out_page() -> str:
    return layout("Đã đăng xuất", "<h1>Bạn đã đăng xuất.</h1><p lang='en'>You are logged out.</p>")
