"""The signing keys: created once, whole, even when many processes (here threads) start on an empty
keys folder at the same moment; rotation replaces the file at once and keeps the old keys published."""

import json
import stat
from functools import partial
from pathlib import Path

from idp.oidc.keys import JWKS_FILE
from idp.oidc.keys import ensure_keys
from idp.oidc.keys import rotate_keys
from tests.conftest import race


def _kids(keys: list) -> list[str]:  # type: ignore[type-arg]
    return [str(key.kid) for key in keys]


def test_starting_together_on_an_empty_folder_gives_one_key_set(tmp_path: Path) -> None:
    for round_ in range(5):
        folder = tmp_path / f"keys{round_}"
        sets = race(partial(_ensure, folder), racers=4)
        assert len({tuple(kids) for kids in sets}) == 1
        assert [path.name for path in folder.iterdir()] == [JWKS_FILE]


def _ensure(folder: Path, _: int) -> list[str]:
    return _kids(ensure_keys(folder))


def test_the_private_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    ensure_keys(tmp_path)
    mode = stat.S_IMODE((tmp_path / JWKS_FILE).stat().st_mode)
    assert mode == 0o600


def test_rotation_prepends_new_keys_and_keeps_the_old(tmp_path: Path) -> None:
    first = _kids(ensure_keys(tmp_path))
    rotated = _kids(rotate_keys(tmp_path))
    assert rotated[2:] == first
    assert len(set(rotated)) == 4
    document = json.loads((tmp_path / JWKS_FILE).read_text())
    assert [key["kid"] for key in document["keys"]] == rotated
    assert [path.name for path in tmp_path.iterdir()] == [JWKS_FILE]
