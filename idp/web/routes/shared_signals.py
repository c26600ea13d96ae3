"""The Shared Signals transmitter's routes (SSF 1.0 §7-§8): its configuration metadata
(``/.well-known/ssf-configuration``, from prepared bytes like the discovery document) and stream
management under ``/ssf/streams`` (JSON): glue only. The body (at most 64 KiB) is read on the event loop;
the licence check, the database and the outbox (:mod:`idp.oidc.shared_signals.streams`) run on the
thread pool (:mod:`idp.web.blocking`). docs/shared-signals.md describes the calls.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi import Request
from starlette.responses import Response

from idp.oidc.answer import Answer
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


async def _with_body(
    request: Request, operation: Callable[..., Answer], **options: Any
) -> Response:
    """Run a management ``operation`` that takes the request's JSON body, off the event loop."""
    body = await read_body(request)
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(operation, server, authorization, body, **options)
    return to_response(request, answer)


async def _of_stream(request: Request, operation: Callable[..., Answer]) -> Response:
    """Run a management ``operation`` on the stream ``?stream_id=``, off the event loop."""
    stream_id = request.query_params.get("stream_id")
    server, authorization = server_of(request), _authorization(request)
    answer = await off_loop(operation, server, authorization, stream_id)
    return to_response(request, answer)


@api.post(STREAMS_PATH, status_code=201, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def create_stream(request: Request) -> Response:
    """Create the client's stream (§8.1.1.1); 409 when it has one."""
    return await _with_body(request, streams.create_stream)


@api.get(STREAMS_PATH, openapi_extra=_CALL, responses=_ANSWERS)
async def read_streams(request: Request) -> Response:
    """The client's streams (an array), or one (``?stream_id=``) (§8.1.1.2)."""
    return await _of_stream(request, streams.read_streams)


@api.patch(STREAMS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def update_stream(request: Request) -> Response:
    """Change the members given (§8.1.1.3)."""
    return await _with_body(request, streams.update_stream, replace=False)


@api.put(STREAMS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def replace_stream(request: Request) -> Response:
    """Replace the receiver-supplied members (§8.1.1.4)."""
    return await _with_body(request, streams.update_stream, replace=True)


@api.delete(STREAMS_PATH, status_code=204, openapi_extra=_CALL, responses=_ANSWERS)
async def delete_stream(request: Request) -> Response:
    """Delete the stream ``?stream_id=`` and its undelivered events (§8.1.1.5)."""
    return await _of_stream(request, streams.delete_stream)


@api.get(STATUS_PATH, openapi_extra=_CALL, responses=_ANSWERS)
async def read_status(request: Request) -> Response:
    """The stream's status (§8.1.2.1)."""
    return await _of_stream(request, streams.read_status)


@api.post(STATUS_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def update_status(request: Request) -> Response:
    """Enable, pause or disable the stream (§8.1.2.2); a change pushes ``stream-updated``."""
    return await _with_body(request, streams.update_status)


@api.post(ADD_SUBJECT_PATH, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def add_subject(request: Request) -> Response:
    """Hear about a subject again (§8.1.3.2)."""
    return await _with_body(request, streams.change_subjects, add=True)


@api.post(REMOVE_SUBJECT_PATH, status_code=204, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def remove_subject(request: Request) -> Response:
    """Hear no more about a subject (§8.1.3.3)."""
    return await _with_body(request, streams.change_subjects, add=False)


@api.post(VERIFY_PATH, status_code=204, openapi_extra=_WITH_BODY, responses=_ANSWERS)
async def verify_stream(request: Request) -> Response:
    """Push a verification event with the receiver's ``state`` (§8.1.4.2)."""
    return await _with_body(request, streams.verify_stream)
