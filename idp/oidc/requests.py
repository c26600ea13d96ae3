"""Starlette requests as Authlib ``OAuth2Request`` / ``JsonRequest`` objects (the framework half of
Authlib's adapter), and the limits every request body and query string must respect.

The body is read once, in an async FastAPI dependency, so that Authlib's synchronous code never awaits
(the shape of ``authlib.integrations.flask_oauth2.requests``). Every value of a repeated parameter is kept:
RFC 6749 §3.1 and §3.2 say request parameters MUST NOT be included more than once.

Malformed input is refused here, once for every endpoint, with RFC 6749 §5.2 ``invalid_request``: a body
that is not ``application/x-www-form-urlencoded`` (RFC 6749 §3.2, §4.1.3), invalid UTF-8 in the body or the
query (RFC 6749 Appendix B), a NUL character (no parameter's syntax admits one, Appendix A), a parameter
over :data:`MAX_PARAMETER` bytes, a body over :data:`MAX_BODY`
bytes (status 413). A JSON body (RFC 7591 §3.1) is parsed when the endpoint first reads it, so that the
endpoint authenticates the caller first.
"""

import logging
from collections import defaultdict
from typing import Annotated
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Payload
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import JsonPayload
from authlib.oauth2.rfc6749.requests import JsonRequest
from fastapi import Depends
from fastapi import Request
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.responses import Response

from idp.oidc.error_text import describable
from idp.oidc.error_text import printable
from idp.oidc.untrusted_input import loads

logger = logging.getLogger(__name__)

Items = list[tuple[str, str]]
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
MAX_BODY = 64 * 1024
MAX_PARAMETER = 8 * 1024
MAX_PARAMETERS = 100


class ItemsPayload(OAuth2Payload):  # type: ignore[misc]
    """Parameters from the query and the form, first value wins; every value in ``datalist``."""

    def __init__(self, items: Items) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """An ``OAuth2Request`` over already-read query and form items."""

    def __init__(self, method: str, uri: str, headers: Headers, query: Items, form: Items) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.payload = ItemsPayload(query + form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def items(self) -> Items:
        return [(k, v) for k, values in self.payload.datalist.items() for v in values]

    def duplicated(self) -> list[str]:
        """Names of the parameters that appear more than once, fit for an ``error_description``."""
        names = (k for k, values in self.payload.datalist.items() if len(values) > 1)
        return sorted(describable(name) for name in names)


class JsonBody(JsonPayload):  # type: ignore[misc]
    """A JSON object body, parsed on first read: not JSON or not an object → ``invalid_request``."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self._body = body
        self._content_type = content_type

    @property
    def data(self) -> dict[str, Any]:
        if self._content_type != JSON_TYPE:
            raise InvalidRequestError(f"The body must be {JSON_TYPE}.")
        try:
            data = loads(self._body)
        except ValueError:  # also UnicodeDecodeError and a document nested too deep
            raise InvalidRequestError("The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise InvalidRequestError("The body must be a JSON object.")
        return data


def parse_parameters(raw: bytes, where: str) -> Items:
    """``application/x-www-form-urlencoded`` items, strictly UTF-8, each at most MAX_PARAMETER bytes."""
    try:
        items = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except UnicodeDecodeError:
        raise InvalidRequestError(f"The {where} is not valid UTF-8.") from None
    except ValueError:
        raise InvalidRequestError(f"The {where} has more than {MAX_PARAMETERS} fields.") from None
    if any("\x00" in key or "\x00" in value for key, value in items):
        raise InvalidRequestError(f"The {where} holds a NUL character.")
    if len(raw) <= MAX_PARAMETER:  # decoding never lengthens: no parameter can be over the limit
        return items
    for key, value in items:
        if len(key.encode()) + len(value.encode()) > MAX_PARAMETER:
            raise InvalidRequestError(f"Parameter {printable(key)} exceeds {MAX_PARAMETER} bytes.")
    return items


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request) -> bytes:
    """The body, refused with 413 beyond MAX_BODY bytes."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY:
        raise _too_large()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _too_large()
    return body


def _too_large() -> InvalidRequestError:
    return InvalidRequestError(f"The body exceeds {MAX_BODY} bytes.", status_code=413)


async def read_oauth2_request(request: Request) -> StarletteOAuth2Request:
    """Read the query and an urlencoded body (see the module's limits)."""
    query = parse_parameters(request.scope.get("query_string", b""), "query string")
    form: Items = []
    body = await read_body(request)
    if body:
        if media_type(request) != FORM_TYPE:
            raise InvalidRequestError(f"The body must be {FORM_TYPE}.")
        form = parse_parameters(body, "body")
    return StarletteOAuth2Request(request.method, str(request.url), request.headers, query, form)


async def read_json_request(request: Request) -> JsonRequest:
    """A JSON request whose body is parsed when the endpoint reads it."""
    body = await read_body(request)
    json_request = JsonRequest(request.method, str(request.url), request.headers)
    json_request.payload = JsonBody(body, media_type(request))
    return json_request


def oauth2_error_response(request: Request, error: Exception) -> Response:
    """An OAuth error raised while reading a request, as RFC 6749 §5.2 JSON (never cached)."""
    assert isinstance(error, OAuth2Error)
    status, body, headers = error()
    response = JSONResponse(body, status_code=status, headers=dict(headers))
    response.headers["Cache-Control"] = "no-store"
    return response


def database_error_response(request: Request, error: Exception) -> Response:
    """The database is unreachable or not seeded: 503 ``temporarily_unavailable`` (RFC 6749 §4.1.2.1),
    never a stack trace. The cause goes to the log, which holds no secret: SQLAlchemy's message names
    the statement, not its parameters."""
    logger.error("database error on %s: %s", request.url.path, str(error).splitlines()[0])
    description = (
        "The population database is unreachable or not seeded (vneid-mock population seed)."
    )
    body = {"error": "temporarily_unavailable", "error_description": description}
    return JSONResponse(body, status_code=503, headers={"Cache-Control": "no-store"})


OAuth2RequestDep = Annotated[StarletteOAuth2Request, Depends(read_oauth2_request)]
JsonRequestDep = Annotated[JsonRequest, Depends(read_json_request)]
