"""Redirect URIs: which ones a client may register, by its ``application_type`` (OpenID Connect Dynamic
Client Registration 1.0 §2), and whether a requested ``redirect_uri`` matches a registered one.

A ``web`` client (the default) registers absolute ``https`` URIs, or ``http`` ones on a loopback host
(``127.0.0.1``, ``[::1]``, ``localhost``), and a request names one of them exactly, port included
(RFC 6749 §3.1.2, RFC 9700 §4.1.3: simple string comparison).

A ``native`` client registers the three shapes of RFC 8252 §7:

* a private-use URI scheme (§7.1): a reverse domain name with at least one period, in lower case, then
  one slash and a path, no authority (``vn.bank.demo:/oauth2redirect``); a scheme without a period
  (``javascript:``, ``data:``, ``file:``, ``myapp:``) is refused;
* a claimed ``https`` URI (§7.2);
* a loopback IP redirect (§7.3): ``http://127.0.0.1[:port][/path][?query]`` or the same on ``[::1]``.

Each is matched exactly, except that a loopback IP redirect matches a registered one on any port, the
scheme, host, path and query unchanged (§7.3: the app takes whatever port the system gives it at the
time of the request). ``http://localhost`` is refused for a native client rather than matched exactly:
§8.3 calls it NOT RECOMMENDED, and an app that registered it would expect the any-port rule and find out
only when a login fails. A web client keeps ``localhost``, exactly matched, as before.

No redirect URI has a fragment (RFC 6749 §3.1.2). The refusals are worded for an ``error_description``
(RFC 6749 §5.2: printable ASCII only).
"""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

WEB = "web"
NATIVE = "native"
APPLICATION_TYPES = (WEB, NATIVE)
"""``application_type`` values (Registration 1.0 §2); ``web`` when absent."""
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
"""The hosts a web client may use with ``http``."""

_PRIVATE_USE = re.compile(r"(?P<scheme>[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+):(?P<path>/(?!/)[^#]*)")
"""RFC 8252 §7.1: ``reverse.domain.name:/path``. One slash, because no naming authority stands behind
the scheme (RFC 3986 §3.2), and a period, so that ``javascript:``, ``data:`` or ``file:`` is never one."""
_LOOPBACK_IP = re.compile(
    r"http://(?P<host>127\.0\.0\.1|\[::1\])(?::(?P<port>[0-9]{1,5}))?(?P<rest>[/?][^#]*)?"
)
"""RFC 8252 §7.3: a loopback IP literal, any port, then the path and query that must match."""


def refusal(uri: str, application_type: str) -> str | None:
    """Why ``uri`` may not be registered by a client of ``application_type``, or None if it may."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return "is not a URI"
    # A web URI's scheme is judged before its fragment, as it always was.
    if application_type != NATIVE and (why := _web_refusal(parts.scheme, host)):
        return why
    if parts.fragment or "#" in uri:
        return "must not have a fragment"
    return _native_refusal(uri, parts.scheme, host) if application_type == NATIVE else None


def _web_refusal(scheme: str, host: str | None) -> str | None:
    if scheme == "https" and host:
        return None
    if scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    return "must be https (or http on loopback)"


def _native_refusal(uri: str, scheme: str, host: str | None) -> str | None:
    """RFC 8252 §7's three shapes."""
    if not _plain(uri):
        return "must not hold spaces or control characters"
    if scheme == "https" and host:
        return None
    if scheme == "http":
        if host == "localhost":
            return (
                "must name 127.0.0.1 or [::1], not localhost, for a native client "
                "(RFC 8252 section 8.3)"
            )
        if loopback_ip(uri) is None:
            return "must be http://127.0.0.1[:port]/path or http://[::1][:port]/path"
        return None
    if scheme in ("", "https") or private_use(uri) is None:
        return (
            "must be https, http on 127.0.0.1 or [::1], or a private-use scheme: a reverse domain "
            "name with a period, in lower case, then one slash (vn.bank.demo:/cb; RFC 8252 section 7)"
        )
    return None


def _plain(uri: str) -> bool:
    """No space and no control character: a redirect URI becomes a ``Location`` header."""
    return uri.isprintable() and " " not in uri


def private_use(uri: str) -> str | None:
    """The scheme of a private-use redirect URI (RFC 8252 §7.1), or None when ``uri`` is not one."""
    found = _PRIVATE_USE.fullmatch(uri)
    return found["scheme"] if found and _plain(uri) else None


def loopback_ip(uri: str) -> tuple[str, str] | None:
    """A loopback IP redirect URI (RFC 8252 §7.3) as its host and what follows the port (path and
    query); None when ``uri`` is not one, or names a port outside 1-65535."""
    found = _LOOPBACK_IP.fullmatch(uri)
    if found is None or not _plain(uri):
        return None
    port = found["port"]
    if port is not None and not 0 < int(port) < 65536:
        return None
    return found["host"], found["rest"] or ""


def matches(requested: str, registered: Iterable[str], application_type: str) -> bool:
    """Whether ``requested`` is one of the ``registered`` redirect URIs: exactly, or for a native
    client, a loopback IP redirect on another port (RFC 8252 §7.3)."""
    uris = [uri for uri in registered if isinstance(uri, str)]
    if requested in uris:
        return True
    if application_type != NATIVE:
        return False
    loopback = loopback_ip(requested)
    return loopback is not None and any(loopback_ip(uri) == loopback for uri in uris)


def sector_of(uri: str) -> str | None:
    """The pairwise sector a registered URI names (OpenID Connect Core §8.1: its host); for a
    private-use URI, which has no host, its scheme, the reverse domain name of the app's owner, so that
    a pairwise native app never falls back to the public ``sub``."""
    return urlsplit(uri).hostname or private_use(uri)
