"""The checks a client's metadata passes, shared by Dynamic Client Registration and the clients file."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from idp.oidc.client_metadata import check_file_entry
from idp.settings import DEFAULT_CLIENTS_FILE
from idp.web.app import create_app
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env

TOKEN = "initial-access-token"
ENTRY: dict[str, Any] = {"redirect_uris": [REDIRECT], "scope": "openid profile"}


@pytest.fixture(scope="module")
def registrar(env: Env) -> Iterator[TestClient]:
    update = {"registration_enabled": True, "registration_token": SecretStr(TOKEN)}
    with TestClient(create_app(env.settings.model_copy(update=update))) as test_client:
        yield test_client


def test_the_shipped_clients_pass() -> None:
    for entry in json.loads(DEFAULT_CLIENTS_FILE.read_text(encoding="utf-8"))["clients"]:
        check_file_entry(
            {k: v for k, v in entry.items() if k not in ("client_id", "client_secret_hash")}
        )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"redirect_uris": ["http://rp.example/cb"]}, "redirect_uris: 'http://rp.example/cb' must be https (or http on loopback)"),
        ({"redirect_uris": ["https://rp.example/cb#x"]}, "must not have a fragment"),
        ({"redirect_uris": ["/cb"]}, "must be https"),
        ({"post_logout_redirect_uris": ["http://rp.example/out"]}, "post_logout_redirect_uris"),
        ({"redirect_uris": REDIRECT}, "redirect_uris has the wrong type"),
        ({"client_name": 42}, "client_name has the wrong type"),
        ({"default_max_age": "soon"}, "default_max_age has the wrong type"),
        ({"jwks": "keys"}, "jwks has the wrong type"),
        ({"token_endpoint_auth_method": "client_secret_jwt"},
         "token_endpoint_auth_method: 'client_secret_jwt' is not supported (supported: client_secret_basic, "
         "client_secret_post, private_key_jwt, none)"),
        ({"grant_types": ["password"]}, "grant_types: 'password' is not supported"),
        ({"response_types": ["token"]}, "response_types: 'token' is not supported"),
        ({"scope": "openid face"}, "scope: 'openid face' is not supported"),
        ({"subject_type": "anonymous"}, "subject_type: 'anonymous' is not supported (supported: public, pairwise)"),
        ({"id_token_signed_response_alg": "none"}, "id_token_signed_response_alg: 'none' is not supported"),
        ({"id_token_encrypted_response_alg": "RSA1_5"}, "id_token_encrypted_response_alg"),
        ({"userinfo_encrypted_response_enc": "A256GCM"}, "userinfo_encrypted_response_enc needs userinfo_encrypted_response_alg"),
        ({"access_token_signed_response_alg": "HS256"}, "access_token_signed_response_alg: 'HS256' is not supported (supported: RS256, ES256)"),
        ({"default_acr_values": ["LoA5"]}, "default_acr_values: 'LoA5' is not supported"),
        ({"sector_identifier_uri": "sector"}, "sector_identifier_uri: 'sector' is not valid"),
        ({"jwks": {"keys": []}, "jwks_uri": "https://rp.example/jwks"}, "jwks must be a JWK Set of public keys"),
    ],
)  # fmt: skip
def test_the_file_refuses_what_registration_refuses(
    registrar: TestClient, field: dict[str, Any], message: str
) -> None:
    """Each refusal, with its message, and /register refusing the same metadata (400)."""
    with pytest.raises(ValueError, match=re.escape(message)):
        check_file_entry({**ENTRY, **field})
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = registrar.post("/register", json={**ENTRY, **field}, headers=headers)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"claims_profile": "full"}, "claims_profile must be one of dvcqg"),
        ({"claims_profile": ["dvcqg"]}, "claims_profile must be one of dvcqg"),
        ({"redirect_uri": REDIRECT, "client_secret": "x"}, "unknown field(s): client_secret, redirect_uri"),
    ],
)  # fmt: skip
def test_fields_of_the_file_alone(field: dict[str, Any], message: str) -> None:
    """``claims_profile`` is the file's own field; any other unknown field is refused, not kept
    unread (registration over HTTP drops them, as RFC 7591 §2 says)."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_file_entry({**ENTRY, **field})
    check_file_entry({**ENTRY, "claims_profile": "dvcqg"})


def test_redirect_uris_are_needed_by_code_clients_only() -> None:
    check_file_entry({"grant_types": ["client_credentials"], "scope": "openid"})
    entries: list[dict[str, Any]] = [
        {},
        {"grant_types": ["authorization_code"]},
        {"redirect_uris": []},
    ]
    for entry in entries:
        with pytest.raises(ValueError, match=r"^redirect_uris is required$"):
            check_file_entry(entry)
    with pytest.raises(ValueError, match="must be https"):
        check_file_entry({"grant_types": ["client_credentials"], "redirect_uris": ["http://x/cb"]})
