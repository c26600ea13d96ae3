"""What a card reader does (thao tác của đầu đọc thẻ), for its page and its API alike: open, take a card
and its access key, show what it reads, answer INTERNAL AUTHENTICATE, take a photo, let the card go.

A card is named by a persona key or a PIN; its chip is built from the card holder's data as the card says
it when it is placed (:func:`idp.chip.holders.card_holder`) and opens only with its access key
(ICAO 9303 Part 11 §4.3, :meth:`idp.chip.card.Chip.opens_with`). Every wrong key is counted; after
:data:`~idp.state.card_readers.MAX_WRONG_KEYS` the reader takes no key until the card is removed. The
chip the reader reads is the one made from the data kept when the card was placed, rebuilt on every
read: a change to the citizen's record afterwards is not on the card (as on a real one). The camera
photographs the person in front of it (:func:`idp.chip.portrait.live_photo`), the card holder unless
another citizen was named: every citizen has a face, whether or not their card has a photo.
"""

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum

from sqlalchemy import select

from idp.card_reader.access_keys import AccessKey
from idp.chip.card import FILE_ORDER
from idp.chip.card import CardHolder
from idp.chip.card import Chip
from idp.chip.card import build_chip
from idp.chip.holders import card_holder
from idp.chip.portrait import live_photo
from idp.chip.portrait import portrait_id
from idp.login.headless import pin_of
from idp.oidc.server import AuthorizationServer
from idp.population_db.models import Citizen
from idp.population_db.models import table_of
from idp.state.card_readers import CardReaders
from idp.state.card_readers import OnReader
from idp.state.card_readers import Reader

APPLICATION_ID = "A0000002471001"
"""The application a reader selects on a Vietnamese identity card's chip (domain reference §3.2)."""
_CITIZEN = table_of(Citizen)


class Refused(StrEnum):
    """Why a reader did not do what it was asked."""

    GONE = "gone"
    """The reader is unknown, ended or expired."""
    NO_SUCH_CARD = "no_such_card"
    """Nobody by that name holds an identity card."""
    NO_SUCH_PERSON = "no_such_person"
    """Nobody by that name is in the population database (the camera's subject)."""
    WRONG_KEY = "wrong_key"
    LOCKED = "locked"
    """Too many wrong keys: the card must be removed first."""
    OCCUPIED = "occupied"
    """A card is on the reader already."""
    NO_CARD = "no_card"
    """No opened card is on the reader."""


def readers(server: AuthorizationServer) -> CardReaders:
    return CardReaders(server.store, server.clock)


def open_reader(server: AuthorizationServer, label: str) -> Reader:
    return readers(server).open(label)


def holder_of(server: AuthorizationServer, who: str) -> CardHolder | None:
    """The holder of the card of ``who`` (a persona key or a PIN) as the card says."""
    pin = pin_of(who.strip())
    if pin is None:
        return None
    secret = server.settings.subject_secret.get_secret_value()
    with server.engine.connect() as connection:
        return card_holder(connection, pin, secret)


def citizen_name(server: AuthorizationServer, who: str) -> tuple[str, str] | None:
    """The PIN and full name of the citizen ``who`` names, or None."""
    pin = pin_of(who.strip())
    if pin is None:
        return None
    names = select(_CITIZEN.c.family_name, _CITIZEN.c.middle_name, _CITIZEN.c.given_name)
    with server.engine.connect() as connection:
        row = connection.execute(names.where(_CITIZEN.c.pin == pin)).one_or_none()
    return None if row is None else (pin, " ".join(part for part in row if part))


def chip_of(server: AuthorizationServer, holder: CardHolder) -> Chip:
    """The chip of ``holder``'s card (built once per holder and cached by :func:`build_chip`)."""
    return build_chip(holder, server.settings.chip_seed.get_secret_value())


def tap(
    server: AuthorizationServer, reader_id: str, card: str, key: AccessKey, face: str = ""
) -> Reader | Refused:
    """Tap the card of ``card`` (a persona key or a PIN) on the reader with ``key``; ``face`` (a
    persona key or a PIN; empty: the card holder) stands in front of the camera."""
    if readers(server).find(reader_id) is None:
        return Refused.GONE
    holder = holder_of(server, card)
    if holder is None:
        return Refused.NO_SUCH_CARD
    person = citizen_name(server, face) if face.strip() else None
    if face.strip() and person is None:
        return Refused.NO_SUCH_PERSON
    return place(server, reader_id, holder, key, person[0] if person else None)


def place(
    server: AuthorizationServer,
    reader_id: str,
    holder: CardHolder,
    key: AccessKey,
    face: str | None = None,
) -> Reader | Refused:
    """Put ``holder``'s card on the reader and open its chip with ``key``; ``face`` (a PIN) stands
    in front of the camera, else the card holder. A wrong key leaves the card on the reader unopened."""
    opens = chip_of(server, holder).opens_with(key.card_number, key.birth_date, key.expiry_date)

    def tapped(reader: Reader) -> tuple[Reader, Refused | None]:
        if reader.card is not None:
            return reader, Refused.OCCUPIED
        if reader.locked:
            return reader, Refused.LOCKED
        if not opens:
            return replace(
                reader, chosen=holder, wrong_keys=reader.wrong_keys + 1
            ), Refused.WRONG_KEY
        on_reader = OnReader(holder, face or holder.pin)
        return replace(reader, chosen=None, card=on_reader, wrong_keys=0), None

    return _change(server, reader_id, tapped)


def choose(server: AuthorizationServer, reader_id: str, holder: CardHolder) -> Reader | Refused:
    """Put ``holder``'s card on the reader, its key not given yet (the page's first step)."""

    def chosen(reader: Reader) -> tuple[Reader, Refused | None]:
        if reader.card is not None:
            return reader, Refused.OCCUPIED
        if reader.locked:
            return reader, Refused.LOCKED
        return replace(reader, chosen=holder), None

    return _change(server, reader_id, chosen)


def face_at_camera(server: AuthorizationServer, reader_id: str, pin: str) -> Reader | Refused:
    """Someone else (``pin``) stands in front of the camera of a reader with an opened card."""

    def faced(reader: Reader) -> tuple[Reader, Refused | None]:
        if reader.card is None:
            return reader, Refused.NO_CARD
        return replace(reader, card=replace(reader.card, face=pin)), None

    return _change(server, reader_id, faced)


def _change(
    server: AuthorizationServer,
    reader_id: str,
    step: Callable[[Reader], tuple[Reader, Refused | None]],
) -> Reader | Refused:
    """Apply ``step`` to the reader atomically: the reader it makes is kept (a wrong key is counted
    though refused); the answer is the refusal it gave, or the reader."""
    refused: list[Refused] = []

    def changed(reader: Reader) -> Reader:
        refused.clear()  # the change runs again when another process changed the reader first
        after, refusal = step(reader)
        if refusal is not None:
            refused.append(refusal)
        return after

    kept = readers(server).change(reader_id, changed)
    if kept is None:
        return Refused.GONE
    return refused[0] if refused else kept


def remove(server: AuthorizationServer, reader_id: str) -> Reader | None:
    """The card taken off the reader (the wrong keys are forgotten); None when the reader is gone."""
    return readers(server).change(
        reader_id, lambda reader: replace(reader, chosen=None, card=None, wrong_keys=0)
    )


def files(server: AuthorizationServer, reader: Reader) -> dict[str, bytes]:
    """The files the reader reads from the opened card, in the chip's order; none without a card."""
    if reader.card is None:
        return {}
    chip = chip_of(server, reader.card.holder)
    return {name: chip.files[name] for name in FILE_ORDER if name in chip.files}


def internal_authenticate(
    server: AuthorizationServer, reader_id: str, challenge: bytes
) -> bytes | Refused:
    """The opened chip's Active Authentication answer (``r || s``) to an 8-byte ``challenge``."""
    reader = readers(server).find(reader_id)
    if reader is None:
        return Refused.GONE
    if reader.card is None:
        return Refused.NO_CARD
    return chip_of(server, reader.card.holder).internal_authenticate(challenge)


def photo(server: AuthorizationServer, reader_id: str) -> bytes | Refused:
    """The camera's photo (JPEG) of the person in front of it; each photo a new shot."""
    counted = readers(server).change(
        reader_id, lambda r: replace(r, shots=r.shots + 1) if r.card is not None else r
    )
    if counted is None:
        return Refused.GONE
    if counted.card is None:
        return Refused.NO_CARD
    face_id = portrait_id(counted.card.face, server.settings.subject_secret.get_secret_value())
    return live_photo(face_id, counted.shots)


def end(server: AuthorizationServer, reader_id: str) -> bool:
    """Close the reader; whether it was open."""
    return readers(server).end(reader_id)
