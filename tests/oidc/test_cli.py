"""``vneid-mock keys`` and ``vneid-mock clients``: every option of ``clients add`` and ``--from-json``
land in the clients file as given, the provider runs the clients so registered, and bad input is one
line on stderr (exit 1) or a usage error (exit 2), never a traceback."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import KeySet
from typer.testing import CliRunner
from typer.testing import Result

from idp.cli import app
from idp.oidc.clients import load_clients
from idp.settings import DEFAULT_CLIENTS_FILE
from idp.web.app import create_app
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.servers import free_port

URI = "https://s/cb"
BASE = ["clients", "add", "shop", "--redirect-uri", URI]


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


@pytest.fixture
def clients_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "clients.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    return path


def _ok(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert not result.stderr


def _one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def _public_jwks() -> dict[str, Any]:
    key = ECKey.generate_key("P-256", {"use": "sig"}, auto_kid=True)
    return dict(KeySet([key]).as_dict(private=False))


@pytest.mark.parametrize(
    ("options", "field", "value"),
    [
        (["--redirect-uri", "http://127.0.0.1:9/cb"], "redirect_uris", [URI, "http://127.0.0.1:9/cb"]),
        (["--application-type", "native"], "application_type", "native"),
        (["--application-type", "native", "--redirect-uri", "vn.shop.app:/cb"], "redirect_uris",
         [URI, "vn.shop.app:/cb"]),
        (["--post-logout-redirect-uri", "https://s/out"], "post_logout_redirect_uris", ["https://s/out"]),
        (["--auth-method", "client_secret_post"], "token_endpoint_auth_method", "client_secret_post"),
        (["--scope", "openid eid_card"], "scope", "openid eid_card"),
        (["--grant-type", "authorization_code", "--grant-type", "client_credentials"], "grant_types",
         ["authorization_code", "client_credentials"]),
        (["--name", "Cửa hàng Mẫu"], "client_name", "Cửa hàng Mẫu"),
        (["--purpose", "Mở tài khoản (eKYC)."], "purpose", "Mở tài khoản (eKYC)."),
        (["--claims-profile", "dvcqg"], "claims_profile", "dvcqg"),
        (["--subject-type", "pairwise"], "subject_type", "pairwise"),
        (["--sector-identifier-uri", "https://sector.example/uris.json"], "sector_identifier_uri",
         "https://sector.example/uris.json"),
        (["--auth-method", "private_key_jwt", "--jwks-uri", "https://s/jwks"], "jwks_uri", "https://s/jwks"),
        (["--auth-method", "private_key_jwt", "--auth-signing-alg", "ES256"],
         "token_endpoint_auth_signing_alg", "ES256"),
        (["--id-token-alg", "ES256"], "id_token_signed_response_alg", "ES256"),
        (["--id-token-enc-alg", "RSA-OAEP-256"], "id_token_encrypted_response_alg", "RSA-OAEP-256"),
        (["--id-token-enc-alg", "RSA-OAEP-256", "--id-token-enc", "A256GCM"],
         "id_token_encrypted_response_enc", "A256GCM"),
        (["--userinfo-alg", "PS256"], "userinfo_signed_response_alg", "PS256"),
        (["--userinfo-enc-alg", "ECDH-ES+A256KW"], "userinfo_encrypted_response_alg", "ECDH-ES+A256KW"),
        (["--userinfo-enc-alg", "ECDH-ES+A256KW", "--userinfo-enc", "A256GCM"],
         "userinfo_encrypted_response_enc", "A256GCM"),
        (["--access-token-alg", "ES256"], "access_token_signed_response_alg", "ES256"),
        (["--default-acr", "LoA2", "--default-acr", "LoA3"], "default_acr_values", ["LoA2", "LoA3"]),
        (["--backchannel-logout-uri", "https://s/bcl"], "backchannel_logout_uri", "https://s/bcl"),
        (["--backchannel-logout-session-required"], "backchannel_logout_session_required", True),
    ],
)  # fmt: skip
def test_each_option_sets_its_field(
    clients_file: Path, options: list[str], field: str, value: object
) -> None:
    _ok(CliRunner().invoke(app, [*BASE, *options]))
    assert load_clients(clients_file)["shop"].metadata[field] == value


def test_unset_options_stay_out_of_the_entry(clients_file: Path) -> None:
    """Only what was given is written (besides the command's defaults for auth method, scope and
    name): the provider's own defaults apply to the rest."""
    _ok(CliRunner().invoke(app, BASE))
    assert load_clients(clients_file)["shop"].metadata == {
        "redirect_uris": [URI],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "openid profile",
        "client_name": "shop",
    }


def test_a_client_is_licensed_for_card_verification(clients_file: Path) -> None:
    options = ["clients", "add", "agency", "--grant-type", "client_credentials"]
    _ok(CliRunner().invoke(app, [*options, "--scope", "card_verification"]))
    assert load_clients(clients_file)["agency"].metadata["scope"] == "card_verification"


def test_a_client_credentials_client_needs_no_redirect_uri(clients_file: Path) -> None:
    options = ["clients", "add", "svc", "--grant-type", "client_credentials", "--scope", "openid"]
    _ok(CliRunner().invoke(app, options))
    assert "redirect_uris" not in load_clients(clients_file)["svc"].metadata
    refused = CliRunner().invoke(app, ["clients", "add", "web"])
    _one_line_error(refused, "redirect_uris is required")


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_jwks_from_a_file_or_standard_input(
    clients_file: Path, tmp_path: Path, source: str
) -> None:
    jwks = _public_jwks()
    (tmp_path / "jwks.json").write_text(json.dumps(jwks), encoding="utf-8")
    where = str(tmp_path / "jwks.json") if source == "file" else "-"
    options = [*BASE, "--auth-method", "private_key_jwt", "--jwks", where]
    result = CliRunner().invoke(app, options, input=json.dumps(jwks))
    _ok(result)
    assert "No secret" in result.stdout
    client = load_clients(clients_file)["shop"]
    assert client.metadata["jwks"] == jwks
    assert client.client_secret_hash is None


def test_a_chosen_secret_is_stored_hashed_and_printed_once(clients_file: Path) -> None:
    secret = "shop-[sandbox]-secret-" + "x" * 80  # longer than the terminal: one line all the same
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, [*BASE, "--secret", secret])
    _ok(result)
    assert f"client_secret: {secret}\n" in result.stdout
    assert result.stdout.count(secret) == 1
    assert secret not in clients_file.read_text(encoding="utf-8")
    client = load_clients(clients_file)["shop"]
    assert client.client_secret_hash is not None
    assert client.client_secret_hash.startswith("$argon2id$")
    assert client.check_client_secret(secret)
    assert not client.check_client_secret(secret + "x")


def test_a_generated_secret_verifies(clients_file: Path) -> None:
    result = CliRunner().invoke(app, BASE)
    _ok(result)
    secret = result.stdout.split("client_secret: ")[1].strip()
    assert load_clients(clients_file)["shop"].check_client_secret(secret)


BANK = {
    "client_id": "bank",
    "client_name": "Ngân hàng Mẫu (sandbox)",
    "purpose": "Mở tài khoản thanh toán trực tuyến bằng định danh điện tử (eKYC).",
    "redirect_uris": ["http://127.0.0.1:8002/callback"],
    "post_logout_redirect_uris": ["http://127.0.0.1:8002/logged-out"],
    "backchannel_logout_uri": "http://127.0.0.1:8002/backchannel-logout",
    "backchannel_logout_session_required": True,
    "token_endpoint_auth_method": "private_key_jwt",
    "token_endpoint_auth_signing_alg": "RS256",
    "jwks_uri": "http://127.0.0.1:8002/jwks",
    "grant_types": ["authorization_code"],
    "response_types": ["code"],
    "scope": "openid profile identity eid_card phone",
    "default_acr_values": ["LoA3"],
    "subject_type": "pairwise",
    "id_token_signed_response_alg": "RS256",
    "id_token_encrypted_response_alg": "RSA-OAEP-256",
    "id_token_encrypted_response_enc": "A256GCM",
    "access_token_signed_response_alg": "RS256",
}


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_from_json_registers_the_document_as_given(
    clients_file: Path, tmp_path: Path, source: str
) -> None:
    document = json.dumps(BANK, ensure_ascii=False)
    (tmp_path / "bank.json").write_text(document, encoding="utf-8")
    where = str(tmp_path / "bank.json") if source == "file" else "-"
    result = CliRunner().invoke(app, ["clients", "add", "--from-json", where], input=document)
    _ok(result)
    client = load_clients(clients_file)["bank"]
    assert client.as_json() == BANK  # no secret, no field added or dropped


def test_from_json_sets_the_given_secret(clients_file: Path) -> None:
    document = {"client_id": "portal", "client_secret": "portal-sandbox-secret",
                "redirect_uris": [URI], "claims_profile": "dvcqg", "scope": "openid identity"}  # fmt: skip
    result = CliRunner().invoke(
        app, ["clients", "add", "--from-json", "-"], input=json.dumps(document)
    )
    _ok(result)
    assert "client_secret: portal-sandbox-secret" in result.stdout
    client = load_clients(clients_file)["portal"]
    assert client.metadata == {k: document[k] for k in ("redirect_uris", "claims_profile", "scope")}
    assert client.check_client_secret("portal-sandbox-secret")


def test_the_shipped_clients_register_from_json(clients_file: Path) -> None:
    """Every entry of the clients file the provider ships, less its secret's hash, is a document
    ``--from-json`` takes as it is."""
    shipped = json.loads(DEFAULT_CLIENTS_FILE.read_text(encoding="utf-8"))["clients"]
    for entry in shipped:
        document = {k: v for k, v in entry.items() if k != "client_secret_hash"}
        result = CliRunner().invoke(
            app, ["clients", "add", "--from-json", "-"], input=json.dumps(document)
        )
        _ok(result)
        metadata = {k: v for k, v in document.items() if k != "client_id"}
        assert load_clients(clients_file)[entry["client_id"]].metadata == metadata


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--from-json", "-", "--scope", "openid"], "leave out --scope"),
        (["shop", "--from-json", "-"], "leave out CLIENT_ID"),
        (["--redirect-uri", URI], "CLIENT_ID"),
    ],
)
def test_usage_errors_exit_2(clients_file: Path, arguments: list[str], fragment: str) -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        app,
        ["clients", "add", *arguments],
        input=json.dumps({"client_id": "x", "redirect_uris": [URI]}),
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert fragment in result.output
    assert not clients_file.exists()


@pytest.mark.parametrize(
    ("arguments", "document", "fragment"),
    [
        (["--auth-method", "client_secret_jwt"], None, "token_endpoint_auth_method: 'client_secret_jwt' is not supported"),
        (["--redirect-uri", "http://s/other"], None, "must be https (or http on loopback)"),
        (["--redirect-uri", "vn.shop.app:/cb"], None, "'vn.shop.app:/cb' must be https (or http on loopback)"),
        (["--application-type", "desktop"], None, "application_type must be web or native"),
        (["--application-type", "native", "--redirect-uri", "shop:/cb"], None, "a private-use scheme"),
        (["--application-type", "native", "--redirect-uri", "http://localhost:9/cb"], None, "not localhost"),
        (["--post-logout-redirect-uri", "http://s/out"], None, "post_logout_redirect_uris"),
        (["--scope", "openid biometrics"], None, "scope: 'openid biometrics' is not supported"),
        (["--grant-type", "password"], None, "grant_types: 'password' is not supported"),
        (["--subject-type", "anonymous"], None, "subject_type"),
        (["--id-token-alg", "HS256"], None, "id_token_signed_response_alg: 'HS256' is not supported"),
        (["--id-token-enc", "A256GCM"], None, "id_token_encrypted_response_enc needs id_token_encrypted_response_alg"),
        (["--access-token-alg", "PS256"], None, "access_token_signed_response_alg"),
        (["--default-acr", "LoA9"], None, "default_acr_values"),
        (["--claims-profile", "full"], None, "claims_profile must be one of dvcqg"),
        (["--auth-method", "none", "--secret", "s"], None, "client_secret is only for"),
        (["--secret", ""], None, "client_secret must not be empty"),
        (["--jwks", "-"], "{not json", "--jwks: - is not a JSON document"),
        (["--jwks", "/nonexistent/jwks.json"], None, "--jwks: cannot read /nonexistent/jwks.json"),
        (["--jwks", "-", "--jwks-uri", URI], json.dumps({"keys": []}), "jwks must be a JWK Set of public keys"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line_errors(
    clients_file: Path, arguments: list[str], document: str | None, fragment: str
) -> None:
    _one_line_error(CliRunner().invoke(app, [*BASE, *arguments], input=document), fragment)
    assert not clients_file.exists()


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("{not json", "--from-json: - is not a JSON document"),
        (b"\xff\xfe", "is not a JSON document: 'utf-8' codec can't decode"),
        ("[1, 2]", "the document must be a JSON object"),
        (json.dumps({"redirect_uris": [URI]}), "client_id (a string) is required"),
        (json.dumps({"client_id": 7, "redirect_uris": [URI]}), "client_id (a string) is required"),
        (json.dumps({"client_id": "x", "client_secret": 7, "redirect_uris": [URI]}), "client_secret must be a string"),
        (json.dumps({"client_id": "x", "client_secret_hash": "$argon2id$", "redirect_uris": [URI]}), "not client_secret_hash"),
        (json.dumps({"client_id": "x", "redirect_uris": URI}), "redirect_uris has the wrong type"),
        (json.dumps({"client_id": "x", "redirect_uris": [URI], "client_name": 42}), "client_name has the wrong type"),
        (json.dumps({"client_id": "x", "redirect_uris": [URI], "backchannel_logout_session_required": "yes"}),
         "backchannel_logout_session_required has the wrong type"),
        (json.dumps({"client_id": "x", "redirect_uris": [URI], "redirect_uri": URI}), "unknown field(s): redirect_uri"),
        (json.dumps({"client_id": "x", "redirect_uris": ["https://s/cb#top"]}), "must not have a fragment"),
        (json.dumps({"client_id": "x", "redirect_uris": [URI], "jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0", "d": "x"}]}}),
         "jwks must be a JWK Set of public keys"),
        (json.dumps({"client_id": " x", "redirect_uris": [URI]}), "client_id must be"),
    ],
)  # fmt: skip
def test_bad_documents_are_one_line_errors(
    clients_file: Path, document: str | bytes, fragment: str
) -> None:
    result = CliRunner().invoke(app, ["clients", "add", "--from-json", "-"], input=document)
    _one_line_error(result, fragment)
    assert not clients_file.exists()


def test_an_unreadable_document_is_a_one_line_error(clients_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = CliRunner().invoke(app, ["clients", "add", "--from-json", str(missing)])
    _one_line_error(result, f"--from-json: cannot read {missing}")


@pytest.mark.parametrize("client_id", ["shop", "[/shop]"])
def test_a_duplicate_client_id_is_a_one_line_error(clients_file: Path, client_id: str) -> None:
    """Even one that Rich would read as markup is quoted as it is."""
    runner = CliRunner()
    _ok(runner.invoke(app, ["clients", "add", client_id, "--redirect-uri", URI]))
    before = clients_file.read_text(encoding="utf-8")
    result = runner.invoke(app, ["clients", "add", client_id, "--redirect-uri", URI])
    _one_line_error(result, f"client '{client_id}' already exists")
    document = json.dumps({"client_id": client_id, "redirect_uris": [URI]})
    from_json = runner.invoke(app, ["clients", "add", "--from-json", "-"], input=document)
    _one_line_error(from_json, "already exists")
    assert clients_file.read_text(encoding="utf-8") == before


def test_a_broken_clients_file_is_a_one_line_error(clients_file: Path) -> None:
    clients_file.write_text('{"client": []}', encoding="utf-8")
    _one_line_error(CliRunner().invoke(app, BASE), "is not a clients file")
    _one_line_error(CliRunner().invoke(app, ["clients", "list"]), "is not a clients file")


def test_clients_registered_from_the_command_line_run_a_code_flow(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One client from options with a chosen secret, one from a document with its secret: the
    provider loads both, and each redeems a code with its secret for an ID token signed as it
    registered."""
    path = tmp_path / "clients.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    runner = CliRunner()
    options = ["clients", "add", "cli-rp", "--redirect-uri", REDIRECT, "--secret", "cli-secret"]
    _ok(runner.invoke(app, [*options, "--auth-method", "client_secret_post"]))
    document = {"client_id": "json-rp", "client_secret": "json-secret", "redirect_uris": [REDIRECT],
                "scope": "openid profile", "id_token_signed_response_alg": "ES256"}  # fmt: skip
    _ok(runner.invoke(app, ["clients", "add", "--from-json", "-"], input=json.dumps(document)))
    settings = env.settings.model_copy(update={"clients_file": path})
    with TestClient(create_app(settings), follow_redirects=False) as provider:
        keys = KeySet.import_key_set(provider.get("/jwks").json())
        post = {"client_id": "cli-rp", "client_secret": "cli-secret"}
        id_token = _redeem(provider, "cli-rp", data=post)
        claims = jwt.decode(id_token, keys, algorithms=["RS256"]).claims
        assert claims["aud"] in ("cli-rp", ["cli-rp"])
        id_token = _redeem(provider, "json-rp", auth=("json-rp", "json-secret"))
        claims = jwt.decode(id_token, keys, algorithms=["ES256"]).claims
        assert claims["aud"] in ("json-rp", ["json-rp"])


def _redeem(provider: TestClient, client_id: str, **authentication: Any) -> str:
    """A login and consent for ``client_id``, its code redeemed with ``authentication`` (``data``
    for client_secret_post, ``auth`` for client_secret_basic): the ID token."""
    verifier, challenge = pkce()
    location = login_and_consent(provider, auth_params(client_id, code_challenge=challenge))
    data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
    data |= {"redirect_uri": REDIRECT, "code_verifier": verifier}
    data |= authentication.pop("data", {})
    response = provider.post("/token", data=data, **authentication)
    assert response.status_code == 200, response.text
    return str(response.json()["id_token"])


def test_a_native_client_from_the_command_line_logs_in_on_any_loopback_port(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--application-type native``: the provider takes the registered loopback IP redirect on
    another port (RFC 8252 §7.3), and the code is redeemed with that same URI."""
    path = tmp_path / "clients.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    options = ["clients", "add", "app", "--application-type", "native", "--auth-method", "none"]
    uris = ["--redirect-uri", "http://127.0.0.1/cb", "--redirect-uri", "vn.shop.app:/cb"]
    _ok(CliRunner().invoke(app, [*options, *uris]))
    settings = env.settings.model_copy(update={"clients_file": path})
    with TestClient(create_app(settings), follow_redirects=False) as provider:
        for used in (f"http://127.0.0.1:{free_port()}/cb", "vn.shop.app:/cb"):
            verifier, challenge = pkce()
            params = auth_params("app", code_challenge=challenge, redirect_uri=used)
            # the second login finds the session and the consent of the first
            final = complete(provider, provider.get("/authorize", params=params))
            location = final.headers["location"]
            assert location.startswith(f"{used}?"), location
            data = {"grant_type": "authorization_code", "code": query_of(location)["code"]}
            data |= {"redirect_uri": used, "code_verifier": verifier, "client_id": "app"}
            response = provider.post("/token", data=data)
            assert response.status_code == 200, response.text


def test_clients_add_registers_a_device_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--grant-type urn:ietf:params:oauth:grant-type:device_code``, no redirect URI (RFC 8628)."""
    path = tmp_path / "c.json"
    monkeypatch.setenv("VNEID_CLIENTS_FILE", str(path))
    grant = "urn:ietf:params:oauth:grant-type:device_code"
    options = ["--grant-type", grant, "--auth-method", "none", "--scope", "openid"]
    added = CliRunner().invoke(app, ["clients", "add", "tv", *options])
    assert added.exit_code == 0, added.output
    client = load_clients(path)["tv"]
    assert client.check_grant_type(grant)
    assert "redirect_uris" not in client.metadata
