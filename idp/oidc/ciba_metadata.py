"""The client metadata of OpenID Connect Client-Initiated Backchannel Authentication (CIBA Core 1.0 §4):
which delivery mode a back-channel client registered, and where its pings go.

A client of the grant ``urn:openid:params:grant-type:ciba`` registers ``backchannel_token_delivery_mode``
``poll`` or ``ping`` (``push`` is not supported: tokens only ever leave by the token endpoint); a ``ping``
client also registers ``backchannel_client_notification_endpoint``, an absolute ``https`` URI (or
``http`` on a loopback host, for a sandbox) without a fragment. Checked by :class:`CibaClaims`, one of
the claim sets every registration passes (:mod:`idp.oidc.client_metadata`), over HTTP or into the
clients file. Kept apart from :mod:`idp.oidc.ciba` so that the metadata checks import nothing of the
endpoint.
"""

from typing import Any
from typing import ClassVar
from urllib.parse import urlsplit

from authlib.oauth2.claims import BaseClaims
from joserfc.errors import InvalidClaimError

GRANT_TYPE = "urn:openid:params:grant-type:ciba"
POLL = "poll"
PING = "ping"
DELIVERY_MODES = (POLL, PING)
MODE = "backchannel_token_delivery_mode"
NOTIFICATION_ENDPOINT = "backchannel_client_notification_endpoint"
_LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def is_notification_uri(uri: Any) -> bool:
    """An absolute ``https`` URI, or ``http`` on a loopback host; no fragment (CIBA Core §4)."""
    if not isinstance(uri, str) or "#" in uri:
        return False
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return False
    loopback = parts.scheme == "http" and host in _LOOPBACK_HOSTS
    return bool(host) and (parts.scheme == "https" or loopback)


class CibaClaims(BaseClaims):  # type: ignore[misc]
    """CIBA Core §4's registration metadata, and the mode a client of the CIBA grant must name."""

    REGISTERED_CLAIMS: ClassVar[list[str]] = [MODE, NOTIFICATION_ENDPOINT]

    @classmethod
    def get_claims_options(cls, metadata: dict[str, Any]) -> dict[str, Any]:
        def mode(claims: Any, value: Any) -> bool:
            if value == PING and not is_notification_uri(claims.get(NOTIFICATION_ENDPOINT)):
                raise InvalidClaimError(NOTIFICATION_ENDPOINT)
            return value in DELIVERY_MODES

        def endpoint(claims: Any, value: Any) -> bool:
            return is_notification_uri(value)

        def grant_types(claims: Any, value: Any) -> bool:
            # A CIBA client without a delivery mode could never receive its tokens (§4: REQUIRED).
            if isinstance(value, list) and GRANT_TYPE in value and MODE not in claims:
                raise InvalidClaimError(MODE)
            return True

        return {
            MODE: {"validate": mode},
            NOTIFICATION_ENDPOINT: {"validate": endpoint},
            "grant_types": {"validate": grant_types},
        }


def is_ciba_only(metadata: dict[str, Any]) -> bool:
    """A client of the CIBA grant alone (refresh tokens aside): it never redirects a browser, so it
    needs no ``redirect_uris``."""
    grant_types = metadata.get("grant_types")
    if not isinstance(grant_types, list) or GRANT_TYPE not in grant_types:
        return False
    return set(grant_types) <= {GRANT_TYPE, "refresh_token"}
