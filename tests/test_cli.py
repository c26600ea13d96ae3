"""The ``vneid-mock`` command line, including its errors: one line, non-zero exit, never a traceback."""

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from typer.testing import Result

from idp.cli import app
from idp.oidc.accounts import subject_for
from idp.oidc.shared_signals.event_types import ACCOUNT_DISABLED
from idp.oidc.shared_signals.event_types import ACCOUNT_ENABLED
from idp.population_db.database import connect
from idp.population_db.personas import PERSONAS
from idp.settings import IdPSettings
from idp.state.consents import create_consent_table
from idp.state.consents import remember
from idp.state.grant_index import create_grant_index_table
from idp.state.grant_index import index_grant
from idp.state.signal_outbox import create_outbox_table
from idp.state.signal_outbox import recent_events
from idp.state.signal_streams import Stream
from idp.state.signal_streams import add_stream
from idp.state.signal_streams import create_stream_tables

runner = CliRunner()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.sqlite3'}"
    result = runner.invoke(
        app, ["population", "seed", "--count", "1500", "--seed", "5", "--database", url]
    )
    assert result.exit_code == 0, result.output
    assert "Added 1500 citizens of seed 5 and 9 personas." in result.output
    return url


def _assert_one_line_error(result: Result, fragment: str) -> None:
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert fragment in lines[0]


def test_seed_shows_a_progress_bar_and_is_idempotent(database: str) -> None:
    result = runner.invoke(
        app, ["population", "seed", "--count", "1500", "--seed", "5", "--database", database]
    )
    assert result.exit_code == 0
    assert "Seeding citizens" in result.output
    assert "Nothing to add" in result.output


def test_seed_with_another_seed_is_refused(database: str) -> None:
    result = runner.invoke(
        app, ["population", "seed", "--count", "1500", "--seed", "6", "--database", database]
    )
    assert result.exit_code == 1
    assert "already holds seed 5" in result.output
    assert "Traceback" not in result.output


def test_seed_reset_replaces_the_population(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    runner.invoke(app, ["population", "seed", "--count", "50", "--seed", "1", "--database", url])
    result = runner.invoke(
        app, ["population", "seed", "--count", "60", "--seed", "2", "--reset", "--database", url]
    )
    assert result.exit_code == 0, result.output
    assert "Added 60 citizens of seed 2" in result.output


def test_seed_refuses_a_negative_count(database: str) -> None:
    result = runner.invoke(app, ["population", "seed", "--count", "-5", "--database", database])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_show_prints_every_linked_record(database: str) -> None:
    result = runner.invoke(app, ["population", "show", "001088999001", "--database", database])
    assert result.exit_code == 0, result.output
    for text in ("Nguyễn Văn Bình", "Hàng Bạc", "Phường Hoàn Kiếm", "Thẻ căn cước", "DN4010199990001",
                 "29-Z9 990.01", "Giấy phép lái xe 019999990002", "Mức 2", "Trần Thị Hoa"):  # fmt: skip
        assert text in result.output, text


def test_show_an_invalid_pin(database: str) -> None:
    result = runner.invoke(app, ["population", "show", "12345", "--database", database])
    _assert_one_line_error(result, "is not a valid PIN")


def test_show_an_unknown_pin(database: str) -> None:
    result = runner.invoke(app, ["population", "show", "001088000000", "--database", database])
    _assert_one_line_error(result, "no citizen with PIN 001088000000")


def test_cards_show_prints_the_chip(database: str) -> None:
    result = runner.invoke(app, ["cards", "show", "001088999001", "--database", database])
    assert result.exit_code == 0, result.output
    for text in ("Nguyễn Văn Bình", "IDVNM088999001", "NGUYEN<<VAN<BINH", "A0000002471001",
                 "EF.SOD", "DG13", "088999001"):  # fmt: skip
        assert text in result.output, text


def test_cards_show_json_gives_every_file_and_the_ca(database: str) -> None:
    result = runner.invoke(app, ["cards", "show", "001088999001", "--json", "--database", database])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert list(document["files"]) == ["EF.COM", "DG1", "DG2", "DG13", "DG14", "DG15", "EF.SOD"]
    dg1 = base64.b64decode(document["files"]["DG1"])
    assert dg1[-90:].decode() == "".join(document["mrz"])
    assert hashlib.sha256(dg1).hexdigest() == document["sha256"]["DG1"]
    assert document["csca_pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert document["qr"].split("|")[:3] == [
        "001088999001",
        document["qr"].split("|")[1],
        "Nguyễn Văn Bình",
    ]


@pytest.mark.parametrize(
    ("pin", "message"), [("12345", "is not a valid PIN"), ("001088000000", "no identity card")]
)
def test_cards_show_refuses_a_pin_without_a_card(database: str, pin: str, message: str) -> None:
    result = runner.invoke(app, ["cards", "show", pin, "--database", database])
    _assert_one_line_error(result, message)


def test_stats_tables(database: str) -> None:
    result = runner.invoke(app, ["population", "stats", "--database", database])
    assert result.exit_code == 0
    assert "Nguyễn" in result.output
    assert "Kinh" in result.output
    assert "│ ages on           │ 2026-07-01 │" in result.output


def test_stats_json(database: str) -> None:
    result = runner.invoke(app, ["population", "stats", "--json", "--database", database])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["rows"]["citizen"] == 1509
    assert figures["meta"]["seed"] == "5"
    assert figures["day"] == "2026-07-01"


def test_stats_count_ages_on_a_later_day(database: str) -> None:
    def figures(*moved: str) -> dict[str, Any]:
        result = runner.invoke(
            app, ["population", "stats", "--json", "--database", database, *moved]
        )
        assert result.exit_code == 0, result.output
        found: dict[str, Any] = json.loads(result.output)
        return found

    now, later = figures(), figures("--years", "30")
    assert later["day"] == "2056-07-01"
    assert figures("--on", "2056-07-01")["age_bands"] == later["age_bands"]
    # nobody is born or dies by the calendar: thirty years on, the same people are older
    assert sum(later["age_bands"].values()) == sum(now["age_bands"].values())
    assert later["age_bands"]["65+"] > now["age_bands"]["65+"]
    assert later["age_bands"]["0-14"] < now["age_bands"]["0-14"]
    assert sum(later["adult_accounts"].values()) > sum(now["adult_accounts"].values())


def test_check_clean(database: str) -> None:
    result = runner.invoke(app, ["population", "check", "--database", database])
    assert result.exit_code == 0, result.output
    assert "No violation, judged on 2026-07-01 (the reference day)." in result.output


@pytest.mark.parametrize(
    ("moved", "said"),
    [
        (["--years", "30"], "judged on 2056-07-01 (the reference day 2026-07-01 + 30 years)"),
        (["--on", "2036-02-29"], "judged on 2036-02-29 (the reference day is 2026-07-01)"),
    ],
)
def test_check_clean_years_later(database: str, moved: list[str], said: str) -> None:
    result = runner.invoke(app, ["population", "check", "--database", database, *moved])
    assert result.exit_code == 0, result.output
    assert f"No violation, {said}." in result.output


@pytest.mark.parametrize(
    ("moved", "message"),
    [
        (["--on", "2036-02-30"], "--on '2036-02-30' is not YYYY-MM-DD"),
        (["--on", "2030-01-01", "--years", "3"], "give --on or --years, not both"),
    ],
)
def test_check_refuses_a_bad_day(database: str, moved: list[str], message: str) -> None:
    result = runner.invoke(app, ["population", "check", "--database", database, *moved])
    _assert_one_line_error(result, message)


def test_check_reports_a_death_after_the_day_judged(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "later.sqlite3"
    url = f"sqlite:///{path}"
    runner.invoke(app, ["population", "seed", "--count", "10", "--database", url])
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE citizen SET deceased_on = '2030-05-01' WHERE pin = '001088999001'"
        )
        connection.execute(
            "UPDATE vneidaccount SET status = 'locked', lock_reason = 'deceased' "
            "WHERE pin = '001088999001'"
        )
    early = runner.invoke(app, ["population", "check", "--years", "3", "--database", url])
    assert early.exit_code == 1
    assert "001088999001  death-date" in early.output
    assert "judged on 2029-07-01" in early.output
    later = runner.invoke(app, ["population", "check", "--years", "4", "--database", url])
    assert later.exit_code == 0, later.output


def test_personas_json() -> None:
    result = runner.invoke(app, ["personas", "--json"])
    assert result.exit_code == 0
    entries = json.loads(result.output)
    assert [e["pin"] for e in entries] == [p.pin for p in PERSONAS]
    by_key = {e["key"]: e for e in entries}
    assert by_key["level2-full"]["password"] == "Vneid@2025"
    assert by_key["no-account"]["password"] is None
    assert all(e["purpose"] for e in entries)


def test_personas_table() -> None:
    result = runner.invoke(app, ["personas"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "001088999001" in result.output
    assert "Sandbox password" in result.output


def test_validate_pin() -> None:
    ok = runner.invoke(app, ["population", "validate-pin", "001088999001", "--birth-date",
                             "1988-03-15", "--sex", "male"])  # fmt: skip
    assert ok.exit_code == 0
    assert "valid PIN" in ok.output
    bad = runner.invoke(app, ["population", "validate-pin", "003088999001", "--sex", "female"])
    assert bad.exit_code == 1
    assert "unknown province code 003" in bad.output
    assert "says male, sex is female" in bad.output


def test_validate_pin_with_a_bad_date() -> None:
    result = runner.invoke(
        app, ["population", "validate-pin", "001088999001", "--birth-date", "15/03/1988"]
    )
    _assert_one_line_error(result, "is not YYYY-MM-DD")


def test_a_bad_database_url() -> None:
    result = runner.invoke(app, ["population", "stats", "--database", "not a url"])
    _assert_one_line_error(result, "not a database URL")


def test_an_unreachable_database() -> None:
    result = runner.invoke(
        app, ["population", "stats", "--database", "postgresql://nobody@127.0.0.1:1/none"]
    )
    _assert_one_line_error(result, "error: database:")


def test_an_unseeded_database(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["population", "check", "--database", f"sqlite:///{tmp_path / 'empty.sqlite3'}"]
    )
    _assert_one_line_error(result, "error: database:")


def test_serve_freezes_the_start_up_objects_and_names_no_server(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` builds the app, moves what start-up made out of the collector's reach
    (``gc.freeze``) and starts uvicorn without its ``server`` banner."""
    import gc

    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app_: object, **options: Any) -> None:
        seen["frozen"] = gc.get_freeze_count()
        seen["options"] = options

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("VNEID_DATABASE_URL", database)
    monkeypatch.setenv("VNEID_KEYS_DIR", str(tmp_path / "keys"))
    gc.unfreeze()
    try:
        result = runner.invoke(app, ["serve", "--port", "8999"])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert seen["frozen"] > 0
    assert seen["options"]["server_header"] is False
    assert seen["options"]["port"] == 8999
    assert seen["options"]["proxy_headers"] is False  # VNEID_FORWARDED_ALLOW_IPS unset: nobody


def test_citizens_change_writes_the_events_the_relying_parties_are_owed(tmp_path: Path) -> None:
    """A lock from the command line goes through the citizen service with the provider's signals:
    a client the citizen shares with, which has a stream, is owed account-disabled, named by the
    ``sub`` it knows; a refused change writes nothing."""
    url = f"sqlite:///{tmp_path / 'signals.sqlite3'}"
    runner.invoke(app, ["population", "seed", "--count", "20", "--database", url])
    pin = PERSONAS[0].pin
    engine = connect(url)
    for create_table in (create_consent_table, create_stream_tables, create_outbox_table):
        create_table(engine)
    remember(engine, pin, "portal", ["openid"], ["openid"], "LoA2", at=1.0)
    requested = [ACCOUNT_DISABLED, ACCOUNT_ENABLED]
    stream = Stream("s-1", "portal", "http://127.0.0.1:9/signals", None, requested, None,
                    "enabled", None)  # fmt: skip
    with engine.begin() as connection:
        add_stream(connection, stream, at=1.0)
    refused = runner.invoke(
        app, ["citizens", "change", pin, '{"account_status": "gone"}', "--database", url]
    )
    _assert_one_line_error(refused, "account_status must be active or locked")
    assert recent_events(engine, limit=10) == []
    locked = runner.invoke(app, ["citizens", "lock", pin, "--database", url])
    assert locked.exit_code == 0, locked.output
    assert 'account_status: "active" -> "locked"' in locked.output
    [event] = recent_events(engine, limit=10)
    assert (event.client_id, event.event_type, event.status) == (
        "portal",
        ACCOUNT_DISABLED,
        "pending",
    )
    secret = IdPSettings().subject_secret.get_secret_value()
    assert event.subject["sub"] == subject_for(pin, secret)
    unlocked = runner.invoke(app, ["citizens", "unlock", pin, "--database", url])
    assert unlocked.exit_code == 0, unlocked.output
    assert recent_events(engine, limit=1)[0].event_type == ACCOUNT_ENABLED
    engine.dispose()


def test_citizens_change_refuses_what_is_not_a_change(database: str) -> None:
    pin = PERSONAS[0].pin
    cases = (("[1]", "must be a JSON object"), ("{", "is not JSON"), ('{"x": 1}', "unknown field"))
    for changes, message in cases:
        result = runner.invoke(app, ["citizens", "change", pin, changes, "--database", database])
        _assert_one_line_error(result, message)
    unknown = runner.invoke(app, ["citizens", "lock", "001088000000", "--database", database])
    _assert_one_line_error(unknown, "no citizen with PIN 001088000000")


def test_citizens_change_records_a_death_and_logs_the_citizen_out(tmp_path: Path) -> None:
    """A death from the command line tells the clients holding a grant by back-channel logout, as
    the provider would; a receiver that cannot be reached is no error."""
    url = f"sqlite:///{tmp_path / 'death.sqlite3'}"
    runner.invoke(app, ["population", "seed", "--count", "20", "--database", url])
    pin = PERSONAS[0].pin
    engine = connect(url)
    create_grant_index_table(engine)
    secret = IdPSettings().subject_secret.get_secret_value()
    with engine.begin() as connection:
        index_grant(connection, "g-1", pin, "portal", "sid-1", subject_for(pin, secret), at=1.0)
    engine.dispose()
    died = runner.invoke(
        app, ["citizens", "change", pin, '{"deceased_on": "2026-06-01"}', "--database", url]
    )
    assert died.exit_code == 0, died.output
    assert 'deceased_on: null -> "2026-06-01"' in died.output
    assert "Traceback" not in died.output
