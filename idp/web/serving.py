"""How ``vneid-mock serve`` runs the provider under uvicorn.

Proxy headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are believed only from the addresses of
``VNEID_FORWARDED_ALLOW_IPS`` (uvicorn's ``forwarded_allow_ips``: addresses or networks, comma-separated,
or ``*``); by default nobody is trusted and the client address is the connection's peer. uvicorn's own
default trusts 127.0.0.1, which let any local client choose its address, and so a new per-address login
limit, on every attempt.
"""

from typing import Any

from idp.settings import IdPSettings


def uvicorn_options(settings: IdPSettings) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` / ``uvicorn.Config`` for these settings."""
    trusted = settings.forwarded_allow_ips.strip()
    return {
        "host": settings.host,
        "port": settings.port,
        "access_log": settings.access_log,
        "server_header": False,  # no "server: uvicorn" banner: nothing to gain from naming the software
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }
