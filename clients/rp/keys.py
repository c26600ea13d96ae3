"""The relying party's own key pair set (JWK, RFC 7517, with joserfc): one RSA key to sign its
``private_key_jwt`` client assertions (RFC 7523 §2.2) and one RSA key the provider encrypts ID tokens to
(``RSA-OAEP-256``, OpenID Connect Core §10.2).

Generated on first start into ``keys_dir/rp.jwks.json`` (never committed: development keys). The public
half is what the app serves at ``/jwks`` and registers as its ``jwks_uri``.
"""

import json
import os
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

FILE_NAME = "rp.jwks.json"
SIGNING_ALG = "RS256"
ENCRYPTION_ALG = "RSA-OAEP-256"


class RPKeys:
    """The app's private key set and the public JWKS made of it."""

    def __init__(self, key_set: KeySet) -> None:
        self.key_set = key_set
        signing = [k for k in key_set.keys if k.get("use") == "sig"]
        if not signing or not isinstance(signing[0], RSAKey):
            raise ValueError("the key set holds no RSA signing key")
        self.signing_key: RSAKey = signing[0]

    @classmethod
    def load_or_create(cls, directory: Path) -> "RPKeys":
        """The keys of ``directory``, generated there (mode 600) if absent."""
        path = directory / FILE_NAME
        if path.exists():
            document = json.loads(path.read_text(encoding="utf-8"))
            return cls(KeySet.import_key_set(document))
        key_set = KeySet(
            [
                RSAKey.generate_key(2048, {"use": "sig", "alg": SIGNING_ALG}, auto_kid=True),
                RSAKey.generate_key(2048, {"use": "enc", "alg": ENCRYPTION_ALG}, auto_kid=True),
            ]
        )
        directory.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(key_set.as_dict(private=True), file, indent=2)
        return cls(key_set)

    @property
    def public_jwks(self) -> dict[str, Any]:
        jwks: dict[str, Any] = dict(self.key_set.as_dict(private=False))
        return jwks
