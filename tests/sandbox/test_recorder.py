"""The request recorder: what it keeps, what it never keeps, how it filters."""

import base64

from idp.sandbox.owners import basic_client_id
from idp.sandbox.recorder import KEPT
from idp.sandbox.recorder import REDACTED
from idp.sandbox.recorder import Recorder


def test_a_client_secret_is_never_kept_and_basic_names_the_client() -> None:
    recorder = Recorder()
    basic = "Basic " + base64.b64encode(b"bank:s3cret").decode()
    items = [("grant_type", "authorization_code"), ("client_secret", "s3cret")]
    recorder.record("token", "POST", items, basic, 100.0)
    (entry,) = recorder.received()
    assert entry.client_id == "bank"
    assert entry.parameters == {"grant_type": ["authorization_code"], "client_secret": [REDACTED]}
    assert entry.authorization == "Basic"
    assert "s3cret" not in repr(entry.as_json())


def test_filters_and_the_limit() -> None:
    recorder = Recorder()
    for number in range(KEPT + 5):
        endpoint = "token" if number % 2 else "authorization"
        recorder.record(endpoint, "GET", [("client_id", f"c{number % 3}")], None, float(number))
    assert len(recorder.received()) == KEPT
    assert recorder.received()[0].at == 5.0
    tokens = recorder.received("token", "c1")
    assert tokens
    assert all(e.endpoint == "token" and e.client_id == "c1" for e in tokens)
    recorder.clear()
    assert recorder.received() == []


def test_basic_client_id_reads_only_basic() -> None:
    assert basic_client_id("Bearer abc") is None
    assert basic_client_id("Basic !!!") is None
    assert basic_client_id("Basic " + base64.b64encode(b"a%20b:x").decode()) == "a b"
