"""``vneid-mock keys`` and ``vneid-mock clients``."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from idp.cli import app
from idp.oidc.clients import load_clients


def test_keys_rotate_keeps_old_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNEID_KEYS_DIR", str(tmp_path))
    runner = CliRunner()
    first = runner.invoke(app, ["keys", "list"]).output.split()
    assert runner.invoke(app, ["keys", "rotate"]).exit_code == 0
    after = runner.invoke(app, ["keys", "list"]).output.split()
    assert len(after) == 2 * len(first)
    assert after[-len(first) :] == first


def test_clients_add_and_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(tmp_path / "c.json"))
    runner = CliRunner()
    added = runner.invoke(app, ["clients", "add", "shop", "--redirect-uri", "https://s/cb"])
    assert "client_secret:" in added.output
    assert "shop" in runner.invoke(app, ["clients", "list"]).output
    assert runner.invoke(app, ["clients", "add", "shop", "--redirect-uri", "x"]).exit_code == 1


def test_clients_add_sets_the_access_token_alg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    runner = CliRunner()
    uri = ["--redirect-uri", "https://s/cb"]
    added = runner.invoke(app, ["clients", "add", "shop", *uri, "--access-token-alg", "RS256"])
    assert added.exit_code == 0, added.output
    assert load_clients(path)["shop"].access_token_signed_response_alg == "RS256"
    # Without the option the client leaves it to the server's VNEID_ACCESS_TOKEN_ALG.
    assert runner.invoke(app, ["clients", "add", "plain", *uri]).exit_code == 0
    assert load_clients(path)["plain"].access_token_signed_response_alg is None
    refused = runner.invoke(app, ["clients", "add", "other", *uri, "--access-token-alg", "HS256"])
    assert refused.exit_code == 1
    assert "access_token_signed_response_alg" in refused.output
    assert "other" not in load_clients(path)
