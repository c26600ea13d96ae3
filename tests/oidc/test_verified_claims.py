"""OpenID Connect for Identity Assurance 1.0 ``verified_claims``: requested through the ``claims``
parameter, only for level-2 identities, only the claims asked for. The level-2 identity is reached with
:func:`tests.oidc.flows.raise_code` (the step-up is another branch's work)."""

from typing import Any

from fastapi.testclient import TestClient

from idp.oidc.assurance import LEVEL2_SCOPES
from tests.oidc.conftest import ALL_SCOPES
from tests.oidc.conftest import LEVEL1_PIN
from tests.oidc.conftest import PIN
from tests.oidc.conftest import REDIRECT
from tests.oidc.conftest import Env
from tests.oidc.conftest import auth_params
from tests.oidc.conftest import pkce
from tests.oidc.conftest import query_of
from tests.oidc.flows import authorize
from tests.oidc.flows import claims_param
from tests.oidc.flows import id_token_claims
from tests.oidc.flows import raise_code
from tests.oidc.flows import redeem
from tests.oidc.flows import userinfo

ASKED = {
    "verification": {"trust_framework": None},
    "claims": {"given_name": None, "family_name": None, "birthdate": None},
}


def _tokens(client: TestClient, env: Env, acr: str, pin: str = PIN, **request: Any) -> Any:
    """Tokens after a real login (a level-2 scope steps the level-2 persona up to LoA3; a level-1
    account asks only for level-1 scopes, since a level-2 scope would end in
    unmet_authentication_requirements), the code then set to ``acr``."""
    scopes = ALL_SCOPES if pin == PIN else LEVEL1_SCOPES
    code, verifier = authorize(client, "data", scopes, pin, claims=claims_param(**request))
    raise_code(client, code, acr, scopes)
    return redeem(client, env, "data", code, verifier)


LEVEL1_SCOPES = " ".join(s for s in ALL_SCOPES.split() if s not in LEVEL2_SCOPES)


def _check_shape(verified: dict[str, Any]) -> None:
    verification = verified["verification"]
    assert verification["trust_framework"] == "vn_eid"
    assert verification["time"].startswith("2024-09-10T")
    (evidence,) = verification["evidence"]
    assert evidence["type"] == "document"
    assert {c["check_method"] for c in evidence["check_details"]} >= {"vpip", "vcrypt"}
    document = evidence["document_details"]
    assert document["type"] == "idcard"
    assert document["document_number"] == PIN
    assert document["issuer"]["country_code"] == "VNM"
    assert document["date_of_issuance"] == "2024-09-10"
    assert document["date_of_expiry"]


def test_userinfo_verified_claims_for_a_level2_identity(client: TestClient, env: Env) -> None:
    tokens = _tokens(client, env, "LoA3", userinfo={"verified_claims": ASKED})
    verified = userinfo(client, tokens["access_token"])["verified_claims"]
    _check_shape(verified)
    assert verified["claims"] == {
        "given_name": "Bình",
        "family_name": "Nguyễn",
        "birthdate": "1988-03-15",
    }
    assert "verified_claims" not in id_token_claims(client, tokens["id_token"])


def test_id_token_verified_claims_only_those_asked_for(client: TestClient, env: Env) -> None:
    asked = {"verification": {"trust_framework": None}, "claims": {"personal_id_number": None}}
    tokens = _tokens(client, env, "LoA3", id_token={"verified_claims": asked})
    verified = id_token_claims(client, tokens["id_token"])["verified_claims"]
    _check_shape(verified)
    assert verified["claims"] == {"personal_id_number": PIN}


def test_nothing_for_a_weaker_token_or_a_level1_account(client: TestClient, env: Env) -> None:
    request = {"userinfo": {"verified_claims": ASKED}, "id_token": {"verified_claims": ASKED}}
    for pin, acr in ((PIN, "LoA2"), (LEVEL1_PIN, "LoA3")):
        client.cookies.clear()
        tokens = _tokens(client, env, acr, pin, **request)
        assert "verified_claims" not in userinfo(client, tokens["access_token"])
        assert "verified_claims" not in id_token_claims(client, tokens["id_token"])


def test_another_trust_framework_gets_nothing(client: TestClient, env: Env) -> None:
    asked = {**ASKED, "verification": {"trust_framework": {"value": "eidas"}}}
    tokens = _tokens(client, env, "LoA3", userinfo={"verified_claims": asked})
    assert "verified_claims" not in userinfo(client, tokens["access_token"])


def test_malformed_verified_claims_request_is_invalid_request(client: TestClient) -> None:
    _, challenge = pkce()
    bad_requests: list[Any] = [{"verification": {}}, {"claims": {"name": None}}, [1], "x"]
    for bad in bad_requests:
        params = auth_params(
            "data", code_challenge=challenge, claims=claims_param(userinfo={"verified_claims": bad})
        )
        response = client.get("/authorize", params=params)
        assert response.headers["location"].startswith(REDIRECT)
        assert query_of(response.headers["location"])["error"] == "invalid_request"
