"""Signed-then-encrypted responses for clients that register encryption (JWE, RFC 7516, with joserfc).

OpenID Connect Core §10.2 and §16.14: sign first, then encrypt to the client's public key of ``use``
``enc`` (from its ``jwks`` / ``jwks_uri``), giving a Nested JWT (``cty`` ``JWT``). Metadata per Dynamic
Client Registration 1.0 §2: ``id_token_encrypted_response_alg`` / ``_enc`` and
``userinfo_encrypted_response_alg`` / ``_enc``; key management ``RSA-OAEP-256`` or ``ECDH-ES+A256KW``,
content encryption ``A256GCM`` (also the default here when ``_enc`` is not registered).
"""

from authlib.oauth2.rfc6749 import InvalidClientError
from joserfc import jwe

from idp.oidc.client_keys import ClientKeyError
from idp.oidc.client_keys import ClientKeys
from idp.oidc.clients import Client

ENCRYPTION_ALGORITHMS = {"RSA-OAEP-256": ("RSA",), "ECDH-ES+A256KW": ("EC",)}
CONTENT_ENCRYPTIONS = ("A256GCM",)
DEFAULT_ENC = "A256GCM"


def encryption_of(client: Client, prefix: str) -> tuple[str, str] | None:
    """The registered ``(alg, enc)`` for ``prefix`` (``id_token`` or ``userinfo``), or None."""
    alg = client.metadata.get(f"{prefix}_encrypted_response_alg")
    if alg is None:
        return None
    enc = client.metadata.get(f"{prefix}_encrypted_response_enc", DEFAULT_ENC)
    if alg not in ENCRYPTION_ALGORITHMS or enc not in CONTENT_ENCRYPTIONS:
        raise InvalidClientError(description=f"Unsupported {prefix} encryption {alg}/{enc}.")
    return str(alg), str(enc)


def encrypt_for(
    keys: ClientKeys, client: Client, plaintext: str, alg: str, enc: str, nested: bool
) -> str:
    """``plaintext`` as a compact JWE to the client's newest encryption key for ``alg``."""
    try:
        key = keys.keys_for(client, "enc", ENCRYPTION_ALGORITHMS[alg])[0]
    except ClientKeyError as exc:
        raise InvalidClientError(description=str(exc)) from None
    header = {"alg": alg, "enc": enc}
    if nested:
        header["cty"] = "JWT"
    if key.kid:
        header["kid"] = key.kid
    return jwe.encrypt_compact(header, plaintext, key, algorithms=[alg, enc])
