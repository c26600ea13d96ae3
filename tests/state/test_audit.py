"""The audit table: rows commit with the caller's transaction, or vanish with its rollback, each at the
time its caller gives."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.database import connect
from idp.state.audit import AUTHENTICATION
from idp.state.audit import DISCLOSURE
from idp.state.audit import create_audit_table
from idp.state.audit import events_for
from idp.state.audit import record_event

AT = 1_750_000_000.0


def test_rows_commit_with_the_transaction_and_roll_back_with_it(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    create_audit_table(engine)
    with engine.begin() as connection:
        record_event(connection, AUTHENTICATION, "success", at=AT, pin="001088999001", method="pwd")
        record_event(
            connection,
            DISCLOSURE,
            "released",
            at=AT + 1,
            pin="001088999001",
            client_id="rp",
            acr="LoA2",
            claims=["name", "birthdate"],
        )
    with pytest.raises(RuntimeError):
        _fail_after_recording(engine)
    events = events_for(engine, "001088999001")
    assert [(e.kind, e.outcome) for e in events] == [
        (DISCLOSURE, "released"),
        (AUTHENTICATION, "success"),
    ]
    assert events[0].claims == ["birthdate", "name"]
    assert [e.at for e in events] == [AT + 1, AT]
    assert events_for(engine, "001088999001", AUTHENTICATION)[0].method == "pwd"
    assert events_for(engine, "079087999009") == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 2


def _fail_after_recording(engine: Engine) -> None:
    with engine.begin() as connection:
        record_event(connection, AUTHENTICATION, "failure", at=AT + 2, pin="001088999001")
        raise RuntimeError("the process dies before the commit")
