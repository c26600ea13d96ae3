"""The app's client of the provider's simulated card reader (đầu đọc thẻ căn cước gắn chip), over HTTP
only, as a counter's or a kiosk's software speaks to the reader on its desk.

- ``POST /api/card-reader/sessions`` ``{"label"}``: a reader session (``reader_id``, ``reader_url``:
  the reader's page, where the operator puts the card on and the person stands at the camera,
  ``expires_in``);
- ``GET …/{id}``: ``waiting``, or ``card_present`` with the chip's files (base64, by name) as read
  through Basic Access Control (ICAO 9303 Part 11 §4.3);
- ``POST …/{id}/internal-authenticate`` ``{"challenge"}``: the chip's answer (Active Authentication,
  Part 11 §6.1);
- ``GET …/{id}/camera``: the live photo of the person at the reader's camera (JPEG);
- ``DELETE …/{id}``: the session is over.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from urllib.parse import urljoin

import httpx

SESSIONS = "/api/card-reader/sessions"
MAX_PHOTO_BYTES = 2 * 1024 * 1024


class ReaderError(Exception):
    """The reader refused or could not be reached: an error code and its description; ``gone`` when
    the reader session no longer exists (it expired, or was closed)."""

    def __init__(self, error: str, description: str = "", gone: bool = False) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.gone = gone


@dataclass(frozen=True)
class ReaderSession:
    """A reader session as the provider opened it."""

    reader_id: str
    reader_url: str
    """Absolute: the reader's page on the provider."""
    expires_in: int


class CardReader:
    """The reader sessions of the provider at ``issuer``."""

    def __init__(self, issuer: str, timeout: float) -> None:
        self.issuer = issuer.rstrip("/")
        self.timeout = timeout

    def endpoint(self, reader_id: str = "", action: str = "") -> str:
        path = SESSIONS + (f"/{quote(reader_id, safe='')}" if reader_id else "")
        return f"{self.issuer}{path}{f'/{action}' if action else ''}"

    async def open(self, label: str) -> tuple[ReaderSession, dict[str, Any]]:
        """A new reader session; with the provider's answer as it came (for the inspector)."""
        body = _object(await self._call("POST", self.endpoint(), json={"label": label}))
        try:
            session = ReaderSession(
                reader_id=str(body["reader_id"]),
                reader_url=urljoin(f"{self.issuer}/", str(body["reader_url"])),
                expires_in=int(body["expires_in"]),
            )
        except (KeyError, TypeError, ValueError):
            raise ReaderError("invalid_response", "The reader's answer has no reader_id.") from None
        return session, body

    async def state(self, reader_id: str) -> dict[str, Any]:
        """What the reader has now: ``{"status": "waiting"}`` or the card's files."""
        return _object(await self._call("GET", self.endpoint(reader_id)))

    async def internal_authenticate(self, reader_id: str, challenge: bytes) -> bytes:
        """The chip's signature of ``challenge``."""
        body = {"challenge": base64.b64encode(challenge).decode("ascii")}
        answer = _object(
            await self._call("POST", self.endpoint(reader_id, "internal-authenticate"), json=body)
        )
        try:
            return base64.b64decode(str(answer["signature"]), validate=True)
        except (KeyError, binascii.Error, ValueError):
            raise ReaderError("invalid_response", "The chip's answer is not base64.") from None

    async def camera(self, reader_id: str) -> bytes:
        """The camera's photo of the person at the reader (JPEG)."""
        response = await self._call("GET", self.endpoint(reader_id, "camera"))
        photo = response.content
        if not photo.startswith(b"\xff\xd8") or len(photo) > MAX_PHOTO_BYTES:
            raise ReaderError("invalid_response", "The camera's photo is not a JPEG.")
        return photo

    async def close(self, reader_id: str) -> None:
        """End the reader session; a reader already gone is as good."""
        try:
            await self._call("DELETE", self.endpoint(reader_id))
        except ReaderError:
            return

    async def _call(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as http:
                response = await http.request(method, url, **options)
        except httpx.HTTPError as exc:
            raise ReaderError("temporarily_unavailable", f"{url}: {exc}") from None
        if response.is_success:
            return response
        body = _json(response)
        error = str(body.get("error") or f"http_{response.status_code}")
        description = str(body.get("error_description") or f"HTTP {response.status_code}")
        raise ReaderError(error, description, gone=response.status_code in (404, 410))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _object(response: httpx.Response) -> dict[str, Any]:
    body = _json(response)
    if not body:
        raise ReaderError("invalid_response", f"{response.url}: not a JSON object")
    return body
