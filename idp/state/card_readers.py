"""Card readers (đầu đọc thẻ căn cước gắn chip): the simulated NFC readers of kiosks and counters, kept in
the state store by :class:`CardReaders`, which owns their keys (``card-reader:<id>``).

A reader lives :data:`READER_TTL` seconds from its opening, on the provider's clock (its ``expires_at``
is checked on every read, so a moved clock expires it on Redis too, whose keys expire by Redis's own
clock). It holds what a reader knows, never a key: the card placed on it but not opened yet (the page's
chosen card), the card whose chip it opened with the card holder's data as the chip carries it (ICAO 9303
LDS: the chip is rebuilt from that data on demand, its key derived again from the CA seed, so no private
key is stored), the PIN of the person in front of its camera, the wrong access keys typed since the card
was placed, the number of photos taken, and a message for the next showing of its page. Every change
is one atomic :meth:`StateStore.update`, so that readers driven through several provider processes (the
SQL and Redis stores) never lose a wrong key or a photo.
"""

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from datetime import date
from typing import Any

from idp.chip.card import CardHolder
from idp.state.clock import Clock
from idp.state.store import JsonObject
from idp.state.store import StateStore

PREFIX = "card-reader:"
READER_TTL = 600
"""Seconds a reader lives after it is opened."""
MAX_WRONG_KEYS = 5
"""Wrong access keys after which the reader takes no key until the card is removed."""
LABEL_LENGTH = 80
_DATES = {"birth_date", "issued_on", "expires_on"}


@dataclass(frozen=True)
class OnReader:
    """A card whose chip the reader opened, and who stands in front of the camera (a PIN)."""

    holder: CardHolder
    face: str


@dataclass(frozen=True)
class Reader:
    """One reader as the store holds it."""

    id: str
    label: str
    expires_at: float
    chosen: CardHolder | None = None
    """A card placed on the reader whose access key was not given yet (the page's first step)."""
    card: OnReader | None = None
    wrong_keys: int = 0
    shots: int = 0
    notice: str = ""
    notice_status: int = 200

    @property
    def locked(self) -> bool:
        """Too many wrong access keys: the card must be removed before another key is tried."""
        return self.wrong_keys >= MAX_WRONG_KEYS


class _GoneError(Exception):
    """The reader ended or expired while it was being changed (nothing is written)."""


def holder_json(holder: CardHolder) -> JsonObject:
    """The card holder's data as JSON (dates in ISO 8601)."""
    out: JsonObject = {}
    for item in fields(CardHolder):
        value = getattr(holder, item.name)
        out[item.name] = value.isoformat() if isinstance(value, date) else value
    return out


def holder_from(data: JsonObject) -> CardHolder:
    values: dict[str, Any] = {}
    for item in fields(CardHolder):
        value = data.get(item.name)
        is_date = item.name in _DATES and isinstance(value, str)
        values[item.name] = date.fromisoformat(str(value)) if is_date else value
    return CardHolder(**values)


def _to_json(reader: Reader) -> JsonObject:
    card = reader.card
    return {
        "id": reader.id,
        "label": reader.label,
        "expires_at": reader.expires_at,
        "chosen": None if reader.chosen is None else holder_json(reader.chosen),
        "card": None if card is None else {"holder": holder_json(card.holder), "face": card.face},
        "wrong_keys": reader.wrong_keys,
        "shots": reader.shots,
        "notice": reader.notice,
        "notice_status": reader.notice_status,
    }


def _from_json(data: JsonObject) -> Reader:
    chosen, card = data.get("chosen"), data.get("card")
    return Reader(
        id=str(data["id"]),
        label=str(data["label"]),
        expires_at=float(data["expires_at"]),
        chosen=None if chosen is None else holder_from(chosen),
        card=None if card is None else OnReader(holder_from(card["holder"]), str(card["face"])),
        wrong_keys=int(data["wrong_keys"]),
        shots=int(data["shots"]),
        notice=str(data["notice"]),
        notice_status=int(data["notice_status"]),
    )


class CardReaders:
    """The readers, in the state store, on the provider's clock."""

    def __init__(self, store: StateStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def open(self, label: str = "") -> Reader:
        """A new reader, with an unguessable id (its page's address is all it takes to drive it)."""
        reader = Reader(
            secrets.token_urlsafe(24), label[:LABEL_LENGTH], self.clock.now() + READER_TTL
        )
        self.store.put(PREFIX + reader.id, _to_json(reader), READER_TTL)
        return reader

    def find(self, reader_id: str) -> Reader | None:
        """The live reader, or None (unknown, ended or expired)."""
        data = self.store.get(PREFIX + reader_id[:64])
        return self._live(data)

    def change(self, reader_id: str, change: Callable[[Reader], Reader]) -> Reader | None:
        """Atomically replace the live reader by ``change`` of it (which must be pure: it runs again
        when another process changed the reader first); the new reader, or None when it is gone."""
        found = self.find(reader_id)
        if found is None:
            return None

        def changed(data: JsonObject | None) -> JsonObject:
            current = self._live(data)
            if current is None:
                raise _GoneError
            return _to_json(replace(change(current), id=current.id, expires_at=current.expires_at))

        ttl = max(1, math.ceil(found.expires_at - self.clock.now()))
        try:
            return _from_json(self.store.update(PREFIX + found.id, changed, ttl))
        except _GoneError:
            return None

    def end(self, reader_id: str) -> bool:
        """Forget the reader; whether it was live."""
        return self._live(self.store.take(PREFIX + reader_id[:64])) is not None

    def _live(self, data: JsonObject | None) -> Reader | None:
        if data is None:
            return None
        reader = _from_json(data)
        return reader if self.clock.now() < reader.expires_at else None
