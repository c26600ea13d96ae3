"""The transmitter's configuration metadata (SSF 1.0 §7.1), served at
``/.well-known/ssf-configuration``: built once from the issuer. Receivers read every endpoint from it."""

import json
from typing import Any

PUSH = "urn:ietf:rfc:8935"
SSF_CONFIGURATION_PATH = "/.well-known/ssf-configuration"
STREAMS_PATH = "/ssf/streams"
STATUS_PATH = "/ssf/streams/status"
ADD_SUBJECT_PATH = "/ssf/streams/subjects/add"
REMOVE_SUBJECT_PATH = "/ssf/streams/subjects/remove"
VERIFY_PATH = "/ssf/streams/verify"


def transmitter_metadata(issuer: str) -> dict[str, Any]:
    return {
        "spec_version": "1_0",
        "issuer": issuer,
        "jwks_uri": f"{issuer}/jwks",
        "delivery_methods_supported": [PUSH],
        "configuration_endpoint": issuer + STREAMS_PATH,
        "status_endpoint": issuer + STATUS_PATH,
        "add_subject_endpoint": issuer + ADD_SUBJECT_PATH,
        "remove_subject_endpoint": issuer + REMOVE_SUBJECT_PATH,
        "verification_endpoint": issuer + VERIFY_PATH,
        # stream management takes the client credentials grant's access token (scope shared_signals)
        "authorization_schemes": [{"spec_urn": "urn:ietf:rfc:6749"}],
        "default_subjects": "ALL",
    }


def transmitter_metadata_bytes(issuer: str) -> bytes:
    return json.dumps(transmitter_metadata(issuer), indent=2).encode()
