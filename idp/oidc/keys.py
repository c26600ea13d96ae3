"""The provider's signing keys: generated on first start, rotated by command, published as a JWKS.

Per RFC 7517 (JWK) and OpenID Connect Core §10.1: every key carries a ``kid`` (its RFC 7638 thumbprint),
one RSA-2048 key signs RS256 and PS256, one P-256 key signs ES256. The private JWKS is one file in the keys
folder, newest keys first; rotation prepends new keys and keeps the old ones published, so tokens they
signed still verify until they expire. Keys are loaded once into a :class:`KeyRing` and reused. The file
is only ever published whole: created by a hard link that fails if another process created it first
(replicas starting together on an empty folder share one key set), replaced by an atomic rename.
"""

import json
import os
import tempfile
from pathlib import Path

from joserfc.jwk import ECKey
from joserfc.jwk import KeyParameters
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey

JWKS_FILE = "signing.jwks.json"
SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")
_KEY_TYPE_OF_ALG = {"RS256": "RSA", "PS256": "RSA", "ES256": "EC"}

Key = RSAKey | ECKey


def new_keys() -> list[Key]:
    """A new RSA-2048 and P-256 pair, with their thumbprints as ``kid``."""
    created: KeyParameters = {"use": "sig"}
    return [
        RSAKey.generate_key(2048, parameters=created, auto_kid=True),
        ECKey.generate_key("P-256", parameters=created, auto_kid=True),
    ]


def _prepared(path: Path, keys: list[Key]) -> Path:
    """The private JWKS of ``keys``, written whole to a new file beside ``path`` (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = json.dumps({"keys": [key.as_dict(private=True) for key in keys]}, indent=2) + "\n"
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:  # mkstemp creates it 0600
        file.write(document)
    return Path(name)


def _create(path: Path, keys: list[Key]) -> None:
    """Publish ``keys`` at ``path`` unless a key set is there already: the complete file is linked in
    place, which fails if another process published first, so processes starting together on an empty
    folder all end up reading the one key set that won."""
    prepared = _prepared(path, keys)
    try:
        os.link(prepared, path)
    except FileExistsError:
        pass
    finally:
        prepared.unlink()


def _replace(path: Path, keys: list[Key]) -> None:
    """Replace the key set at ``path`` at once: a reader sees the old file or the new, never half."""
    os.replace(_prepared(path, keys), path)


def _read(path: Path) -> list[Key]:
    return list(KeySet.import_key_set(json.loads(path.read_text(encoding="utf-8"))).keys)  # type: ignore[arg-type]


def ensure_keys(keys_dir: Path) -> list[Key]:
    """The keys of ``keys_dir``, generating a first RSA and EC pair when there are none."""
    path = keys_dir / JWKS_FILE
    if not path.exists():
        _create(path, new_keys())
    return _read(path)


def rotate_keys(keys_dir: Path) -> list[Key]:
    """Prepend a new RSA and EC pair (the new signing keys); the old keys stay published."""
    keys = new_keys() + ensure_keys(keys_dir)
    _replace(keys_dir / JWKS_FILE, keys)
    return keys


class KeyRing:
    """The loaded keys: the newest key of each type signs; every key is published."""

    def __init__(self, keys: list[Key]) -> None:
        self.replace(keys)

    def replace(self, keys: list[Key]) -> None:
        """Sign and publish ``keys`` from now on (the sandbox's key rotation, done in memory)."""
        self.keys = list(keys)
        self.key_set = KeySet(list(keys))
        self.public_jwks = KeySet(list(keys)).as_dict(private=False)

    @classmethod
    def load(cls, keys_dir: Path) -> "KeyRing":
        return cls(ensure_keys(keys_dir))

    def signing_key(self, alg: str) -> Key:
        """The newest key that can sign with ``alg``."""
        kty = _KEY_TYPE_OF_ALG.get(alg)
        for key in self.keys:
            if key.key_type == kty and key.is_private:
                return key
        raise LookupError(f"no signing key for {alg}")

    def signing_set(self, alg: str) -> KeySet:
        """A one-key set for ``alg``: joserfc then writes the key's ``kid`` into the JWS header."""
        return KeySet([self.signing_key(alg)])
