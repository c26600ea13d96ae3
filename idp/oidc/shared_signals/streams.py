"""Stream management (SSF 1.0 §8.1): a licensed client configures its one stream, reads and changes its
status, removes or adds back subjects, and asks for a verification event.

Every call presents the access token of the client's client credentials grant with the
``shared_signals`` scope (:func:`idp.oidc.service_scopes.licensed_client`: 401 ``invalid_token``, 403
``insufficient_scope``). A client has at most one stream: a second creation is 409 (§8.1.1.1 allows
it). A ``stream_id`` that is not the client's own stream is 404, whether it exists or not. A body that
is not a JSON object of the documented members is 400 ``invalid_request`` naming what is wrong. Each
operation is one transaction; the events it produces (``verification``, ``stream-updated``) are
written to the outbox in it and the delivery worker is woken after. A stream that becomes disabled,
or enabled again after being disabled, drops the events it had not been sent (SSF §8.1.2: a disabled
stream holds none) but its status changes; a disabled stream is sent no verification event.
"""

import secrets
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import OAuth2Error
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from idp.oidc.answer import Answer
from idp.oidc.answer import from_authlib
from idp.oidc.answer import json_answer
from idp.oidc.clients import Client
from idp.oidc.service_scopes import SHARED_SIGNALS
from idp.oidc.service_scopes import licensed_client
from idp.oidc.shared_signals.event_types import DISABLED_STREAM_EVENTS
from idp.oidc.shared_signals.event_types import STREAM_UPDATED
from idp.oidc.shared_signals.event_types import SUBJECT_EVENTS
from idp.oidc.shared_signals.event_types import VERIFICATION
from idp.oidc.shared_signals.metadata import PUSH
from idp.oidc.untrusted_input import loads
from idp.state.signal_outbox import Event
from idp.state.signal_outbox import add_events
from idp.state.signal_outbox import drop_stream_events
from idp.state.signal_streams import DISABLED
from idp.state.signal_streams import STATUSES
from idp.state.signal_streams import Stream
from idp.state.signal_streams import add_stream
from idp.state.signal_streams import drop_stream
from idp.state.signal_streams import remove_subject
from idp.state.signal_streams import restore_subject
from idp.state.signal_streams import save_stream
from idp.state.signal_streams import stream_by_id
from idp.state.signal_streams import stream_of_client

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

Json = dict[str, Any]
MAX_TEXT = 1000
MAX_URL = 2000
MAX_HEADER = 4096
MAX_EVENTS = 20
MIN_VERIFICATION_INTERVAL = 0


class StreamError(OAuth2Error):  # type: ignore[misc]
    """An SSF error answer: its status and RFC 6749-style JSON."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description, status_code=status)
        self.error = error


def _bad(description: str) -> StreamError:
    return StreamError(400, "invalid_request", description)


NOT_FOUND = "No stream of this client has that stream_id."
CONFLICT = "The client has a stream already (one per client)."


def _error(error: StreamError) -> Answer:
    body = {"error": error.error, "error_description": error.description}
    return from_authlib(error.status_code, body, [])


Operation = Callable[["AuthorizationServer", Client, Connection], Answer]


def _managed(
    server: "AuthorizationServer", authorization: str | None, operation: Operation
) -> Answer:
    """``operation`` for the licensed client, in one transaction; errors as SSF answers."""
    try:
        client = licensed_client(server, authorization, SHARED_SIGNALS)
        with server.engine.begin() as connection:
            answer = operation(server, client, connection)
    except IntegrityError:  # a stream created meanwhile by a concurrent request of the client
        return _error(StreamError(409, "conflict", CONFLICT))
    except StreamError as error:
        return _error(error)
    except OAuth2Error as error:
        refused: Answer = server.handle_error_response(None, error)
        return refused
    server.signals.wake.set()
    return answer


def _object(body: bytes) -> Json:
    try:
        value = loads(body)  # a body nested too deep is bad JSON too, never a 500
    except (ValueError, UnicodeDecodeError):
        raise _bad("The body is not JSON.") from None
    if not isinstance(value, dict):
        raise _bad("The body is not a JSON object.")
    return value


def _text(value: Any, name: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value or len(value) > limit or not value.isprintable():
        raise _bad(f"{name} must be a string of 1 to {limit} printable characters.")
    return value


def _own_stream(connection: Connection, client: Client, stream_id: Any) -> Stream:
    stream_id = _text(stream_id, "stream_id", 64)
    stream = stream_by_id(connection, stream_id)
    if stream is None or stream.client_id != client.client_id:
        raise StreamError(404, "not_found", NOT_FOUND)
    return stream


def _delivery(value: Any) -> tuple[str, str | None]:
    if not isinstance(value, dict):
        raise _bad("delivery must be an object with method and endpoint_url.")
    if value.get("method") != PUSH:
        raise _bad(f"delivery.method must be {PUSH} (push delivery).")
    url = _text(value.get("endpoint_url"), "delivery.endpoint_url", MAX_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise _bad("delivery.endpoint_url must be an absolute http or https URL.")
    header = value.get("authorization_header")
    if header is not None:
        header = _text(header, "delivery.authorization_header", MAX_HEADER)
        if not header.isascii():
            raise _bad("delivery.authorization_header must be ASCII.")
    return url, header


def _events(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_EVENTS:
        raise _bad(f"events_requested must be an array of at most {MAX_EVENTS} event types.")
    return list(dict.fromkeys(_text(event, "events_requested[]", 200) for event in value))


def _description(value: Any) -> str | None:
    return None if value is None else _text(value, "description")


def _configured(stream: Stream, body: Json, *, replace: bool) -> Stream:
    """``stream`` with the receiver-supplied members of ``body``: all of them (``replace``, a PUT or
    a creation) or those present (a PATCH)."""
    if replace or "delivery" in body:
        url, header = _delivery(body.get("delivery"))
        stream = stream.but(endpoint_url=url, authorization_header=header)
    if replace or "events_requested" in body:
        stream = stream.but(events_requested=_events(body.get("events_requested", [])))
    if replace or "description" in body:
        stream = stream.but(description=_description(body.get("description")))
    return stream


def configuration(issuer: str, stream: Stream) -> Json:
    """The stream's configuration (§8.1.1), without the authorization header it keeps."""
    document: Json = {
        "stream_id": stream.stream_id,
        "iss": issuer,
        "aud": stream.client_id,
        "events_supported": list(SUBJECT_EVENTS),
        "events_requested": stream.events_requested,
        "events_delivered": [e for e in stream.events_requested if e in SUBJECT_EVENTS],
        "delivery": {"method": PUSH, "endpoint_url": stream.endpoint_url},
        "min_verification_interval": MIN_VERIFICATION_INTERVAL,
    }
    if stream.description is not None:
        document["description"] = stream.description
    return document


def _control_event(
    server: "AuthorizationServer", connection: Connection, stream: Stream, kind: str, payload: Json
) -> None:
    """A stream's own event (verification, stream-updated), about the stream (an opaque subject)."""
    subject = {"format": "opaque", "id": stream.stream_id}
    event = Event(
        stream.stream_id, stream.client_id, None, kind, subject, payload, uuid.uuid4().hex
    )
    add_events(connection, [event], at=server.clock.now(), due=time.time())


def create_stream(server: "AuthorizationServer", authorization: str | None, body: bytes) -> Answer:
    def create(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        fields = _object(body)
        if stream_of_client(connection, client.client_id) is not None:
            raise StreamError(409, "conflict", CONFLICT)
        empty = Stream(
            secrets.token_urlsafe(16), client.client_id, "", None, [], None, "enabled", None
        )
        stream = _configured(empty, fields, replace=True)
        add_stream(connection, stream, at=server.clock.now())  # unique per client: see _managed
        return json_answer(configuration(server.settings.issuer, stream), 201)

    return _managed(server, authorization, create)


def read_streams(
    server: "AuthorizationServer", authorization: str | None, stream_id: str | None
) -> Answer:
    def read(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        issuer = server.settings.issuer
        if stream_id is not None:
            return json_answer(configuration(issuer, _own_stream(connection, client, stream_id)))
        stream = stream_of_client(connection, client.client_id)
        return json_answer([] if stream is None else [configuration(issuer, stream)])

    return _managed(server, authorization, read)


def update_stream(
    server: "AuthorizationServer", authorization: str | None, body: bytes, *, replace: bool
) -> Answer:
    def update(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        fields = _object(body)
        stream = _configured(
            _own_stream(connection, client, fields.get("stream_id")), fields, replace=replace
        )
        save_stream(connection, stream)
        return json_answer(configuration(server.settings.issuer, stream))

    return _managed(server, authorization, update)


def delete_stream(
    server: "AuthorizationServer", authorization: str | None, stream_id: str | None
) -> Answer:
    def delete(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        stream = _own_stream(connection, client, stream_id)
        drop_stream_events(connection, stream.stream_id)
        drop_stream(connection, stream.stream_id)
        return Answer(204, b"", [("Cache-Control", "no-store")])

    return _managed(server, authorization, delete)


def _status(stream: Stream) -> Json:
    status: Json = {"stream_id": stream.stream_id, "status": stream.status}
    if stream.reason is not None:
        status["reason"] = stream.reason
    return status


def read_status(
    server: "AuthorizationServer", authorization: str | None, stream_id: str | None
) -> Answer:
    def read(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        return json_answer(_status(_own_stream(connection, client, stream_id)))

    return _managed(server, authorization, read)


def update_status(server: "AuthorizationServer", authorization: str | None, body: bytes) -> Answer:
    def update(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        fields = _object(body)
        stream = _own_stream(connection, client, fields.get("stream_id"))
        status = fields.get("status")
        if status not in STATUSES:
            raise _bad(f"status must be one of {', '.join(STATUSES)}.")
        reason = _description(fields.get("reason"))
        changed = stream.but(status=status, reason=reason)
        save_stream(connection, changed)
        if DISABLED in (stream.status, status):
            # §8.1.2: a disabled stream holds no events, so none it was owed goes out once enabled
            # again. Dropping on the way out of disabled too catches an event a change wrote while
            # this stream was being disabled.
            drop_stream_events(connection, stream.stream_id, keep=DISABLED_STREAM_EVENTS)
        if (stream.status, stream.reason) != (status, reason):
            payload: Json = {"event_timestamp": int(server.clock.now()), "status": status}
            if reason is not None:
                payload["reason"] = reason
            _control_event(server, connection, changed, STREAM_UPDATED, payload)
        return json_answer(_status(changed))

    return _managed(server, authorization, update)


def _subject_sub(server: "AuthorizationServer", value: Any) -> str:
    if not isinstance(value, dict) or value.get("format") != "iss_sub":
        raise _bad("subject must be an iss_sub subject identifier (RFC 9493).")
    if value.get("iss") != server.settings.issuer:
        raise _bad("subject.iss must be this transmitter's issuer.")
    return _text(value.get("sub"), "subject.sub", 64)


def change_subjects(
    server: "AuthorizationServer", authorization: str | None, body: bytes, *, add: bool
) -> Answer:
    """Add a subject back to the stream (``add``) or remove it (§8.1.3)."""

    def change(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        fields = _object(body)
        stream = _own_stream(connection, client, fields.get("stream_id"))
        sub = _subject_sub(server, fields.get("subject"))
        (restore_subject if add else remove_subject)(connection, stream.stream_id, sub)
        # §8.1.3.2 answers an added subject with an empty 200, §8.1.3.3 a removed one with a 204.
        return Answer(200 if add else 204, b"", [("Cache-Control", "no-store")])

    return _managed(server, authorization, change)


def verify_stream(server: "AuthorizationServer", authorization: str | None, body: bytes) -> Answer:
    """A verification event (§8.1.4) pushed on the stream, with the receiver's ``state``."""

    def verify(server: "AuthorizationServer", client: Client, connection: Connection) -> Answer:
        fields = _object(body)
        stream = _own_stream(connection, client, fields.get("stream_id"))
        payload: Json = {"event_timestamp": int(server.clock.now())}
        if fields.get("state") is not None:
            payload["state"] = _text(fields["state"], "state")
        if stream.status != DISABLED:  # §8.1.2: nothing is transmitted on a disabled stream
            _control_event(server, connection, stream, VERIFICATION, payload)
        return Answer(204, b"", [("Cache-Control", "no-store")])

    return _managed(server, authorization, verify)
