"""What the provider received (yêu cầu đã nhận), for tests that check what their application sent:
mock-oauth2-server's ``takeRequest``, kept for the protocol endpoints (authorization, token,
userinfo, revocation, introspection, logout, registration).

Each request is kept with its endpoint, method, the client it names (``client_id``, HTTP Basic or a
client assertion's ``sub``), its parameters (query and form),
the scheme of its ``Authorization`` header and the provider's time. A ``client_secret`` (in the form or
in HTTP Basic) is never kept: it shows as ``[redacted]``. The last :data:`KEPT` requests are kept.
"""

from collections import deque
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from idp.sandbox.owners import token_request_client

KEPT = 1000
REDACTED = "[redacted]"
SECRET_PARAMETERS = frozenset(
    {"client_secret", "client_notification_token", "consentId"}
)  # CIBA ping credential


@dataclass(frozen=True)
class Received:
    endpoint: str
    method: str
    client_id: str | None
    parameters: dict[str, list[str]]
    authorization: str | None
    """The ``Authorization`` header's scheme (``Basic``, ``Bearer``), never its credentials."""
    at: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _parameters(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in items:
        found.setdefault(name, []).append(REDACTED if name in SECRET_PARAMETERS else value)
    return found


_Raw = tuple[str, str, list[tuple[str, str]], str | None, float]


def _read(raw: _Raw) -> Received:
    endpoint, method, items, authorization, at = raw
    parameters = _parameters(items)
    client_id = token_request_client(dict(items), authorization)
    scheme = authorization.partition(" ")[0] if authorization else None
    return Received(endpoint, method, client_id, parameters, scheme, at)


class Recorder:
    """The last :data:`KEPT` requests of one provider, kept as they came and read when asked for
    (recording is on every protocol request's path)."""

    def __init__(self) -> None:
        self._received: deque[_Raw] = deque(maxlen=KEPT)

    def record(
        self,
        endpoint: str,
        method: str,
        items: list[tuple[str, str]],
        authorization: str | None,
        at: float,
    ) -> None:
        self._received.append((endpoint, method, items, authorization, at))  # atomic in CPython

    def received(self, endpoint: str | None = None, client_id: str | None = None) -> list[Received]:
        entries = [_read(raw) for raw in self._received.copy()]
        return [
            entry
            for entry in entries
            if (endpoint is None or entry.endpoint == endpoint)
            and (client_id is None or entry.client_id == client_id)
        ]

    def clear(self) -> None:
        self._received.clear()
