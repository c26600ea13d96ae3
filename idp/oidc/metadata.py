"""The discovery document: OpenID Connect Discovery 1.0 §3 and RFC 8414, built once from settings.

It advertises exactly what the provider supports, nothing more.
"""

import json
from typing import Any

from idp.oidc.assurance import LEVEL_FACTORS
from idp.oidc.catalogue import DVCQG_CLAIMS
from idp.oidc.catalogue import SCOPE_CLAIMS
from idp.oidc.catalogue import TRUST_FRAMEWORK
from idp.oidc.catalogue import VERIFIABLE_CLAIMS
from idp.oidc.ciba_metadata import DELIVERY_MODES
from idp.oidc.ciba_metadata import GRANT_TYPE as CIBA_GRANT_TYPE
from idp.oidc.client_auth import ASSERTION_SIGNING_ALGORITHMS
from idp.oidc.device_flow import DEVICE_CODE_GRANT
from idp.oidc.encryption import CONTENT_ENCRYPTIONS
from idp.oidc.encryption import ENCRYPTION_ALGORITHMS
from idp.oidc.grants import RESPONSE_MODES
from idp.oidc.introspection import IntrospectionEndpoint
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.revocation import RevocationEndpoint
from idp.oidc.service_scopes import SERVICE_SCOPES

ACR_VALUES = list(LEVEL_FACTORS)
"""The authentication levels a citizen can reach here (LoA4 comes with the simulated phone app)."""


def provider_metadata(issuer: str, registration: bool = False) -> dict[str, Any]:
    claims = sorted(
        {"sub", "acr", "amr", "auth_time", "sid", "account_level", "verified_claims"}.union(
            *SCOPE_CLAIMS.values()
        ).union(DVCQG_CLAIMS)
    )
    metadata = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "device_authorization_endpoint": f"{issuer}/device_authorization",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        # the data a citizen shares, then the services' licences (client credentials only)
        "scopes_supported": ["openid", *SCOPE_CLAIMS, *SERVICE_SCOPES],
        "response_types_supported": ["code"],
        "response_modes_supported": list(RESPONSE_MODES),
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            CIBA_GRANT_TYPE,
            DEVICE_CODE_GRANT,
        ],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": list(SIGNING_ALGORITHMS),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": list(ASSERTION_SIGNING_ALGORITHMS),
        "id_token_encryption_alg_values_supported": list(ENCRYPTION_ALGORITHMS),
        "id_token_encryption_enc_values_supported": list(CONTENT_ENCRYPTIONS),
        "userinfo_signing_alg_values_supported": list(SIGNING_ALGORITHMS),
        "userinfo_encryption_alg_values_supported": list(ENCRYPTION_ALGORITHMS),
        "userinfo_encryption_enc_values_supported": list(CONTENT_ENCRYPTIONS),
        "code_challenge_methods_supported": ["S256"],
        "acr_values_supported": ACR_VALUES,
        "claims_supported": claims,
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": ["vi", "en"],
        "claims_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "revocation_endpoint": f"{issuer}/revoke",
        "revocation_endpoint_auth_methods_supported": RevocationEndpoint.CLIENT_AUTH_METHODS,
        "introspection_endpoint": f"{issuer}/introspect",
        "introspection_endpoint_auth_methods_supported": IntrospectionEndpoint.CLIENT_AUTH_METHODS,
        "end_session_endpoint": f"{issuer}/logout",
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        # OpenID Connect CIBA Core 1.0 §4 (idp.oidc.ciba): poll and ping; no login_hint_token, no user_code
        "backchannel_authentication_endpoint": f"{issuer}/bc-authorize",
        "backchannel_token_delivery_modes_supported": list(DELIVERY_MODES),
        "backchannel_user_code_parameter_supported": False,
        # OpenID Connect for Identity Assurance 1.0 §8 (idp.oidc.verified_claims)
        "verified_claims_supported": True,
        "trust_frameworks_supported": [TRUST_FRAMEWORK],
        "evidence_supported": ["document"],
        "documents_supported": ["idcard"],
        "documents_check_methods_supported": ["vpip", "vcrypt", "pvp", "bvp"],
        "claims_in_verified_claims_supported": list(VERIFIABLE_CLAIMS),
    }
    if registration:
        metadata["registration_endpoint"] = f"{issuer}/register"
    return metadata


def metadata_bytes(issuer: str, registration: bool = False) -> bytes:
    return json.dumps(provider_metadata(issuer, registration)).encode()
