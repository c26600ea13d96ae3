"""The clients file: ``add_client`` writes what it is given once checked, secrets only as hashes."""

import re
from pathlib import Path
from typing import Any

import pytest

from idp.oidc.clients import add_client
from idp.oidc.clients import load_clients
from tests.oidc.conftest import REDIRECT

ENTRY: dict[str, Any] = {"redirect_uris": [REDIRECT], "scope": "openid profile"}


def test_the_metadata_is_stored_as_given(tmp_path: Path) -> None:
    """The claim sets' defaults (``application_type``, ``require_auth_time``, and A128CBC-HS256 for an
    ``_enc`` left out, which the provider does not support) stay out: the provider's own apply."""
    path = tmp_path / "clients.json"
    metadata = {**ENTRY, "id_token_encrypted_response_alg": "RSA-OAEP-256"}
    add_client(path, "enc", dict(metadata))
    assert load_clients(path)["enc"].metadata == metadata


def test_a_chosen_secret_is_returned_and_stored_hashed(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    assert add_client(path, "rp", dict(ENTRY), secret="rp-sandbox-secret") == "rp-sandbox-secret"
    assert "rp-sandbox-secret" not in path.read_text(encoding="utf-8")
    client = load_clients(path)["rp"]
    assert client.check_client_secret("rp-sandbox-secret")
    assert not client.check_client_secret("rp-sandbox-secreT")


@pytest.mark.parametrize(
    ("client_id", "metadata", "secret", "message"),
    [
        ("spa", {**ENTRY, "token_endpoint_auth_method": "none"}, "s",
         "a client_secret is only for client_secret_basic and client_secret_post clients"),
        ("pk", {**ENTRY, "token_endpoint_auth_method": "private_key_jwt"}, "s", "a client_secret is only for"),
        ("rp", ENTRY, "", "client_secret must not be empty"),
        ("", ENTRY, None, "client_id must be a non-empty"),
        (" rp", ENTRY, None, "client_id must be"),
        ("r\np", ENTRY, None, "client_id must be"),
        ("old", ENTRY, None, "client 'old' already exists"),
        ("rp", {**ENTRY, "redirect_uris": ["http://rp.example/cb"]}, None, "must be https"),
    ],
)  # fmt: skip
def test_refusals_write_nothing(
    tmp_path: Path, client_id: str, metadata: dict[str, Any], secret: str | None, message: str
) -> None:
    path = tmp_path / "clients.json"
    add_client(path, "old", dict(ENTRY))
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        add_client(path, client_id, dict(metadata), secret=secret)
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("text", ['{"client": []}', "[]", '{"clients": {}}', "{not json"])
def test_a_file_that_is_not_a_clients_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "clients.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"clients file|Expecting"):
        load_clients(path)
