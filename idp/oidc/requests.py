"""Starlette requests as Authlib ``OAuth2Request`` objects (the framework half of Authlib's adapter).

The body is read once, in an async FastAPI dependency, so that Authlib's synchronous code never awaits
(the shape of ``authlib.integrations.flask_oauth2.requests``). Every value of a repeated parameter is kept:
RFC 6749 §3.1 and §3.2 say request parameters MUST NOT be included more than once.
"""

from collections import defaultdict
from typing import Annotated

from authlib.oauth2.rfc6749 import OAuth2Payload
from authlib.oauth2.rfc6749 import OAuth2Request
from fastapi import Depends
from fastapi import Request
from starlette.datastructures import Headers

Items = list[tuple[str, str]]
FORM_TYPE = "application/x-www-form-urlencoded"


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
        """Names of the parameters that appear more than once."""
        return sorted(k for k, values in self.payload.datalist.items() if len(values) > 1)


async def read_oauth2_request(request: Request) -> StarletteOAuth2Request:
    """Read the query and an urlencoded body; any other body is ignored, never a 500."""
    form: Items = []
    if request.headers.get("content-type", "").split(";")[0].strip() == FORM_TYPE:
        body = await request.form()
        form = [(k, v) for k, v in body.multi_items() if isinstance(v, str)]
    query = list(request.query_params.multi_items())
    return StarletteOAuth2Request(request.method, str(request.url), request.headers, query, form)


OAuth2RequestDep = Annotated[StarletteOAuth2Request, Depends(read_oauth2_request)]
