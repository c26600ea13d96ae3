"""Client metadata: the checks a client's registration passes, whether it comes over Dynamic Client
Registration (:mod:`idp.oidc.registration`) or goes into the clients file
(:func:`idp.oidc.clients.add_client`, which ``vneid-mock clients add`` calls).

Field names and JSON types follow OpenID Connect Dynamic Client Registration 1.0 §2 and RFC 7591 §2.
Authlib's metadata claims (:data:`CLAIMS_CLASSES`) check the values against the discovery document: auth
methods, grant and response types, scopes, subject types, ACR values, signing and encryption algorithms,
``jwks`` (public keys only, not with ``jwks_uri``). This module adds what they leave open: the JSON type
of every field (:func:`check_types`), ``application_type`` (:func:`application_type_of`: ``web`` or
``native``) and the redirect URI rules of that type (:func:`check_redirect_uris`, after
:mod:`idp.oidc.redirect_uris`: for ``web``, absolute ``https`` or ``http`` on a loopback host; for
``native``, RFC 8252 §7's private-use scheme, claimed ``https`` or loopback IP; never a fragment).
:func:`check_file_entry` applies them all to an entry of the clients file, which also knows
``claims_profile``, refuses fields nobody would read, and needs ``redirect_uris`` only from a client of
the authorization code grant (:func:`redirect_based`): a device client (RFC 8628), a back-channel
(CIBA) or a service client has none.
"""

import json
import re
from collections.abc import Sequence
from typing import Any

from authlib.oauth2.claims import BaseClaims
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc7591 import ClientMetadataClaims
from authlib.oauth2.rfc7591 import InvalidClientMetadataError
from authlib.oauth2.rfc7591 import InvalidRedirectURIError
from authlib.oidc.registration import ClientMetadataClaims as OidcClientMetadataClaims
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.oidc.catalogue import DVCQG_PROFILE
from idp.oidc.ciba_metadata import CibaClaims
from idp.oidc.clients import ACCESS_TOKEN_ALGORITHMS
from idp.oidc.error_text import printable
from idp.oidc.metadata import provider_metadata
from idp.oidc.redirect_uris import APPLICATION_TYPES
from idp.oidc.redirect_uris import WEB
from idp.oidc.redirect_uris import private_use
from idp.oidc.redirect_uris import refusal
from idp.oidc.untrusted_input import MALFORMED

SECRET_METHODS = ("client_secret_basic", "client_secret_post")
"""The token endpoint auth methods that authenticate with a client secret."""
LIST_FIELDS = (
    "redirect_uris",
    "post_logout_redirect_uris",
    "grant_types",
    "response_types",
    "contacts",
    "default_acr_values",
    "request_uris",
)
OBJECT_FIELDS = ("jwks",)
INTEGER_FIELDS = ("default_max_age",)
BOOLEAN_FIELDS = ("require_auth_time", "backchannel_logout_session_required")
CLAIMS_PROFILES = (DVCQG_PROFILE,)
"""``claims_profile`` values: ``dvcqg`` also returns the national public-service portal's names."""
FILE_FIELDS = ("claims_profile",)
"""Fields of the clients file that registration over HTTP does not take."""
ENCRYPTION_PAIRS = {
    "id_token_encrypted_response_enc": "id_token_encrypted_response_alg",
    "userinfo_encrypted_response_enc": "userinfo_encrypted_response_alg",
    "request_object_encryption_enc": "request_object_encryption_alg",
}
SUPPORTED_LISTS = {
    "token_endpoint_auth_method": "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg": "token_endpoint_auth_signing_alg_values_supported",
    "grant_types": "grant_types_supported",
    "response_types": "response_types_supported",
    "scope": "scopes_supported",
    "subject_type": "subject_types_supported",
    "default_acr_values": "acr_values_supported",
    "id_token_signed_response_alg": "id_token_signing_alg_values_supported",
    "id_token_encrypted_response_alg": "id_token_encryption_alg_values_supported",
    "id_token_encrypted_response_enc": "id_token_encryption_enc_values_supported",
    "userinfo_signed_response_alg": "userinfo_signing_alg_values_supported",
    "userinfo_encrypted_response_alg": "userinfo_encryption_alg_values_supported",
    "userinfo_encrypted_response_enc": "userinfo_encryption_enc_values_supported",
}
"""For the refusal's wording: the discovery list each field's values must come from."""
_ISSUER = "https://issuer.invalid"
"""Only the discovery document's ``*_supported`` lists are read; its URLs do not matter here."""


class RedirectURIClaims(ClientMetadataClaims):  # type: ignore[misc]
    """RFC 7591 §2's claims as Authlib checks them, except that a native client's private-use redirect
    URI (RFC 8252 §7.1) is not asked for the host it cannot have: :func:`check_redirect_uris` has
    checked every redirect URI already."""

    def validate_redirect_uris(self) -> None:
        for uri in self.get("redirect_uris") or []:
            if private_use(uri) is None:
                self._validate_uri("redirect_uris", uri)


class ProviderClaims(BaseClaims):  # type: ignore[misc]
    """The metadata the two standard claim sets leave out: logout (RP-Initiated and Back-Channel Logout
    1.0), ``purpose``, the text shown at consent, and ``access_token_signed_response_alg``."""

    REGISTERED_CLAIMS = (
        "post_logout_redirect_uris",
        "backchannel_logout_uri",
        "backchannel_logout_session_required",
        "purpose",
        "access_token_signed_response_alg",
    )

    @classmethod
    def get_claims_options(cls, metadata: dict[str, Any]) -> dict[str, Any]:
        def signable(claims: Any, alg: str) -> bool:
            return alg in ACCESS_TOKEN_ALGORITHMS

        return {"access_token_signed_response_alg": {"validate": signable}}


CLAIMS_CLASSES = (RedirectURIClaims, OidcClientMetadataClaims, ProviderClaims, CibaClaims)
REGISTRATION_FIELDS = frozenset(name for c in CLAIMS_CLASSES for name in c.REGISTERED_CLAIMS)


HUMAN_READABLE = frozenset(
    {"client_name", "purpose", "client_uri", "logo_uri", "tos_uri", "policy_uri"}
)
"""The fields a client may give in several languages as ``name#tag`` (RFC 7591 §2.2)."""
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def untagged(name: str) -> str:
    """``client_name`` for ``client_name#en``: a human-readable field in a language (RFC 7591 §2.2)
    is that field; any other name is itself."""
    field, tag = name.partition("#")[::2]
    return field if field in HUMAN_READABLE and LANGUAGE_TAG.fullmatch(tag) else name


def check_types(data: dict[str, Any]) -> None:
    """Every known field has its JSON type (Registration 1.0 §2), before any value is looked at;
    unknown fields are ignored (RFC 7591 §2)."""
    for tagged, value in data.items():
        name = untagged(tagged)
        if name not in REGISTRATION_FIELDS:
            continue
        if name in LIST_FIELDS:
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        elif name in OBJECT_FIELDS:
            ok = isinstance(value, dict)
        elif name in INTEGER_FIELDS:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif name in BOOLEAN_FIELDS:
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise InvalidClientMetadataError(f"{name} has the wrong type.")
    if "jwks" in data and not _is_key_set(data["jwks"]):
        raise InvalidClientMetadataError("jwks must be a JWK Set of public keys.")


def _is_key_set(value: dict[str, Any]) -> bool:
    """Whether ``value`` reads as a JWK Set of public keys: no private or symmetric key (RFC 7591 §2),
    and nothing the JOSE library fails on (Authlib's own check lets its KeyError and TypeError
    through: a set without ``keys``, ``keys`` not a list, an unknown curve)."""
    keys = value.get("keys")
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys):
        return False
    if any("d" in key or key.get("kty") == "oct" for key in keys):
        return False
    try:
        KeySet.import_key_set(value)  # type: ignore[arg-type]
    except MALFORMED:
        return False
    return True


def application_type_of(data: dict[str, Any]) -> str:
    """``application_type`` (Registration 1.0 §2): ``web`` when absent, or ``native``; its JSON type
    checked (:func:`check_types`) first."""
    value = data.get("application_type", WEB)
    if value not in APPLICATION_TYPES:
        raise InvalidClientMetadataError("application_type must be web or native.")
    return str(value)


def check_redirect_uris(uris: list[str] | None, name: str, application_type: str) -> None:
    """The URIs a client of ``application_type`` may register (:func:`idp.oidc.redirect_uris.refusal`);
    ``redirect_uris`` may not be empty."""
    if not uris:
        if name == "redirect_uris":
            raise InvalidRedirectURIError("redirect_uris is required.")
        return
    for uri in uris:
        why = refusal(uri, application_type)
        if why is not None:
            raise InvalidRedirectURIError(f"{name}: {printable(uri)} {why}.")


def check_file_entry(metadata: dict[str, Any]) -> None:
    """The checks of registration over HTTP, for the metadata of an entry of the clients file (without
    its ``client_id`` and secret); raises ValueError naming the first field refused."""
    unknown = sorted({untagged(name) for name in metadata} - REGISTRATION_FIELDS - set(FILE_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    if "claims_profile" in metadata and metadata["claims_profile"] not in CLAIMS_PROFILES:
        raise ValueError(f"claims_profile must be one of {', '.join(CLAIMS_PROFILES)}")
    try:
        check_types(metadata)
        kind = application_type_of(metadata)
        if metadata.get("redirect_uris") or redirect_based(metadata):
            check_redirect_uris(metadata.get("redirect_uris"), "redirect_uris", kind)
        check_redirect_uris(
            metadata.get("post_logout_redirect_uris"), "post_logout_redirect_uris", kind
        )
    except OAuth2Error as exc:
        raise ValueError(str(exc.description).rstrip(".")) from None
    check_claims(metadata, provider_metadata(_ISSUER))


def redirect_based(metadata: dict[str, Any]) -> bool:
    """Whether the client runs the authorization code grant (the default of the file and of RFC 7591
    §2): only then are ``redirect_uris`` required (a device or service client has none)."""
    return "authorization_code" in metadata.get("grant_types", ["authorization_code"])


def check_claims(data: dict[str, Any], server_metadata: dict[str, Any]) -> None:
    """Authlib's check of each claim set against the discovery document, as its registration endpoint
    runs them; the claims' defaults stay out of ``data``."""
    for claims_class in CLAIMS_CLASSES:
        options = claims_class.get_claims_options(server_metadata)
        try:
            claims_class(data, {}, options, server_metadata).validate()
        except JoseError as exc:
            claim = str(getattr(exc, "claim", "") or exc.error)
            raise ValueError(_refusal(claim, data, server_metadata)) from None


def _refusal(claim: str, data: dict[str, Any], server_metadata: dict[str, Any]) -> str:
    needed = ENCRYPTION_PAIRS.get(claim)
    if needed and needed not in data:
        return f"{claim} needs {needed}"
    if claim == "jwks":
        return "jwks must be a JWK Set of public keys, and not given with jwks_uri"
    value = data.get(claim)
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    shown = printable(value if isinstance(value, str) else json.dumps(value))
    supported = _supported(claim, server_metadata)
    if supported is None:
        return f"{claim}: {shown} is not valid"
    return f"{claim}: {shown} is not supported (supported: {', '.join(supported)})"


def _supported(claim: str, server_metadata: dict[str, Any]) -> Sequence[str] | None:
    if claim == "access_token_signed_response_alg":
        return ACCESS_TOKEN_ALGORITHMS
    listed = SUPPORTED_LISTS.get(claim)
    return server_metadata.get(listed) if listed else None
