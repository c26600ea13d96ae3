"""The identity provider's front page (trang chủ), ``GET /``: what runs here and how to try it.

For people opening the provider in a browser (a workshop, a developer's first look), not for relying
parties, which read the discovery document. It lists the issuer and every endpoint the discovery document
advertises (:func:`idp.oidc.metadata.provider_metadata`, so the two never disagree), the sandbox's own
pages (the citizen's account page, the mock SMS inbox), the personas with their account level and what
each is for, the sandbox password and passcode, and the clients registered from the clients file with
their redirect URIs. Vietnamese first, English with ``ui_locales=en``; every value is escaped. The
personas are synthetic; the sandbox password is the same public value the README and the demo print.
"""

from html import escape

from idp.oidc.clients import Client
from idp.oidc.metadata import provider_metadata
from idp.population_db.codes import AccountStatus
from idp.population_db.personas import PERSONAS
from idp.population_db.personas import Persona
from idp.settings import IdPSettings

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Hệ thống định danh điện tử giả lập",
        "intro": "Nhà cung cấp OpenID Connect giả lập VNeID, với dân cư tổng hợp. Không có dữ liệu "
        "của người thật.",
        "issuer": "Định danh nhà cung cấp (issuer)",
        "endpoints": "Điểm cuối (endpoints)",
        "pages": "Trang thử nghiệm",
        "account": "Tài khoản định danh của tôi",
        "sms": "Hộp thư SMS giả lập",
        "personas": "Công dân thử nghiệm",
        "secrets": "Mật khẩu {password}, mã bảo vệ {passcode}; mã SMS ở hộp thư giả lập.",
        "pin": "Số định danh",
        "name": "Họ tên",
        "level": "Mức",
        "purpose": "Dùng để thử",
        "no_account": "chưa có tài khoản",
        "locked": "bị khóa",
        "clients": "Ứng dụng đã đăng ký",
        "client": "Ứng dụng",
        "auth": "Xác thực ứng dụng",
        "redirects": "Địa chỉ chuyển hướng",
        "switch": '<a href="/?ui_locales=en" hreflang="en" lang="en">English</a>',
    },
    "en": {
        "title": "Mock electronic identification",
        "intro": "A mock VNeID OpenID Connect provider with a synthetic population. No real "
        "person's data.",
        "issuer": "Issuer",
        "endpoints": "Endpoints",
        "pages": "Sandbox pages",
        "account": "My e-identification account",
        "sms": "Mock SMS inbox",
        "personas": "Test personas",
        "secrets": "Password {password}, passcode {passcode}; SMS codes arrive in the mock inbox.",
        "pin": "PIN",
        "name": "Name",
        "level": "Level",
        "purpose": "Try it for",
        "no_account": "no account",
        "locked": "locked",
        "clients": "Registered clients",
        "client": "Client",
        "auth": "Client authentication",
        "redirects": "Redirect URIs",
        "switch": '<a href="/" hreflang="vi" lang="vi">Tiếng Việt</a>',
    },
}


def home_body(settings: IdPSettings, clients: list[Client], lang: str) -> str:
    text = TEXTS[lang]
    secrets = text["secrets"].format(
        password=f"<code>{escape(settings.sandbox_password)}</code>",
        passcode=f"<code>{escape(settings.sandbox_passcode)}</code>",
    )
    return (
        f"<h1>{text['title']}</h1><p>{text['intro']}</p><p>{text['switch']}</p>"
        f"<p>{text['issuer']}: <code>{escape(settings.issuer)}</code></p>"
        f"<h2>{text['endpoints']}</h2>{_endpoints(settings)}"
        f"<h2>{text['pages']}</h2><ul>"
        f'<li><a href="/account">{text["account"]}</a></li>'
        f'<li><a href="/sandbox/sms">{text["sms"]}</a></li></ul>'
        f"<h2>{text['personas']}</h2><p>{secrets}</p>{_personas(lang)}"
        f"<h2>{text['clients']}</h2>{_clients(clients, lang)}"
    )


def _endpoints(settings: IdPSettings) -> str:
    """Every URL of the discovery document, under its metadata name, discovery and RFC 8414 first."""
    metadata = provider_metadata(settings.issuer, settings.registration_enabled)
    urls = {
        "openid-configuration": f"{settings.issuer}/.well-known/openid-configuration",
        "oauth-authorization-server": f"{settings.issuer}/.well-known/oauth-authorization-server",
        **{
            name: value
            for name, value in metadata.items()
            if isinstance(value, str) and (name.endswith("_endpoint") or name.endswith("_uri"))
        },
    }
    items = "".join(
        f'<li><code>{escape(name)}</code>: <a href="{escape(url)}">{escape(url)}</a></li>'
        for name, url in urls.items()
    )
    return f"<ul>{items}</ul>"


def _personas(lang: str) -> str:
    text = TEXTS[lang]
    rows = "".join(
        f"<tr><td><code>{escape(p.pin)}</code></td><td>{escape(p.full_name)}</td>"
        f"<td>{_level(p, lang)}</td>"
        f"<td>{escape(p.purpose_vi if lang == 'vi' else p.purpose)}</td></tr>"
        for p in PERSONAS
    )
    return _table(text, ("pin", "name", "level", "purpose"), rows)


def _level(persona: Persona, lang: str) -> str:
    if persona.account_level is None:
        return TEXTS[lang]["no_account"]
    locked = persona.account_status is AccountStatus.LOCKED
    return f"{persona.account_level}" + (f" ({TEXTS[lang]['locked']})" if locked else "")


def _clients(clients: list[Client], lang: str) -> str:
    text = TEXTS[lang]
    rows = "".join(
        f"<tr><td>{escape(str(c.metadata.get('client_name', c.client_id)))}<br>"
        f"<code>{escape(c.client_id)}</code></td><td><code>{escape(c.auth_method)}</code></td>"
        f"<td>{'<br>'.join(escape(str(uri)) for uri in c.metadata.get('redirect_uris', []))}</td>"
        "</tr>"
        for c in sorted(clients, key=lambda c: c.client_id)
    )
    return _table(text, ("client", "auth", "redirects"), rows)


def _table(text: dict[str, str], headings: tuple[str, ...], rows: str) -> str:
    head = "".join(f'<th scope="col">{text[key]}</th>' for key in headings)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
