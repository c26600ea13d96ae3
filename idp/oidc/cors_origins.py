"""Which web origins may call the provider's JSON endpoints from a browser (CORS, for single-page apps
with a public client): the origins of every client's registered ``redirect_uris`` (the clients file's,
and those registered over HTTP, RFC 7591), and the extra ones of ``VNEID_CORS_ORIGINS``.

An origin is serialized as browsers send it (RFC 6454 §6.2): lower-case scheme and host, the port only
when it is not the scheme's default. Only ``http`` and ``https`` URIs have one; a native app's private-use
scheme (RFC 8252 §7.1) has none, and the opaque origin ``null`` is never allowed.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from idp.oidc.clients import Client
from idp.oidc.registered_clients import RegisteredClients

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(uri: str) -> str | None:
    """The web origin of ``uri``, or None when it has none."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    suffix = "" if port is None or port == DEFAULT_PORTS[scheme] else f":{port}"
    return f"{scheme}://{host}{suffix}"


def redirect_origins(clients: Iterable[Client]) -> set[str]:
    """The origins of the ``redirect_uris`` of ``clients``."""
    uris = (uri for client in clients for uri in client.metadata.get("redirect_uris") or [])
    return {origin for uri in uris if isinstance(uri, str) and (origin := origin_of(uri))}


class AllowedOrigins:
    """The origins of the file's clients and the configured extras, fixed at start-up; those of the
    clients registered over HTTP, read when an origin is not among them (a registration counts at
    once, on every replica)."""

    def __init__(
        self, file_clients: Iterable[Client], extra: Iterable[str], registered: RegisteredClients
    ) -> None:
        configured = {origin_of(origin) for origin in extra}
        self.fixed = redirect_origins(file_clients) | {o for o in configured if o}
        self.registered = registered

    def __contains__(self, origin: object) -> bool:
        if not isinstance(origin, str) or origin == "null":
            return False
        if origin in self.fixed:
            return True
        return origin in redirect_origins(self.registered.all())
