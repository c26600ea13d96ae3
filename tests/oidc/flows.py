"""Flow helpers for the data-sharing tests: redeem codes, call userinfo, raise a code to a level-2 identity.

Until the step-up branch (factors, LoA2–LoA3) lands, a browser can reach only ``LoA1`` with the password.
:func:`raise_code` stands in for a step-up: it takes a real code record from the state store (issued at
LoA1 by a real login and consent), sets its ``acr`` (and the scope the citizen consented to, which the
code lost at LoA1 because level-2 scopes are trimmed from codes of level-1 identities) and puts it back
under the same code, exactly what a code issued after a step-up to ``acr`` holds.
"""

import json
from typing import Any

from fastapi.testclient import TestClient
from joserfc import jwt

from idp.oidc.server import AuthorizationServer
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import login_and_consent
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of


def server_of(client: TestClient) -> AuthorizationServer:
    server: AuthorizationServer = client.app.state.oauth2_server  # type: ignore[attr-defined]
    return server


def authorize(
    client: TestClient,
    client_id: str,
    scope: str,
    pin: str = PIN,
    untick: tuple[str, ...] = (),
    **extra: str,
) -> tuple[str, str]:
    """A real login (LoA1) and consent: the code and its PKCE verifier."""
    verifier, challenge = pkce()
    params = auth_params(client_id, code_challenge=challenge, scope=scope, **extra)
    location = login_and_consent(client, params, pin, untick)
    return query_of(location)["code"], verifier


def raise_code(client: TestClient, code: str, acr: str, scope: str | None = None) -> None:
    """Make the stored code one issued at ``acr`` (and ``scope``): see the module docstring."""
    store = server_of(client).store
    record = store.take(f"code:{code}")
    assert record is not None
    record["user"]["acr"] = acr
    if scope is not None:
        record["scope"] = scope
    store.put(f"code:{code}", record, 60)


def redeem(
    client: TestClient, env: Env, client_id: str, code: str, verifier: str
) -> dict[str, Any]:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    data["code_verifier"] = verifier
    response = client.post("/token", data=data, auth=(client_id, env.secrets[client_id]))
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def id_token_claims(client: TestClient, id_token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(id_token, server_of(client).keys.key_set).claims
    return claims


def userinfo(client: TestClient, access_token: str) -> dict[str, Any]:
    response = client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    assert response.status_code == 200, response.text
    info: dict[str, Any] = response.json()
    return info


def claims_param(**members: dict[str, Any]) -> str:
    return json.dumps(members)
