"""No token reaches a log at DEBUG (idp.oidc.log_redaction): Authlib's grants log each token they issue."""

import logging

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import Env
from tests.oidc.conftest import get_tokens


def test_issued_tokens_are_redacted_in_debug_logs(
    client: TestClient, env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = get_tokens(client, env)
    auth = ("rp", env.secrets["rp"])
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/token", data=data, auth=auth).json()
    service = client.post(
        "/token", data={"grant_type": "client_credentials"}, auth=("svc", env.secrets["svc"])
    ).json()
    issued = [r for r in caplog.records if r.getMessage().startswith("Issue token")]
    assert len(issued) == 3  # the code, the refresh and the client-credentials grants
    assert all("[redacted]" in r.getMessage() for r in issued)
    secrets = [first[k] for k in ("access_token", "refresh_token", "id_token")]
    secrets += [second["access_token"], second["refresh_token"], service["access_token"]]
    for secret in secrets:
        assert secret not in caplog.text
