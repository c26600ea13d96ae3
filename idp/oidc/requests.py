"""Requests as Authlib sees them (``OAuth2Request``, ``JsonRequest``), built from already-read items, and
the limits every request body and query string must respect (the framework-free half of Authlib's
adapter; the web layer reads the HTTP request: :mod:`idp.web.requests`).

Every value of a repeated parameter is kept: RFC 6749 §3.1 and §3.2 say request parameters MUST NOT be
included more than once. Malformed input is refused, once for every endpoint, with RFC 6749 §5.2
``invalid_request``: invalid UTF-8 (RFC 6749 Appendix B), a NUL character (no parameter's syntax admits
one, Appendix A), a parameter over :data:`MAX_PARAMETER` bytes, more than :data:`MAX_PARAMETERS`
parameters. A JSON body (RFC 7591 §3.1) is parsed when the endpoint first reads it, so that the endpoint
authenticates the caller first.
"""

from collections import defaultdict
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Payload
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import JsonPayload
from httpx import Headers

from idp.oidc.error_text import describable
from idp.oidc.error_text import printable
from idp.oidc.untrusted_input import loads

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


class ItemsRequest(OAuth2Request):  # type: ignore[misc]
    """An ``OAuth2Request`` over already-read query and form items; ``headers`` case-insensitive."""

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


def too_large(limit: int = MAX_BODY) -> InvalidRequestError:
    return InvalidRequestError(f"The body exceeds {limit} bytes.", status_code=413)
