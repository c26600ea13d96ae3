"""The single sign-on session as the state store keeps it: saved and loaded whole."""

from dataclasses import fields

from idp.login.session import LoginSession
from idp.login.session import load_session
from idp.login.session import save_session
from idp.login.session import start_session
from idp.state.memory_store import MemoryStateStore


def test_a_session_comes_back_as_it_was_saved() -> None:
    store = MemoryStateStore()
    session = start_session("001088999001", 2, "pwd")
    session.add_factor("otp")
    save_session(store, session, ttl=60)
    loaded = load_session(store, session.sid)
    assert loaded == session
    assert loaded is not None
    assert loaded.factors is not session.factors
    kept = store.get(f"session:{session.sid}")
    assert kept is not None
    assert set(kept) == {field.name for field in fields(LoginSession)}


def test_a_later_change_to_the_session_is_not_in_the_store() -> None:
    store = MemoryStateStore()
    session = start_session("001088999001", 1, "pwd")
    save_session(store, session, ttl=60)
    session.add_factor("otp")
    loaded = load_session(store, session.sid)
    assert loaded is not None
    assert [f["method"] for f in loaded.factors] == ["pwd"]
