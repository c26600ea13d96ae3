"""A reader driven through two provider instances sharing their state (the SQL store on one database,
and Redis): opened on one, tapped on the other, read, authenticated, photographed and closed on
either; the wrong keys typed on both lock it, and its page's forms work on either."""

import base64
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from idp.chip.active_auth import verify_answer
from idp.state.card_readers import MAX_WRONG_KEYS
from idp.web.app import create_app
from tests.card_reader.readers import API
from tests.card_reader.readers import authenticate
from tests.card_reader.readers import files
from tests.card_reader.readers import key_of
from tests.card_reader.readers import open_reader
from tests.card_reader.readers import state
from tests.card_reader.readers import tap
from tests.conftest import REDIS_URL
from tests.oidc.conftest import PIN
from tests.oidc.conftest import Env
from tests.oidc.conftest import csrf_of


@pytest.fixture(params=["sql", "redis"])
def replicas(
    request: pytest.FixtureRequest, env: Env, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two provider instances on one database and one state store."""
    copy = tmp_path / "shared.sqlite3"
    shutil.copy(env.settings.database_url.removeprefix("sqlite:///"), copy)
    prefix = f"test-readers-{uuid.uuid4().hex}:"
    url = "sql" if request.param == "sql" else REDIS_URL
    update = {
        "database_url": f"sqlite:///{copy}",
        "state_store_url": url,
        "state_store_prefix": prefix,
    }
    settings = env.settings.model_copy(update=update)
    with (
        TestClient(create_app(settings), follow_redirects=False) as one,
        TestClient(create_app(settings), follow_redirects=False) as two,
    ):
        yield one, two
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_a_reader_is_one_reader_on_every_instance(replicas: tuple[TestClient, TestClient]) -> None:
    one, two = replicas
    reader_id = open_reader(one, "Quầy 1")
    assert state(two, reader_id)["label"] == "Quầy 1"
    assert tap(two, reader_id, PIN, key_of(two, PIN)).status_code == 200
    read = files(one, reader_id)
    challenge = b"\x01" * 8
    answered = authenticate(two, reader_id, challenge)
    assert answered.status_code == 200
    signature = answered.json()["signature"]
    assert verify_answer(read["DG15"], challenge, base64.b64decode(signature))
    assert one.get(f"{API}/{reader_id}/camera").status_code == 200
    assert two.delete(f"{API}/{reader_id}").status_code == 204
    assert one.get(f"{API}/{reader_id}").status_code == 404


def test_wrong_keys_on_both_instances_lock_the_reader(
    replicas: tuple[TestClient, TestClient],
) -> None:
    one, two = replicas
    reader_id = open_reader(one)
    wrong = key_of(one, PIN, birth_date="010101")
    for index in range(MAX_WRONG_KEYS):
        assert tap((one, two)[index % 2], reader_id, PIN, wrong).status_code == 403
    assert tap(one, reader_id, PIN, key_of(one, PIN)).status_code == 429
    assert tap(two, reader_id, PIN, key_of(two, PIN)).status_code == 429


def test_the_page_works_on_either_instance(replicas: tuple[TestClient, TestClient]) -> None:
    one, two = replicas
    reader_id = open_reader(one)
    page = one.get(f"/card-reader/{reader_id}")
    two.cookies.update(one.cookies)  # one browser, its requests served by either instance
    chosen = two.post(
        f"/card-reader/{reader_id}/card", data={"csrf": csrf_of(page.text), "who": PIN}
    )
    assert chosen.status_code == 303
    form = {"card_number": PIN, "birth_date": "880315", "expiry_date": "280315"}
    tapped = one.post(f"/card-reader/{reader_id}/tap", data={"csrf": csrf_of(page.text), **form})
    assert tapped.status_code == 303
    assert state(two, reader_id)["status"] == "card_present"
