"""The values the property-based fuzz tests send, and what every answer to them must respect.

Strategies (hypothesis) for request parameters, form fields, JWT-shaped tokens and headers: arbitrary
Unicode text (control characters, NUL, bidirectional marks; never a lone surrogate, which no UTF-8
request can carry), values just under and over the 8 KiB parameter limit of :mod:`idp.oidc.requests`,
and look-alikes of valid values. :func:`mutated` turns a valid request into a fuzzed one (parameters
kept, dropped, replaced, repeated, added).

The checks are the provider's promise on bad input: never a 5xx; an ``error_description`` only in RFC
6749 §5.2's charset (%x20-21 / %x23-5B / %x5D-7E), in a JSON error body or a redirect's query; a JSON
error body with its ``error``; a page for a browser, every value in it escaped; no redirect to a URI the
client did not register.
"""

import base64
import html
import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote_plus
from urllib.parse import urlencode
from urllib.parse import urlsplit

from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import event
from hypothesis import settings
from hypothesis import strategies as st

ERROR_DESCRIPTION_CHARSET = frozenset(
    chr(c) for c in (0x20, 0x21, *range(0x23, 0x5C), *range(0x5D, 0x7F))
)
LIMIT = 8 * 1024  # idp.oidc.requests.MAX_PARAMETER, in bytes of name and value

# Values that broke, or could break, a provider: markup and quotes echoed into an error, NUL (raw and
# percent-encoded), bidirectional marks, digits that str.isdigit() accepts and int() refuses (and
# other scripts' digits, which int() takes), numbers too long for int(), look-alike hosts, nested JSON
# deeper than the parser's recursion limit.
NASTY: tuple[str, ...] = (
    "",
    " ",
    "\x00",
    "%00",
    "%",
    "%zz",
    "\u200f",
    "\u202e",
    "\ufeff",
    '"><script>alert(1)</script>',
    "'",
    '"',
    "\\",
    "\r\n",
    "\t",
    "²",
    "①",
    "١٢٣",
    "-1",
    "0",
    "1e9",
    "9" * 4301,
    "é",
    "𝔘𝔫𝔦",
    "../../etc/passwd",
    "//evil.example/cb",
    "https://evil.example/cb",
    "https://rp.exаmple/cb",
    "javascript:alert(1)",
    "null",
    "[]",
    "{}",
    '{"id_token":',
    '{"id_token":{"acr":{"essential":true,"values":["é"]}}}',
    "[" * 3000,
    '{"a":' * 2000,
    "openid",
    "code",
    "S256",
    "none",
    "login",
    "consent",
    "form_post",
    "fragment",
)

unicode_text = st.text(st.characters(codec="utf-8"), max_size=40)
"""Any Unicode text UTF-8 can carry: control characters and NUL included, no lone surrogate."""

long_text = st.builds(
    lambda unit, size: unit * size,
    st.sampled_from(["x", "é", "\x00", "%", "9"]),
    st.sampled_from([LIMIT // 2 - 8, LIMIT - 40, LIMIT, LIMIT + 1, LIMIT + 900]),
)
"""Values around the parameter limit (in characters of one and two UTF-8 bytes)."""


def values(*valid: str) -> st.SearchStrategy[str]:
    """A parameter's value: one of ``valid`` (most often), a nasty value, arbitrary text, a long
    value, or a valid value with arbitrary text around it."""
    nasty = st.sampled_from(NASTY)
    options: list[st.SearchStrategy[str]] = [nasty, nasty, unicode_text, unicode_text, long_text]
    if valid:
        chosen = st.sampled_from(valid)
        options += [chosen] * 4
        options += [st.builds(lambda v, t: v + t, chosen, unicode_text)]
        options += [st.builds(lambda t, v: t + v, unicode_text, chosen)]
    return st.one_of(options)


Items = list[tuple[str, str]]
KEEP, DROP, REPLACE, REPEAT = "keep", "drop", "replace", "repeat"


@st.composite
def mutated(
    draw: st.DrawFn,
    valid: Mapping[str, str],
    extra: Mapping[str, st.SearchStrategy[str]] | None = None,
) -> Items:
    """``valid`` with a few of its parameters dropped, given a fuzzed value or repeated, plus a few of
    the ``extra`` parameters (name → their values) and arbitrary ones, in an arbitrary order. Few at
    a time, so that the other parameters stay valid and the request goes deep."""
    names = sorted(valid)
    targets = draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    items: Items = []
    for name, value in valid.items():
        action = (
            draw(st.sampled_from([DROP, REPLACE, REPLACE, REPEAT])) if name in targets else KEEP
        )
        if action == KEEP:
            items.append((name, value))
        elif action == REPLACE:
            items.append((name, draw(values(value))))
        elif action == REPEAT:
            items += [(name, value), (name, draw(st.sampled_from([value, *NASTY[:12]])))]
    extra = extra or {}
    for name in (
        draw(st.lists(st.sampled_from(sorted(extra)), max_size=4, unique=True)) if extra else []
    ):
        items.append((name, draw(extra[name])))
    items += draw(st.lists(st.tuples(values(), values()), max_size=1))
    return draw(st.permutations(items))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json_part(value: Any) -> str:
    return b64url(json.dumps(value).encode())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | unicode_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(unicode_text, children, max_size=3)
    ),
    max_leaves=8,
)
"""Arbitrary JSON values."""

header_fields = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(["RS256", "ES256", "PS256", "HS256", "none", "RSA-OAEP", "é", '"\\'])
        | json_values,
        "typ": st.sampled_from(["JWT", "at+jwt", "logout+jwt", "é"]) | json_values,
        "kid": unicode_text | json_values,
        "crit": st.lists(unicode_text, max_size=2) | json_values,
        "enc": st.sampled_from(["A128GCM", "A256GCM", "é"]),
        "zip": st.just("DEF"),
        "b64": st.booleans(),
        "jku": st.just("https://evil.example/jwks"),
        "jwk": json_values,
    },
)


@st.composite
def jwt_like(draw: st.DrawFn) -> str:
    """A token shaped like a JWS or JWE compact serialization, with a fuzzed header (any ``alg``,
    ``kid``, ``crit``), fuzzed or too deeply nested claims and a fuzzed signature, or just fuzzed
    segments."""
    header: Any = draw(header_fields | json_values)
    claims: Any = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "iss": st.sampled_from(["http://testserver", "é"]) | json_values,
                "sub": unicode_text | json_values,
                "aud": st.sampled_from(["rp", "logout", ["rp"], []]) | json_values,
                "exp": st.integers() | json_values,
                "iat": st.integers() | json_values,
                "jti": unicode_text,
                "grant_id": unicode_text | json_values,
                "scope": unicode_text | json_values,
                "client_id": unicode_text | json_values,
            },
        )
        | json_values
    )
    signature = b64url(draw(st.binary(max_size=80)))
    segments = [_json_part(header), _json_part(claims), signature]
    shape = draw(st.sampled_from(["jws", "jws", "jwe", "deep", "parts", "raw"]))
    if shape == "deep":  # claims nested deeper than the JSON parser's recursion limit
        segments[1] = b64url(draw(st.sampled_from([b"[" * 3000, b'{"a":' * 1500])))
    elif shape == "jwe":
        segments = [_json_part(header), "", b64url(b"iv"), b64url(b"ct"), b64url(b"tag")]
    elif shape == "parts":
        segments = draw(st.lists(st.sampled_from(segments) | unicode_text, min_size=1, max_size=6))
    elif shape == "raw":
        return draw(values())
    return ".".join(segments)


def header_text(*valid: str) -> st.SearchStrategy[str]:
    """A header value an HTTP server would pass on: printable ASCII and obs-text (the test client
    sends non-ASCII as UTF-8), never CR, LF or NUL, which servers refuse before the application."""
    alphabet = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
    options: list[st.SearchStrategy[str]] = [st.text(alphabet | st.just("\t"), max_size=60)]
    if valid:
        options.append(st.sampled_from(valid))
    return st.one_of(options)


@st.composite
def authorization_header(draw: st.DrawFn, *valid: str) -> str:
    """An ``Authorization`` value: one of ``valid``, Basic of random bytes or of fuzzed text, Bearer of
    a JWT-shaped token, or another or no scheme."""
    scheme = draw(
        st.sampled_from(["Basic", "basic", "BASIC", "Bearer", "bearer", "DPoP", "Digest", ""])
    )
    kind = draw(st.sampled_from(["valid", "bytes", "text", "token", "header"]))
    if kind == "valid" and valid:
        return draw(st.sampled_from(valid))
    if kind == "bytes":
        credentials = base64.b64encode(draw(st.binary(max_size=48))).decode()
    elif kind == "text":
        text = draw(unicode_text) + ":" + draw(unicode_text)
        credentials = base64.b64encode(text.encode()).decode()
    elif kind == "token":
        credentials = draw(jwt_like())
        if not all(" " <= c <= "~" for c in credentials):
            credentials = "x"
    else:
        credentials = draw(header_text())
    space = draw(st.sampled_from([" ", "  ", "\t", ""]))
    return f"{scheme}{space}{credentials}"


def on_the_wire(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    """``headers`` as bytes, their values in Latin-1 (how servers decode header bytes; the test client
    refuses a ``str`` beyond ASCII)."""
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def header_sets() -> st.SearchStrategy[dict[str, str]]:
    """Fuzzed request headers beyond the test's own, each maybe absent: Accept, Origin (a client's,
    another, ``null``) with CORS preflight headers, X-Forwarded-For and -Proto, Accept-Language and
    Referer."""
    origins = ("https://rp.example", "http://testserver", "https://evil.example", "null")
    return st.fixed_dictionaries(
        {},
        optional={
            "Accept": header_text("text/html", "application/json", "*/*", "text/html;q=0"),
            "Origin": header_text(*origins),
            "Access-Control-Request-Method": header_text("POST", "GET", "DELETE"),
            "Access-Control-Request-Headers": header_text("authorization", "content-type, x-y"),
            "X-Forwarded-For": header_text("127.0.0.1", "::1", "1.2.3.4, 5.6.7.8", "unknown"),
            "X-Forwarded-Proto": header_text("https", "http", "ws"),
            "Accept-Language": header_text("vi", "en-US,en;q=0.5", "*"),
            "Referer": header_text("https://rp.example/", "javascript:x"),
        },
    )


CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "APPLICATION/X-WWW-FORM-URLENCODED",
    "application/json",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "text/plain",
    "application/jwt",
    "",
    "é/é",
    ";",
)


@st.composite
def raw_bodies(draw: st.DrawFn, form: Items) -> tuple[bytes, str]:
    """A body and its Content-Type: the urlencoded ``form``, as JSON, as invalid UTF-8, as random bytes
    or a multipart body, under a fuzzed content type."""
    kind = draw(
        st.sampled_from(["form", "form", "form", "json", "bytes", "badutf8", "multipart", "deep"])
    )
    if kind == "form":
        body = urlencode(form).encode()
    elif kind == "json":
        body = json.dumps(dict(form)).encode()
    elif kind == "badutf8":
        body = urlencode(form).encode() + b"&x=%FF%FE\xff"
    elif kind == "multipart":
        parts = [
            f'--x\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in form
        ]
        body = ("".join(parts) + "--x--\r\n").encode()
    elif kind == "deep":
        body = b"[" * 5000
    else:
        body = draw(st.binary(max_size=200))
    content_type = draw(st.sampled_from([*CONTENT_TYPES, *CONTENT_TYPES[:3] * 2]))
    return body, content_type


MAX_QUERY = 60_000  # the test client refuses URLs over 64 KiB


def raw_query(items: Items, extra: str = "") -> str:
    """A query string of ``items`` percent-encoded (the longest left out until it fits in a URL the
    test client sends), followed by ``extra`` as it is (it may hold broken percent-escapes or bytes
    that are not UTF-8)."""
    kept = list(items)
    while len(encoded := urlencode(kept)) > MAX_QUERY:
        kept.remove(max(kept, key=lambda item: len(quote_plus(item[0] + item[1]))))
    return f"{encoded}&{extra}" if extra else encoded


raw_query_tails = st.sampled_from(
    ["", "", "", "", "", "", "", "", "%zz", "%C3%28", "%FF", "a=%00", "&&=&"]
)


def describable(text: str) -> bool:
    """Whether ``text`` is in RFC 6749 §5.2's ``error_description`` charset."""
    return set(text) <= ERROR_DESCRIPTION_CHARSET


def assert_not_server_error(response: Any) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.text[:2000]}"


def assert_json_error(response: Any) -> None:
    """A JSON error body (RFC 6749 §5.2, RFC 6750 §3, RFC 7591 §3.2.2): ``error``, and an
    ``error_description`` in the charset when present."""
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("error"), str), body
    assert body["error"], body
    description = body.get("error_description")
    if description is not None:
        assert isinstance(description, str), body
        assert describable(description), f"error_description outside the charset: {description!r}"


def note(label: str, response: Any) -> None:
    """Record the answer's status and error code as a hypothesis event (``--hypothesis-show-statistics``
    then shows how deep the examples went)."""
    code = re.search(r'"error": ?"([^"]*)"|<code>([^<]*)</code>', response.text[:3000])
    event(
        f"{label}: {response.status_code} {next((g for g in code.groups() if g), '') if code else ''}"
    )


def is_json(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")


def is_html(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("text/html")


def assert_api_answer(response: Any) -> None:
    """A JSON endpoint's answer: no 5xx; an error is a JSON error body (a HEAD answer has none)."""
    assert_not_server_error(response)
    if response.request.method == "HEAD":
        return
    if response.status_code >= 400 and response.status_code not in (404, 405):
        assert is_json(response), (response.status_code, response.headers.get("content-type"))
        assert_json_error(response)


_FORM_ACTION = re.compile(r'<form method="(?:post|get)" action="([^"]*)"')


def assert_redirects_only_to(response: Any, allowed: Iterable[str]) -> None:
    """A redirect (``Location``) or a page's form (the ``form_post`` page's, which posts itself) goes
    to a path of ours or to exactly one of ``allowed`` (with a query added); any ``error_description``
    it carries is in the charset."""
    targets = []
    if "location" in response.headers:
        targets.append(response.headers["location"])
    page = response.text if is_html(response) else ""
    targets += [html.unescape(action) for action in _FORM_ACTION.findall(page)]
    url = response.request.url
    ours = f"{url.scheme}://{url.netloc.decode()}/"
    for target in targets:
        if target.startswith(ours) or (target.startswith("/") and not target.startswith("//")):
            continue  # a path of ours (Starlette redirects a trailing slash away, absolute)
        parts = urlsplit(target)
        base = f"{parts.scheme}://{parts.netloc}{parts.path}"
        assert base in set(allowed), f"redirect to an unregistered URI: {target!r}"
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        assert describable(query.get("error_description", "")), target
        assert "\x00" not in target, target
    for value in re.findall(r'name="error_description" value="([^"]*)"', page):
        assert describable(html.unescape(value)), value


def assert_escaped(response: Any) -> None:
    """An HTML page shows the markup values of :data:`NASTY` escaped, never as markup."""
    if is_html(response):
        assert "<script>alert(1)" not in response.text, "a value echoed into the page unescaped"


def assert_browser_answer(response: Any, allowed: Iterable[str] = ()) -> None:
    """A browser endpoint's answer: no 5xx; a page (HTML, every value escaped), a redirect to us or to
    a registered URI, or, for a request that could not be read at all, a JSON error body."""
    assert_not_server_error(response)
    assert_redirects_only_to(response, allowed)
    if response.status_code in (301, 302, 303, 307, 308, 404, 405):
        return
    if response.request.method == "HEAD":
        return
    assert_escaped(response)
    if is_json(response):
        assert response.status_code >= 400, response.text[:500]
        assert_json_error(response)
        return
    assert is_html(response), (response.status_code, response.headers.get("content-type"))


SESSION_COOKIE = "vneid_session"
BINDING_COOKIE = "vneid_interaction"


def fuzz_settings(examples: int) -> settings:
    """The fuzz tests' hypothesis settings: ``examples`` each, no deadline, no explain phase (it
    replays each failure many times more, for little here)."""
    return settings(
        max_examples=examples,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
