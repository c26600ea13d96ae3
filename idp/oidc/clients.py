"""Registered clients: read from a JSON file in the repository, secrets stored as Argon2id hashes.

Metadata names follow OpenID Connect Dynamic Client Registration 1.0 §2 (``redirect_uris``,
``token_endpoint_auth_method``, ``grant_types``, ``scope``, ``id_token_signed_response_alg``,
``subject_type``, ``sector_identifier_uri``, ``post_logout_redirect_uris``, ``client_name``,
``application_type``), plus
``purpose``, the text shown at consent, ``claims_profile`` (:mod:`idp.oidc.disclosure`) and
``access_token_signed_response_alg`` (:mod:`idp.oidc.tokens`). :class:`Client` implements Authlib's
``ClientMixin``; a requested ``redirect_uri`` is matched as :mod:`idp.oidc.redirect_uris` says (exactly,
or on any port for a native client's loopback IP redirect, RFC 8252 §7.3). :func:`add_client` checks an
entry as registration over HTTP checks one (:mod:`idp.oidc.client_metadata`).
"""

import json
import secrets
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import get_args

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import list_to_scope
from authlib.oauth2.rfc6749 import scope_to_list

from idp.oidc.redirect_uris import WEB
from idp.oidc.redirect_uris import matches
from idp.oidc.redirect_uris import sector_of
from idp.population_db.credentials import SecretVerifier
from idp.population_db.credentials import hash_secret
from idp.settings import AccessTokenAlgorithm

ACCESS_TOKEN_ALGORITHMS: tuple[str, ...] = get_args(AccessTokenAlgorithm)


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    """One registered relying party."""

    client_id: str
    metadata: dict[str, Any] = field(default_factory=dict)
    client_secret_hash: str | None = None
    verifier: SecretVerifier = field(default_factory=SecretVerifier, repr=False, compare=False)
    """Verifies the secret; the provider's one verifier, so that a secret verified once is not
    verified in full again at every token request."""

    @property
    def auth_method(self) -> str:
        return str(self.metadata.get("token_endpoint_auth_method", "client_secret_basic"))

    @property
    def client_metadata(self) -> dict[str, Any]:
        """The registration metadata under Authlib's name (its logout endpoint reads it)."""
        return self.metadata

    @property
    def id_token_signed_response_alg(self) -> str:
        return str(self.metadata.get("id_token_signed_response_alg", "RS256"))

    @property
    def access_token_signed_response_alg(self) -> str | None:
        """The JWS algorithm registered for this client's access tokens; None leaves it to the server."""
        alg = self.metadata.get("access_token_signed_response_alg")
        return None if alg is None else str(alg)

    @property
    def sector(self) -> str | None:
        """The pairwise sector (the redirect host or ``sector_identifier_uri`` host), or None if public."""
        if self.metadata.get("subject_type") != "pairwise":
            return None
        uri = self.metadata.get("sector_identifier_uri") or self.metadata["redirect_uris"][0]
        return sector_of(str(uri))

    @property
    def application_type(self) -> str:
        """``web`` (the default) or ``native`` (OpenID Connect Dynamic Client Registration 1.0 §2)."""
        return str(self.metadata.get("application_type", WEB))

    @property
    def default_acr_values(self) -> list[str]:
        """The registered ``default_acr_values`` (Registration 1.0 §2), strings only."""
        defaults = self.metadata.get("default_acr_values") or []
        return [v for v in defaults if isinstance(v, str)] if isinstance(defaults, list) else []

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OAuth 2.1 / FAPI: redirect_uri is required in every request, never defaulted.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return ""
        allowed = set(scope_to_list(self.metadata.get("scope", "openid")))
        return str(list_to_scope([s for s in scope_to_list(scope) if s in allowed]))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """The authorization endpoint's check; the token endpoint then asks for the very string the
        authorization request used (Authlib's ``AuthorizationCodeGrant``), so both agree."""
        registered = self.metadata.get("redirect_uris") or []
        return matches(redirect_uri, registered, self.application_type)

    def check_client_secret(self, client_secret: str) -> bool:
        if self.client_secret_hash is None:
            return False
        return self.verifier.verify(self.client_secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.metadata.get("response_types", ["code"])

    def check_grant_type(self, grant_type: str) -> bool:
        default = ["authorization_code", "refresh_token"]
        return grant_type in self.metadata.get("grant_types", default)

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"client_id": self.client_id, **self.metadata}
        if self.client_secret_hash is not None:
            entry["client_secret_hash"] = self.client_secret_hash
        return entry


def load_clients(path: Path, verifier: SecretVerifier | None = None) -> dict[str, Client]:
    """Every client of the file at ``path`` (``{"clients": [...]}``) by ``client_id``, their secrets
    verified by ``verifier`` (a new one when None)."""
    verifier = verifier or SecretVerifier()
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("clients"), list):
        raise ValueError(f'{path} is not a clients file (a JSON object with a list "clients")')
    clients = {}
    for entry in document["clients"]:
        metadata = dict(entry)
        client_id = str(metadata.pop("client_id"))
        secret_hash = metadata.pop("client_secret_hash", None)
        clients[client_id] = Client(client_id, metadata, secret_hash, verifier)
    return clients


def add_client(
    path: Path, client_id: str, metadata: dict[str, Any], secret: str | None = None
) -> str | None:
    """Register a client in the file, its metadata checked as registration over HTTP checks it
    (:func:`idp.oidc.client_metadata.check_file_entry`); raises ValueError naming what is refused.

    Returns the client's secret, ``secret`` or a new one, to be shown once (only its hash is stored), or
    None for a client that authenticates without one (``none``, ``private_key_jwt``).
    """
    # The checks read the discovery document, whose modules import this one.
    from idp.oidc.client_metadata import SECRET_METHODS
    from idp.oidc.client_metadata import check_file_entry

    if not client_id or not client_id.isprintable() or client_id != client_id.strip():
        raise ValueError("client_id must be a non-empty, printable string without outer spaces")
    clients = load_clients(path)
    if client_id in clients:
        raise ValueError(f"client {client_id!r} already exists")
    check_file_entry(metadata)
    if metadata.get("token_endpoint_auth_method", "client_secret_basic") not in SECRET_METHODS:
        if secret is not None:
            raise ValueError(f"a client_secret is only for {' and '.join(SECRET_METHODS)} clients")
    elif secret is None:
        secret = secrets.token_urlsafe(32)
    elif not secret:
        raise ValueError("client_secret must not be empty")
    clients[client_id] = Client(client_id, metadata, hash_secret(secret) if secret else None)
    document = {"clients": [c.as_json() for c in clients.values()]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return secret
