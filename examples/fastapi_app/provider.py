"""The provider as this application sees it: the discovery document and the signing keys (JWKS),
fetched over HTTP and kept. The keys are fetched once more when a token names a key the application
has not seen, which is how a key rotation at the provider reaches the application.
"""

from typing import Any

import httpx2
from joserfc.jwk import KeySet

from .errors import LoginFailedError


class Provider:
    """Discovery and the JWKS of ``issuer``, each request bounded by ``timeout`` seconds."""

    def __init__(self, issuer: str, timeout: float) -> None:
        self.issuer = issuer.rstrip("/")
        self.timeout = timeout
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    async def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0 §4), whose ``issuer`` must be the
        issuer configured."""
        if self._metadata is None:
            document = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if document.get("issuer") != self.issuer:
                raise LoginFailedError(
                    502, "The provider's discovery document names another issuer."
                )
            self._metadata = document
        return self._metadata

    async def endpoint(self, name: str) -> str:
        """The URL of ``name`` (``token_endpoint``, ``userinfo_endpoint`` ...)."""
        url = (await self.metadata()).get(name)
        if not isinstance(url, str):
            raise LoginFailedError(502, f"The provider publishes no {name}.")
        return url

    async def keys_for(self, kid: str | None) -> KeySet:
        """The keys to check a token whose header names ``kid``: the kept JWKS, fetched again once
        when it lacks that key."""
        if self._keys is None or (kid is not None and not _has(self._keys, kid)):
            document = await self._get_json(await self.endpoint("jwks_uri"))
            try:
                self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (ValueError, TypeError, KeyError) as error:
                raise LoginFailedError(502, "The provider's JWKS cannot be read.") from error
        return self._keys

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx2.AsyncClient(timeout=self.timeout) as http:
                response = await http.get(url)
        except httpx2.TimeoutException:
            raise LoginFailedError(504, "VNeID did not answer in time.") from None
        except httpx2.HTTPError:
            raise LoginFailedError(502, "VNeID cannot be reached.") from None
        if response.status_code != 200:
            raise LoginFailedError(503, "VNeID is unavailable; please try again later.")
        return json_object(response, "VNeID sent a document this service cannot read.")


def json_object(response: httpx2.Response, unreadable: str) -> dict[str, Any]:
    """The response's JSON object; a 502 saying ``unreadable`` for anything else."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise LoginFailedError(502, unreadable)
    return body


def _has(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)
