"""The public keys of a client: its registered ``jwks`` (inline) or ``jwks_uri`` (fetched and cached).

Metadata per OpenID Connect Dynamic Client Registration 1.0 §2. Keys verify the client's
``private_key_jwt`` assertions (``use`` ``sig`` or no ``use``) and encrypt what we send it (``use`` ``enc``).
A ``jwks_uri`` is fetched over HTTP with a short timeout and cached for a minute, so that a client's key
rotation is picked up within 60 s. The fetcher is a plain callable, replaceable in tests.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from joserfc.jwk import Key
from joserfc.jwk import KeySet

from idp.oidc.clients import Client
from idp.oidc.error_text import describable
from idp.oidc.untrusted_input import MALFORMED

JwksFetcher = Callable[[str], dict[str, Any]]
FETCH_TIMEOUT = 3.0
CACHE_TTL = 60.0


class ClientKeyError(Exception):
    """The client has no usable key for what was asked."""


def fetch_jwks(uri: str) -> dict[str, Any]:
    """GET a JWKS document (no redirects, short timeout)."""
    response = httpx.get(uri, timeout=FETCH_TIMEOUT, follow_redirects=False)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


class ClientKeys:
    """Resolves clients' public key sets; ``jwks_uri`` documents are cached for :data:`CACHE_TTL`."""

    def __init__(self, fetch: JwksFetcher = fetch_jwks, ttl: float = CACHE_TTL) -> None:
        self.fetch = fetch
        self.ttl = ttl
        self._cache: dict[str, tuple[float, KeySet]] = {}
        self._lock = threading.Lock()

    def key_set(self, client: Client) -> KeySet:
        """Every public key the client registered, or :class:`ClientKeyError`."""
        metadata = client.metadata
        try:
            if "jwks" in metadata:
                return KeySet.import_key_set(metadata["jwks"])
            if "jwks_uri" in metadata:
                return self._fetched(str(metadata["jwks_uri"]))
        except MALFORMED as exc:
            raise ClientKeyError(
                f"The client's registered keys are invalid: {describable(str(exc), 200)}"
            ) from None
        raise ClientKeyError("The client registered no 'jwks' nor 'jwks_uri'.")

    def keys_for(self, client: Client, use: str, key_types: tuple[str, ...]) -> list[Key]:
        """The client's public keys of one of ``key_types`` for ``use`` (keys without ``use`` too)."""
        found = [
            key
            for key in self.key_set(client).keys
            if key.key_type in key_types and key.get("use", use) == use
        ]
        if not found:
            raise ClientKeyError(f"The client registered no {'/'.join(key_types)} key for {use!r}.")
        return found

    def _fetched(self, uri: str) -> KeySet:
        with self._lock:
            cached = self._cache.get(uri)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            key_set = KeySet.import_key_set(self.fetch(uri))  # type: ignore[arg-type]
        except (httpx.HTTPError, ValueError) as exc:
            raise ClientKeyError(
                f"Could not fetch the client's jwks_uri: {describable(str(exc), 200)}"
            ) from None
        with self._lock:
            self._cache[uri] = (time.monotonic() + self.ttl, key_set)
        return key_set
