"""What the protocol core and the interaction give back for an HTTP request, without any web framework:
an :class:`Answer` (status, body, headers, cookies to set or clear), which the web layer turns into its
framework's response (:func:`idp.web.responses.to_response`). A page is an answer with a :class:`View`:
which page, the values it shows and its language; the web layer renders it from its templates, so no
layer below the web builds HTML.

Authlib answers with ``(status, body, headers)``; :func:`from_authlib` keeps that shape, a dictionary body
as JSON (RFC 6749 §5.1, §5.2).
"""

import json
from dataclasses import dataclass
from dataclasses import field
from typing import Any

HTML = "text/html; charset=utf-8"
JSON = "application/json"


@dataclass(frozen=True)
class Cookie:
    """A cookie to set (``value``), or to clear (``value`` None); always HttpOnly."""

    name: str
    value: str | None
    max_age: int | None = None
    path: str = "/"
    samesite: str = "lax"
    secure: bool = False


@dataclass(frozen=True)
class View:
    """A page to show: ``template`` (a page of ``idp/web/templates``), the ``values`` it shows, the page's
    language (``vi``, ``en``; None: the browser's chosen language, else Vietnamese), the OIDC ``display`` it is shown for (OIDC Core §3.1.2.1) and ``switch``,
    the path that shows the same page in the other language (``?lang=`` is added), if there is one."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    display: str = "page"
    switch: str | None = None


@dataclass
class Answer:
    """An HTTP answer: ``body`` is sent as it is, with ``headers`` (``Content-Type`` among them), unless
    ``view`` names a page to render into the body."""

    status: int
    body: str | bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[Cookie] = field(default_factory=list)
    view: View | None = None

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def with_header(self, name: str, value: str) -> "Answer":
        """This answer with header ``name`` set to ``value`` (replacing any of that name)."""
        kept = [(n, v) for n, v in self.headers if n.lower() != name.lower()]
        self.headers = [*kept, (name, value)]
        return self

    def with_cookie(self, cookie: Cookie) -> "Answer":
        self.cookies.append(cookie)
        return self


def page(view: View, status: int = 200) -> Answer:
    """An HTML page, never to be cached (pages carry CSRF tokens or a citizen's data)."""
    return Answer(status, b"", [("Content-Type", HTML), ("Cache-Control", "no-store")], view=view)


def redirect(location: str, status: int = 303) -> Answer:
    """A redirect; 303 after a form's POST, so that the browser follows it with a GET."""
    return Answer(status, b"", [("Location", location)])


def json_answer(
    body: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Answer:
    """A JSON document, never to be cached."""
    fixed = [("Content-Type", JSON), ("Cache-Control", "no-store")]
    return Answer(status, json.dumps(body, ensure_ascii=False), [*fixed, *(headers or [])])


def from_authlib(status: int, body: Any, headers: list[tuple[str, str]]) -> Answer:
    """Authlib's ``(status, body, headers)``; a dictionary body is JSON, a :class:`View` a page."""
    if isinstance(body, View):
        return page(body, status)
    if isinstance(body, dict):
        answer = json_answer(body, status)
        for name, value in headers:
            answer.with_header(name, value)
        return answer
    return Answer(status, body if isinstance(body, str | bytes) else str(body), list(headers))
