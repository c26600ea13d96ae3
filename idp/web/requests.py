"""Reading an HTTP request for the protocol core: the body (at most :data:`~idp.oidc.requests.MAX_BODY`
bytes unless the endpoint allows more, 413 beyond), the query and an urlencoded form as items, a JSON body, with the limits of
:mod:`idp.oidc.requests`. The body is read once, here, so that Authlib's synchronous code never awaits.
"""

from collections import defaultdict

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.requests import JsonRequest
from httpx import Headers
from starlette.requests import Request

from idp.oidc.error_text import printable
from idp.oidc.requests import FORM_TYPE
from idp.oidc.requests import MAX_BODY
from idp.oidc.requests import Items
from idp.oidc.requests import ItemsRequest
from idp.oidc.requests import JsonBody
from idp.oidc.requests import parse_parameters
from idp.oidc.requests import too_large


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused with 413 beyond ``limit`` bytes (MAX_BODY unless an endpoint takes more)."""
    length = request.headers.get("content-length", "0")
    if not length.isascii() or not length.isdigit() or int(length) > limit:
        raise too_large(limit)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return body


def headers_of(request: Request) -> Headers:
    """The request's headers, case-insensitive, as the core reads them."""
    return Headers(request.headers.raw)


async def read_oauth2_request(request: Request) -> ItemsRequest:
    """The query and an urlencoded body (see :mod:`idp.oidc.requests`' limits)."""
    query = parse_parameters(request.scope.get("query_string", b""), "query string")
    form: Items = []
    body = await read_body(request)
    if body:
        if media_type(request) != FORM_TYPE:
            raise InvalidRequestError(f"The body must be {FORM_TYPE}.")
        form = parse_parameters(body, "body")
    return ItemsRequest(request.method, str(request.url), headers_of(request), query, form)


async def read_json_request(request: Request) -> JsonRequest:
    """A JSON request whose body is parsed when the endpoint reads it."""
    body = await read_body(request)
    json_request = JsonRequest(request.method, str(request.url), headers_of(request))
    json_request.payload = JsonBody(body, media_type(request))
    return json_request


class Form:
    """An urlencoded form, read by :func:`read_form`: every value of each field, in order."""

    def __init__(self, items: Items) -> None:
        self._values: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._values[key].append(value)

    def get(self, name: str, max_length: int, default: str | None = None) -> str:
        """The field's first value; a missing field without ``default``, or a value over
        ``max_length`` characters, is refused with ``invalid_request``."""
        values = self._values.get(name)
        if not values:
            if default is None:
                raise InvalidRequestError(f"Missing form field {printable(name)}.")
            return default
        if len(values[0]) > max_length:
            raise InvalidRequestError(
                f"The form field {printable(name)} is over {max_length} chars."
            )
        return values[0]

    def items(self) -> list[tuple[str, str]]:
        return [(key, value) for key, values in self._values.items() for value in values]

    def getlist(self, name: str) -> list[str]:
        return list(self._values.get(name, []))


async def read_form(request: Request) -> Form:
    """The body as an ``application/x-www-form-urlencoded`` form, with the core's limits."""
    body = await read_body(request)
    if body and media_type(request) != FORM_TYPE:
        raise InvalidRequestError(f"The body must be {FORM_TYPE}.")
    return Form(parse_parameters(body, "body"))
