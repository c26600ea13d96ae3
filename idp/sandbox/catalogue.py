"""The scenario catalogue (kịch bản): outcomes a test can make the provider give on purpose, each named,
with the endpoint it acts on and the relying-party behaviour it tests.

Modelled on the GOV.UK One Login simulator's error configuration and mock-oauth2-server's queued
responses. A scenario is queued (:mod:`idp.sandbox.scenarios`) and the next matching requests get it.
Authorization errors are the error codes of RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6; broken
ID tokens break one check of Core §3.1.3.7 each; the token endpoint's, the JWKS's and userinfo's
failures are the HTTP answers RFC 6749 §5.2, RFC 6585 §4 (429) and RFC 6750 §3.1 describe.
"""

from dataclasses import dataclass

AUTHORIZATION = "authorization"
ID_TOKEN = "id_token"
TOKEN = "token"
JWKS = "jwks"
USERINFO = "userinfo"
ENDPOINTS = (AUTHORIZATION, ID_TOKEN, TOKEN, JWKS, USERINFO)


@dataclass(frozen=True)
class Scenario:
    """One entry: its ``name``, the ``endpoint`` it acts on, what it does and what it tests."""

    name: str
    endpoint: str
    does: str
    tests: str


def _authorization_errors() -> list[Scenario]:
    described = {
        "access_denied": "the citizen refused, or may not log in",
        "login_required": "prompt=none, and the citizen is not logged in",
        "consent_required": "prompt=none, and consent was never given",
        "interaction_required": "prompt=none needs a page",
        "temporarily_unavailable": "the provider is overloaded",
        "server_error": "the provider failed",
        "unmet_authentication_requirements": "the level asked cannot be reached",
    }
    return [
        Scenario(
            code,
            AUTHORIZATION,
            f"The authorization response is error={code} ({what}), redirected to the client.",
            "The application shows its own error page, never a stack trace, and does not loop "
            "back to the provider.",
        )
        for code, what in described.items()
    ]


_ID_TOKEN_CHECKS = {
    "id_token_bad_signature": ("its signature does not verify", "verifies the signature"),
    "id_token_unknown_kid": (
        "it is signed with a key the JWKS does not publish",
        "refuses a kid it cannot find (after one JWKS refresh)",
    ),
    "id_token_alg_none": ("it is unsigned (alg none)", "never accepts alg none"),
    "id_token_wrong_iss": ("its iss is another issuer", "checks iss"),
    "id_token_wrong_aud": ("its aud is another client", "checks aud"),
    "id_token_expired": ("it expired an hour ago", "checks exp"),
    "id_token_issued_in_future": ("its iat is an hour ahead", "checks iat"),
    "id_token_wrong_nonce": ("its nonce is not the one sent", "checks nonce"),
    "id_token_wrong_at_hash": ("its at_hash does not match the access token", "checks at_hash"),
    "id_token_lower_acr": (
        "its acr is one level below what was asked",
        "checks acr against what it asked",
    ),
    "id_token_sub_mismatch": (
        "its sub differs from userinfo's",
        "compares userinfo's sub with the ID token's (Core §5.3.2)",
    ),
}


def _broken_id_tokens() -> list[Scenario]:
    return [
        Scenario(
            name,
            ID_TOKEN,
            f"The next ID token issued is broken: {broken}.",
            f"The application {check}, and refuses the login.",
        )
        for name, (broken, check) in _ID_TOKEN_CHECKS.items()
    ]


def _failures() -> list[Scenario]:
    retry = "The application retries later or shows an error, and does not hammer the endpoint."
    return [
        Scenario("token_500", TOKEN, "The token endpoint answers 500 server_error.", retry),
        Scenario(
            "token_503", TOKEN, "The token endpoint answers 503 temporarily_unavailable.", retry
        ),
        Scenario(
            "token_429",
            TOKEN,
            "The token endpoint answers 429 with Retry-After (seconds, 30 unless given).",
            "The application waits as Retry-After says.",
        ),
        Scenario(
            "token_slow",
            TOKEN,
            "The token endpoint answers normally after a delay (seconds, 5 unless given).",
            "The application's timeout fires, or it waits; it does not redeem the code twice.",
        ),
        Scenario(
            "jwks_unavailable",
            JWKS,
            "The JWKS answers 503.",
            "The application keeps the keys it has, or refuses logins it cannot verify.",
        ),
        Scenario(
            "key_rotation",
            JWKS,
            "The signing keys rotate at once: new keys sign from now on, the old stay published.",
            "The application fetches the JWKS again on an unknown kid.",
        ),
        Scenario(
            "userinfo_401",
            USERINFO,
            "Userinfo answers 401 invalid_token (RFC 6750 §3.1).",
            "The application refreshes the token or logs the citizen in again.",
        ),
        Scenario(
            "userinfo_500",
            USERINFO,
            "Userinfo answers 500.",
            "The application shows an error and does not log the citizen in half way.",
        ),
    ]


CATALOGUE: dict[str, Scenario] = {
    entry.name: entry for entry in (*_authorization_errors(), *_broken_id_tokens(), *_failures())
}
