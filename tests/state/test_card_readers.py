"""The card readers' store (:mod:`idp.state.card_readers`) on every state store (memory, SQLite,
PostgreSQL, Redis): a reader comes back as it was kept, lives its time on the provider's clock (on
Redis too, whose keys expire by Redis's own clock), is changed atomically by threads racing on it, and
a change to a reader that is gone writes nothing."""

import functools
from dataclasses import replace
from datetime import date

from idp.chip.card import CardHolder
from idp.state.card_readers import MAX_WRONG_KEYS
from idp.state.card_readers import PREFIX
from idp.state.card_readers import READER_TTL
from idp.state.card_readers import CardReaders
from idp.state.card_readers import OnReader
from idp.state.card_readers import Reader
from idp.state.card_readers import holder_from
from idp.state.card_readers import holder_json
from idp.state.clock import Clock
from idp.state.store import StateStore
from tests.conftest import race

HOLDER = CardHolder(
    pin="001088999001",
    family_name="Nguyễn",
    middle_name="Văn",
    given_name="Bình",
    birth_date=date(1988, 3, 15),
    sex="male",
    nationality="Việt Nam",
    ethnicity="Kinh",
    religion="Không",
    origin="Phường Hoàn Kiếm, Thành phố Hà Nội",
    residence="Số 12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội",
    birth_registration="Thành phố Hà Nội",
    former_number=None,
    issued_on=date(2024, 9, 10),
    expires_on=None,
    issued_by="Bộ Công an",
    portrait_id=None,
)


def _readers(store: StateStore) -> tuple[CardReaders, Clock]:
    """The readers over ``store``, on the clock the store tells time by (Redis: one of its own)."""
    clock: Clock = getattr(store, "clock", None) or Clock()
    return CardReaders(store, clock), clock


def test_a_holder_comes_back_as_it_was_kept() -> None:
    assert holder_from(holder_json(HOLDER)) == HOLDER
    dated = replace(HOLDER, expires_on=date(2028, 3, 15), former_number="383096011")
    assert holder_from(holder_json(dated)) == dated
    assert holder_json(dated)["expires_on"] == "2028-03-15"


def test_a_reader_is_kept_with_its_card_and_lives_its_time(store: StateStore) -> None:
    readers, clock = _readers(store)
    clock.freeze()
    opened = readers.open("Quầy 3 " + "x" * 100)
    assert len(opened.label) == 80
    assert opened.expires_at == clock.now() + READER_TTL
    changed = readers.change(opened.id, lambda r: replace(r, card=OnReader(HOLDER, "031190999002")))
    assert changed is not None
    assert readers.find(opened.id) == changed
    assert changed.card == OnReader(HOLDER, "031190999002")
    clock.advance(READER_TTL - 1)
    assert readers.find(opened.id) is not None
    clock.advance(1)
    assert readers.find(opened.id) is None
    assert readers.change(opened.id, lambda r: replace(r, shots=9)) is None
    assert not readers.end(opened.id)


def test_a_change_keeps_the_readers_id_and_expiry(store: StateStore) -> None:
    readers, _ = _readers(store)
    opened = readers.open()
    changed = readers.change(opened.id, lambda r: replace(r, id="other", expires_at=0.0))
    assert changed is not None
    assert (changed.id, changed.expires_at) == (opened.id, opened.expires_at)


def test_an_ended_reader_is_gone(store: StateStore) -> None:
    readers, _ = _readers(store)
    opened = readers.open()
    assert readers.end(opened.id)
    assert readers.find(opened.id) is None
    assert not readers.end(opened.id)


def _wrong_key(readers: CardReaders, reader_id: str, _: int) -> Reader | None:
    return readers.change(reader_id, lambda r: replace(r, wrong_keys=r.wrong_keys + 1))


def test_racing_changes_are_all_kept(store: StateStore) -> None:
    """Eight wrong keys typed at once, on one reader: none is lost (a reader driven through several
    provider processes locks after five all the same)."""
    readers, _ = _readers(store)
    opened = readers.open()
    race(functools.partial(_wrong_key, readers, opened.id))
    found = readers.find(opened.id)
    assert found is not None
    assert found.wrong_keys == 8
    assert found.locked
    assert MAX_WRONG_KEYS < 8


def test_a_reader_gone_while_it_is_changed_is_not_written_back(store: StateStore) -> None:
    readers, _ = _readers(store)
    ghost = readers.open()
    readers.end(ghost.id)
    readers.find = lambda _: ghost  # type: ignore[method-assign,assignment]  # there a moment ago
    assert readers.change(ghost.id, lambda r: replace(r, shots=1)) is None
    assert store.get(PREFIX + ghost.id) is None
