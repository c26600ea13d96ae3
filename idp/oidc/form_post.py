"""The page of the OAuth 2.0 Form Post Response Mode (§2, §5): the authorization response's parameters
as hidden fields of a form that the browser posts to the client's ``redirect_uri`` by itself.

The values are HTML-escaped by the page's template, never percent-encoded: the client receives each value
byte for byte, a ``state`` holding ``+ = " < > &`` included (the form's own urlencoding is the
browser's). The page posts itself with one constant script, allowed by its hash in the pages'
Content-Security-Policy (:data:`AUTO_SUBMIT`), never by ``'unsafe-inline'``; without JavaScript its
button does the same.
"""

from idp.oidc.answer import View

AUTO_SUBMIT = "document.forms[0].submit()"
"""The page's only script; the Content-Security-Policy allows exactly this text by its SHA-256."""

FORM_POST_HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def form_post_view(
    redirect_uri: str, params: list[tuple[str, str]], lang: str | None = None
) -> View:
    """The self-posting page that carries ``params`` to ``redirect_uri``."""
    values = {"action": redirect_uri, "fields": params, "script": AUTO_SUBMIT}
    return View("form_post.html", values, lang)


def form_post_response(
    redirect_uri: str, params: list[tuple[str, str]], lang: str | None = None
) -> tuple[int, View, list[tuple[str, str]]]:
    """The page as Authlib's ``(status, body, headers)``, the body a :class:`View`."""
    return 200, form_post_view(redirect_uri, params, lang), list(FORM_POST_HEADERS)
