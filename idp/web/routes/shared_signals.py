"""The Shared Signals transmitter's routes (SSF 1.0 §7-§8): its configuration metadata
(``/.well-known/ssf-configuration``, from prepared bytes like the discovery document) and stream
management under ``/ssf/streams`` (JSON): glue only. The body (at most 64 KiB) is read on the event loop;
the licence check, the database and the outbox (:mod:`idp.oidc.shared_signals.streams`) run on the
thread pool (:mod:`idp.web.blocking`). docs/shared-signals.md describes the calls.
"""

from typing import Any

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.oidc.shared_signals import streams
from idp.oidc.shared_signals.metadata import ADD_SUBJECT_PATH
from idp.oidc.shared_signals.metadata import REMOVE_SUBJECT_PATH
from idp.oidc.shared_signals.metadata import SSF_CONFIGURATION_PATH
from idp.oidc.shared_signals.metadata import STATUS_PATH
from idp.oidc.shared_signals.metadata import STREAMS_PATH
from idp.oidc.shared_signals.metadata import VERIFY_PATH
from idp.web.api_models import BEARER
from idp.web.api_models import Document
from idp.web.api_models import errors
from idp.web.blocking import off_loop
from idp.web.deps import server_of
from idp.web.errors import ApiRoute
from idp.web.requests import read_body
from idp.web.responses import to_response

api = APIRouter(route_class=ApiRoute)

_JSON_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {}}}}}
_CALL: dict[str, Any] = {"parameters": [BEARER]}
_WITH_BODY: dict[str, Any] = {**_CALL, **_JSON_BODY}
_ANSWERS = errors(400, 401, 413)
_ANSWERS.update(
    {403: {"description": "insufficient_scope"}, 404: {"description": "no such stream"}}
)


def _authorization(request: Request) -> str | None:
    return request.headers.get("authorization")


async def ssf_configuration(request: Request) -> Response:
    """The transmitter's configuration metadata (SSF 1.0 §7.1)."""
    document = request.app.state.documents[SSF_CONFIGURATION_PATH]
    return Response(document.body, headers={k.decode(): v.decode() for k, v in document.headers})


api.add_api_route(
    SSF_CONFIGURATION_PATH, ssf_configuration, methods=["GET"], response_model=Document
)
api.add_api_route(
    SSF_CONFIGURATION_PATH, ssf_configuration, methods=["HEAD"], include_in_schema=False
)


@api.post(STREAMS_PATH, status_code=201, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def create_stream(request: Request) -> Response:
    """Create the client's stream (§8.1.1.1); 409 when it has one."""
    body = await read_body(request)
    answer = await off_loop(
        streams.create_stream, server_of(request), _authorization(request), body
    )
    return to_response(request, answer)


@api.get(STREAMS_PATH, openapi_extra=_CALL, responses=_ANSWERS)
async def read_streams(request: Request) -> Response:
    """The client's streams (an array), or one (``?stream_id=``) (§8.1.1.2)."""
    stream_id = request.query_params.get("stream_id")
    answer = await off_loop(
        streams.read_streams, server_of(request), _authorization(request), stream_id
    )
    return to_response(request, answer)


@api.patch(STREAMS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def update_stream(request: Request) -> Response:
    """Change the members given (§8.1.1.3)."""
    body = await read_body(request)
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(streams.update_stream, server, authorization, body, replace=False)
    return to_response(request, answer)


@api.put(STREAMS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def replace_stream(request: Request) -> Response:
    """Replace the receiver-supplied members (§8.1.1.4)."""
    body = await read_body(request)
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(streams.update_stream, server, authorization, body, replace=True)
    return to_response(request, answer)


@api.delete(STREAMS_PATH, status_code=204, openapi_extra=_CALL, responses=_ANSWERS)
async def delete_stream(request: Request) -> Response:
    """Delete the stream ``?stream_id=`` and its undelivered events (§8.1.1.5)."""
    stream_id = request.query_params.get("stream_id")
    answer = await off_loop(
        streams.delete_stream, server_of(request), _authorization(request), stream_id
    )
    return to_response(request, answer)


@api.get(STATUS_PATH, openapi_extra=_CALL, responses=_ANSWERS)
async def read_status(request: Request) -> Response:
    """The stream's status (§8.1.2.1)."""
    stream_id = request.query_params.get("stream_id")
    answer = await off_loop(
        streams.read_status, server_of(request), _authorization(request), stream_id
    )
    return to_response(request, answer)


@api.post(STATUS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def update_status(request: Request) -> Response:
    """Enable, pause or disable the stream (§8.1.2.2); a change pushes ``stream-updated``."""
    body = await read_body(request)
    answer = await off_loop(
        streams.update_status, server_of(request), _authorization(request), body
    )
    return to_response(request, answer)


@api.post(ADD_SUBJECT_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def add_subject(request: Request) -> Response:
    """Hear about a subject again (§8.1.3.2)."""
    body = await read_body(request)
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(streams.change_subjects, server, authorization, body, add=True)
    return to_response(request, answer)


@api.post(REMOVE_SUBJECT_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def remove_subject(request: Request) -> Response:
    """Hear no more about a subject (§8.1.3.3)."""
    body = await read_body(request)
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(streams.change_subjects, server, authorization, body, add=False)
    return to_response(request, answer)


@api.post(VERIFY_PATH, status_code=204, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def verify_stream(request: Request) -> Response:
    """Push a verification event with the receiver's ``state`` (§8.1.4.2)."""
    body = await read_body(request)
    answer = await off_loop(
        streams.verify_stream, server_of(request), _authorization(request), body
    )
    return to_response(request, answer)
