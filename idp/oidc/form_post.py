"""The page of the OAuth 2.0 Form Post Response Mode (§2, §5): the authorization response's parameters
as hidden fields of a form that the browser posts to the client's ``redirect_uri`` by itself.

The values are HTML-escaped, never percent-encoded: the client receives each value byte for byte, a
``state`` holding ``+ = " < > &`` included (the form's own urlencoding is the browser's). The page posts
itself with one constant script, allowed by its hash in the pages' Content-Security-Policy
(:data:`AUTO_SUBMIT`), never by ``'unsafe-inline'``; without JavaScript its button does the same.
"""

from html import escape

AUTO_SUBMIT = "document.forms[0].submit()"
"""The page's only script; the Content-Security-Policy allows exactly this text by its SHA-256."""

FORM_POST_HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def form_post_page(redirect_uri: str, params: list[tuple[str, str]]) -> str:
    """The self-posting page that carries ``params`` to ``redirect_uri``."""
    fields = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in params
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Đang chuyển về dịch vụ · Returning to the service</title></head><body>"
        f'<form method="post" action="{escape(redirect_uri)}">{fields}'
        "<noscript><p>Đang chuyển về dịch vụ. <span lang='en'>Returning to the service.</span></p>"
        '<button type="submit">Tiếp tục / Continue</button></noscript></form>'
        f"<script>{AUTO_SUBMIT}</script></body></html>"
    )


def form_post_response(
    redirect_uri: str, params: list[tuple[str, str]]
) -> tuple[int, str, list[tuple[str, str]]]:
    """The page as Authlib's ``(status, body, headers)``."""
    return 200, form_post_page(redirect_uri, params), list(FORM_POST_HEADERS)
