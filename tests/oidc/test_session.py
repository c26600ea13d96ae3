"""The single sign-on session as the state store keeps it: saved and loaded whole."""

from dataclasses import fields

from idp.oidc.session import Factor
from idp.oidc.session import LoginSession
from idp.oidc.session import SessionStore
from idp.oidc.session import start_session
from idp.state.clock import Clock
from idp.state.memory_store import MemoryStateStore

PASSWORD = (Factor("pwd", 1_700_000_000),)


def test_a_session_comes_back_as_it_was_saved() -> None:
    store = MemoryStateStore(Clock())
    session = start_session("001088999001", 2, PASSWORD)
    session.add_factor("otp", 1_700_000_060)
    SessionStore(store, 60).save(session)
    loaded = SessionStore(store, 60).load(session.sid)
    assert loaded == session
    assert loaded is not None
    assert loaded.factors is not session.factors
    kept = store.get(f"session:{session.sid}")
    assert kept is not None
    assert set(kept) == {field.name for field in fields(LoginSession)}


def test_a_later_change_to_the_session_is_not_in_the_store() -> None:
    store = MemoryStateStore(Clock())
    session = start_session("001088999001", 1, PASSWORD)
    SessionStore(store, 60).save(session)
    session.add_factor("otp", 1_700_000_060)
    loaded = SessionStore(store, 60).load(session.sid)
    assert loaded is not None
    assert [f["method"] for f in loaded.factors] == ["pwd"]
