"""The HTML of the interaction: the page frame, login and error pages, Vietnamese first, plain forms
(the consent page is :mod:`idp.login.consent`).

In Vietnamese (with English glosses) by default, in English when ``ui_locales`` asks for it; the
``display`` value (page, popup, touch, wap; anything else is ignored, OIDC Core §3.1.2.1) becomes a class
on the body. Field names follow PRODUCT.md: ``username`` (the PIN), ``password``. Every page carries the
permanent SANDBOX banner and no official logo; the factor pages are in :mod:`idp.login.factor_pages`, the
consent page in :mod:`idp.login.consent`. Every form carries a hidden ``csrf`` token. Every value is
escaped.
"""

import functools
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
        "cancel": "Hủy / Cancel",
    },
    "en": {
        "login_title": "Log in",
        "login_heading": "Log in with your electronic identification account",
        "pin": "Personal identification number (PIN)",
        "password": "Password",
        "login": "Log in",
        "personas": "Test personas",
        "cancel": "Cancel",
    },
}


def page_language(ui_locales: str) -> str:
    """The first of ``ui_locales`` (OIDC Core §3.1.2.1, space-separated BCP 47 tags) we speak; vi
    otherwise."""
    for tag in ui_locales.split():
        if (language := tag.split("-")[0].lower()) in LANGUAGES:
            return language
    return "vi"


STYLE = (
    "body{margin:0;font-family:'Segoe UI',Roboto,Arial,sans-serif;background:#f3f4f6;color:#1a1a1a;"
    "line-height:1.5}"
    ".sandbox{background:#ffd60a;color:#111;text-align:center;font-weight:700;padding:.4rem;"
    "border-bottom:2px solid #111}"
    "header{background:#0b3d6e;color:#fff;padding:.8rem 1.2rem;display:flex;"
    "justify-content:space-between;align-items:center}"
    "header a{color:#fff}"
    "main{max-width:34rem;margin:1.5rem auto;background:#fff;padding:1.5rem 2rem;"
    "border:1px solid #c9ced6;border-radius:4px}"
    "h1{font-size:1.35rem;color:#0b3d6e;margin-top:0}h2{font-size:1.05rem}"
    "label{display:block;margin:.8rem 0 .2rem;font-weight:600}"
    "input[type=checkbox]+label{display:inline;margin:0 0 0 .3rem}"
    "input[type=text],input[type=password],input:not([type]){width:100%;box-sizing:border-box;"
    "padding:.55rem;font-size:1rem;border:1px solid #6b7280;border-radius:3px}"
    "button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem;border-radius:3px;"
    "border:1px solid #0b3d6e;background:#0b3d6e;color:#fff;cursor:pointer}"
    "button.secondary{background:#fff;color:#0b3d6e}"
    "a:focus,button:focus,input:focus{outline:3px solid #f59e0b;outline-offset:2px}"
    "[role=alert]{background:#fde8e8;border-left:4px solid #b91c1c;padding:.6rem;color:#7f1d1d}"
    ".note{background:#eef4fb;border-left:4px solid #0b3d6e;padding:.6rem}"
    ".en{color:#374151}"
)


def layout(title: str, body: str, lang: str = "vi", display: str = "page") -> str:
    """The page frame: the permanent SANDBOX banner, a sober header (no official logo), ``body``."""
    display = display if display in DISPLAYS else "page"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · VNeID (SANDBOX)</title><style>{STYLE}</style></head>"
        f'<body class="display-{display}">'
        '<div class="sandbox" role="note">SANDBOX — dữ liệu giả lập / synthetic data</div>'
        '<header><span>Định danh điện tử · <span lang="en">e-Identification</span> (mock)</span>'
        "</header>"
        f"<main>{body}</main></body></html>"
    )


def language_switch(base: str, lang: str) -> str:
    """A link to the same page in the other language (works without JavaScript)."""
    if lang == "vi":
        return f'<p><a href="{escape(base)}?lang=en" hreflang="en" lang="en">English</a></p>'
    return f'<p><a href="{escape(base)}?lang=vi" hreflang="vi" lang="vi">Tiếng Việt</a></p>'


_BASE = "\x00base\x00"


@functools.cache
def _persona_items() -> str:
    """The persona picker's list items, with :data:`_BASE` where the interaction's path goes (the
    personas never change: built once)."""
    return "".join(
        f'<li><a href="{_BASE}?login_hint={escape(p.pin)}">{escape(p.full_name)}</a> '
        f"({escape(p.key)}, {escape(p.pin)})</li>"
        for p in PERSONAS
    )


def login_page(
    action: str,
    csrf: str,
    pin: str = "",
    error: str | None = None,
    lang: str = "vi",
    display: str = "page",
) -> str:
    """The first step of every login: PIN and password, the persona picker, a cancel button."""
    text = TEXTS[lang]
    base = action.rsplit("/", 1)[0]
    message = f'<p role="alert">{escape(error)}</p>' if error else ""
    personas = _persona_items().replace(_BASE, escape(base))
    return layout(
        text["login_title"],
        f"<h1>{text['login_heading']}</h1>"
        f'{message}<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<label for="username">{text["pin"]}</label><input id="username" name="username" '
        f'value="{escape(pin)}" inputmode="numeric" autocomplete="username" required>'
        f'<label for="password">{text["password"]}</label><input id="password" name="password" '
        'type="password" autocomplete="current-password" required>'
        f'<button type="submit">{text["login"]}</button></form>'
        f'<form method="post" action="{escape(base)}/cancel">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<button type="submit" class="secondary">{text["cancel"]}</button></form>'
        f"{language_switch(base, lang)}"
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
