"""The push endpoint of identity events (RFC 8935 §2): ``POST /signals`` with a SET as
``application/secevent+jwt``. 202 and no body when the SET is accepted (a repeated one too: it was
applied once); 400 with ``{"err", "description"}`` (§2.3, §2.4) when it is refused, a body over 64 KiB
included (checked from ``Content-Length`` and while reading, before anything else); 401
``authentication_failed`` for the wrong ``Authorization`` (the provider tries again); 503 while the
app cannot take events yet (the provider tries again too). Glue only: :class:`~clients.rp.signals_receiver.SignalReceiver`
does the work."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.responses import Response

from clients.rp.security_events import SetError
from clients.rp.signals_receiver import NotReadyError
from clients.rp.signals_receiver import SignalReceiver

router = APIRouter()
MEDIA_TYPE = "application/secevent+jwt"
MAX_BYTES = 64 * 1024
RETRY_AFTER = "1"


@router.post("/signals", status_code=202, include_in_schema=False)
async def push(request: Request) -> Response:
    receiver: SignalReceiver = request.app.state.signals
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != MEDIA_TYPE:
        return _refused(SetError("invalid_request", f"the body must be {MEDIA_TYPE}"))
    body = await _capped_body(request)
    if body is None:
        return _refused(SetError("invalid_request", f"a SET is at most {MAX_BYTES} bytes"))
    try:
        await receiver.receive(request.headers.get("authorization"), body.decode("ascii"))
    except UnicodeDecodeError:
        return _refused(SetError("invalid_request", "a SET is ASCII text"))
    except SetError as error:
        return _refused(error)
    except NotReadyError as error:
        headers = {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}
        body_json = {"err": "temporarily_unavailable", "description": str(error)}
        return JSONResponse(body_json, status_code=503, headers=headers)
    return Response(status_code=202, headers={"Cache-Control": "no-store"})


async def _capped_body(request: Request) -> bytes | None:
    """The body, read no further than :data:`MAX_BYTES` (before the sender is authenticated, so
    nobody makes the app hold a large one); None when it is larger."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            return None
    return bytes(body)


def _refused(error: SetError) -> Response:
    body = {"err": error.err, "description": error.description}
    headers = {"Cache-Control": "no-store"}
    if error.status == 401:  # RFC 6750 §3: how to authenticate
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=error.status, headers=headers)
