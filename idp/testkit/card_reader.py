"""``vneid.card_reader()``: a simulated chip-card reader for tests (đầu đọc thẻ giả lập), driven over the
provider's card reader API (``/api/card-reader/sessions``) as a kiosk's or a counter's software drives
it, plus the scripted tap a test makes in place of a person holding a card.

The tap gives the right access key (ICAO 9303 Basic Access Control's MRZ information: card number, date
of birth, date of expiry) read from the card's chip document (``/sandbox/cards/{who}``) unless the test
gives some or all of it; a refused call raises :class:`CardReaderError` with the API's RFC 6749 error.
"""

import base64
from collections.abc import Callable
from collections.abc import Mapping
from contextlib import suppress
from datetime import date
from types import TracebackType
from typing import Any

import httpx

from idp.testkit.tokens import TokenError

API = "/api/card-reader/sessions"
NO_EXPIRY = "<<<<<<"


class CardReaderError(TokenError):
    """The card reader's API refused (``status``, ``error``: ``access_denied`` for a wrong access key,
    ``too_many_attempts``, ``card_present``, ``no_card``, ``not_found``, ``invalid_request``)."""


def access_key_of(card: Mapping[str, Any]) -> dict[str, str]:
    """The access key printed on a card, from its chip document (``vneid.card(who)``)."""
    expires = card.get("expires_on")
    return {
        "card_number": str(card["card_number"]),
        "birth_date": date.fromisoformat(card["birth_date"]).strftime("%y%m%d"),
        "expiry_date": date.fromisoformat(expires).strftime("%y%m%d") if expires else NO_EXPIRY,
    }


class CardReader:
    """One reader on the provider; ``reader_url`` is its page, where a person can tap a card too."""

    def __init__(
        self,
        http: httpx.Client,
        issuer: str,
        card: Callable[[str], dict[str, Any]],
        opened: Mapping[str, Any],
    ) -> None:
        self._http = http
        self._issuer = issuer
        self._card = card
        self.reader_id = str(opened["reader_id"])
        self.reader_url = str(opened["reader_url"])
        self.expires_in = int(opened["expires_in"])

    @classmethod
    def open(
        cls,
        http: httpx.Client,
        issuer: str,
        card: Callable[[str], dict[str, Any]],
        label: str | None = None,
    ) -> "CardReader":
        """A new reader on the provider at ``issuer``; ``card(who)`` gives a card's chip document."""
        response = http.post(f"{issuer}{API}", json={"label": label} if label else None)
        _raise_for(response)
        return cls(http, issuer, card, response.json())

    @classmethod
    def attach(
        cls,
        http: httpx.Client,
        issuer: str,
        card: Callable[[str], dict[str, Any]],
        reader_id: str,
    ) -> "CardReader":
        """The reader ``reader_id`` that something else opened (a kiosk's or a counter's software, whose
        page links to it): taps go to it as a person would on its page."""
        response = http.get(f"{issuer}{API}/{reader_id}")
        _raise_for(response)
        opened = {
            "reader_id": reader_id,
            "reader_url": f"{issuer}/card-reader/{reader_id}",
            "expires_in": response.json()["expires_in"],
        }
        return cls(http, issuer, card, opened)

    def tap(
        self,
        who: str,
        access_key: Mapping[str, str] | None = None,
        face: str | None = None,
    ) -> None:
        """Tap ``who``'s card (a persona key or a PIN) with ``access_key`` (its fields replace those
        of the card's right key: ``{"birth_date": "000101"}`` is a wrong one); ``face``: who stands in
        front of the camera (a persona key or a PIN; the card holder unless given)."""
        key = access_key_of(self._card(who)) | dict(access_key or {})
        body: dict[str, Any] = {"card": who, "access_key": key}
        if face is not None:
            body["face"] = face
        self._request("POST", "/tap", body)

    def state(self) -> dict[str, Any]:
        """The reader as its API answers: ``{"status": "waiting", …}`` or ``card_present`` with the
        ``application_id`` and the ``files`` (base64)."""
        found: dict[str, Any] = self._request("GET", "")
        return found

    def files(self) -> dict[str, bytes]:
        """The files the reader read from the opened chip (EF.COM, DG1, DG2, DG13, DG14, DG15,
        EF.SOD), in the chip's order; empty while no card is open on it."""
        read = self.state().get("files") or {}
        return {name: base64.b64decode(data) for name, data in read.items()}

    def internal_authenticate(self, challenge: bytes) -> bytes:
        """The chip's Active Authentication answer (ECDSA ``r || s``) to an 8-byte ``challenge``."""
        body = {"challenge": base64.b64encode(challenge).decode("ascii")}
        return base64.b64decode(self._request("POST", "/internal-authenticate", body)["signature"])

    def camera(self) -> bytes:
        """A photo (JPEG) of the person in front of the camera; each call a new shot."""
        response = self._http.get(f"{self._issuer}{API}/{self.reader_id}/camera")
        _raise_for(response)
        return response.content

    def remove(self) -> None:
        """Take the card off the reader (its wrong access keys are forgotten); the reader waits."""
        self._request("DELETE", "/card")

    def close(self) -> None:
        """Close the reader (its id answers 404 from now on)."""
        self._request("DELETE", "")

    def __enter__(self) -> "CardReader":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with suppress(CardReaderError):  # closed already, or expired
            self.close()

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self._issuer}{API}/{self.reader_id}{path}"
        response = self._http.request(method, url, json=body)
        _raise_for(response)
        return response.json() if response.content else None


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        found = response.json()
    except ValueError:
        found = None
    body = found if isinstance(found, dict) else {"error": f"http_{response.status_code}"}
    raise CardReaderError(response.status_code, body)
