"""Each ``acr`` in the ID token (OIDC Core §2, §3.1.2.1 ``acr_values``, §5.5.1.1 essential ``acr``),
with ``amr`` (RFC 8176), ``auth_time`` and ``account_level``."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import complete
from tests.oidc.conftest import login_at
from tests.oidc.conftest import pkce
from tests.oidc.conftest import redeem

AMR = {
    "LoA1": ["pwd"],
    "LoA2": ["mfa", "otp", "pwd", "sms"],
    "LoA3": ["face", "mfa", "pin", "pwd"],
}


@pytest.mark.parametrize("level", ["LoA1", "LoA2", "LoA3"])
def test_each_level_is_reached_and_carried_in_the_id_token(
    client: TestClient, env: Env, level: str
) -> None:
    before = int(time.time())
    location, verifier = login_at(client, level)
    claims = redeem(client, env, location, verifier)
    assert claims["acr"] == level
    assert claims["amr"] == AMR[level]
    assert claims["account_level"] == 2
    assert before <= claims["auth_time"] <= int(time.time())


def test_no_acr_values_is_a_password_login(client: TestClient, env: Env) -> None:
    verifier, challenge = pkce()
    final = complete(client, client.get("/authorize", params=auth_params(code_challenge=challenge)))
    assert redeem(client, env, final.headers["location"], verifier)["acr"] == "LoA1"


def test_weakest_known_value_of_acr_values_is_the_minimum(client: TestClient, env: Env) -> None:
    location, verifier = login_at(client, "urn:unknown LoA3 LoA2")
    assert redeem(client, env, location, verifier)["acr"] == "LoA2"


def test_essential_acr_claim_is_honoured(client: TestClient, env: Env) -> None:
    claims = {"id_token": {"acr": {"essential": True, "values": ["LoA3"]}}}
    verifier, challenge = pkce()
    params = auth_params(code_challenge=challenge, claims=json.dumps(claims))
    final = complete(client, client.get("/authorize", params=params))
    assert redeem(client, env, final.headers["location"], verifier)["acr"] == "LoA3"


@pytest.mark.parametrize(
    ("acr", "returned"),
    [
        ({"essential": True, "values": ["LoA2"]}, "LoA2"),
        ({"essential": True, "values": ["LoA1", "LoA2", "urn:unknown"]}, "LoA2"),
        ({"essential": True, "value": "LoA1"}, "LoA1"),
        ({"values": ["LoA2"]}, "LoA3"),  # voluntary: the level reached
    ],
)
def test_essential_acr_values_bound_the_returned_acr(
    client: TestClient, env: Env, acr: dict[str, object], returned: str
) -> None:
    """OIDC Core §5.5.1.1: with an essential ``acr`` and values, the ID token's ``acr`` is one of them,
    here for a session already at LoA3."""
    login_at(client, "LoA3")
    verifier, challenge = pkce()
    claims = json.dumps({"id_token": {"acr": acr}})
    params = auth_params(code_challenge=challenge, claims=claims)
    final = complete(client, client.get("/authorize", params=params))
    assert redeem(client, env, final.headers["location"], verifier)["acr"] == returned


def test_level2_scope_needs_a_level2_identity(client: TestClient, env: Env) -> None:
    location, verifier = login_at(client, "LoA1", client_id="l2", scope="openid eid_card")
    claims = redeem(client, env, location, verifier, "l2")
    assert claims["acr"] == "LoA3"
    assert claims["account_level"] == 2


def test_discovery_lists_the_levels(client: TestClient) -> None:
    document = client.get("/.well-known/openid-configuration").json()
    assert document["acr_values_supported"] == ["LoA1", "LoA2", "LoA3", "LoA4"]
