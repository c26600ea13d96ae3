"""The identity provider's front page (trang chủ), ``GET /``: what runs here and how to try it.

For people opening the provider in a browser (a workshop, a developer's first look), not for relying
parties, which read the discovery document. It lists the issuer and every endpoint the discovery document
advertises (:func:`idp.oidc.metadata.provider_metadata`, so the two never disagree), the sandbox's own
pages (the citizen's account page, the mock SMS inbox), the personas with their account level and what
each is for, links to the sample apps, the sandbox password and passcode, and the clients registered from the clients file with
their redirect URIs. The sample apps are the clients that registered a ``client_uri`` (RFC 7591 §2). Vietnamese
first, English with ``?lang=en``. The
personas are synthetic; the sandbox password is the same public value the README and the demo print.
"""

from typing import Any

from idp.oidc.answer import View
from idp.oidc.clients import Client
from idp.oidc.metadata import provider_metadata
from idp.population_db.codes import AccountStatus
from idp.population_db.personas import PERSONAS
from idp.population_db.personas import Persona
from idp.settings import IdPSettings


def home_view(settings: IdPSettings, clients: list[Client]) -> View:
    """The front page: issuer, endpoints, the sandbox pages, sample apps, personas, clients."""
    ordered = sorted(clients, key=lambda c: c.client_id)
    values = {
        "issuer": settings.issuer,
        "endpoints": _endpoints(settings),
        "password": settings.sandbox_password,
        "passcode": settings.sandbox_passcode,
        "apps": [_client(c) for c in ordered if c.metadata.get("client_uri")],
        "personas": [_persona(p) for p in PERSONAS],
        "clients": [_client(c) for c in ordered],
    }
    return View("home.html", values, switch="/")


def _endpoints(settings: IdPSettings) -> list[tuple[str, str]]:
    """Every URL of the discovery document, under its metadata name, discovery and RFC 8414 first."""
    metadata = provider_metadata(settings.issuer, settings.registration_enabled)
    return [
        ("openid-configuration", f"{settings.issuer}/.well-known/openid-configuration"),
        ("oauth-authorization-server", f"{settings.issuer}/.well-known/oauth-authorization-server"),
        *(
            (name, value)
            for name, value in metadata.items()
            if isinstance(value, str) and (name.endswith("_endpoint") or name.endswith("_uri"))
        ),
    ]


def _persona(persona: Persona) -> dict[str, Any]:
    return {
        "pin": persona.pin,
        "name": persona.full_name,
        "level": persona.account_level,
        "locked": persona.account_status is AccountStatus.LOCKED,
        "purpose_vi": persona.purpose_vi,
        "purpose_en": persona.purpose,
    }


def _client(client: Client) -> dict[str, Any]:
    metadata = client.metadata
    name = str(metadata.get("client_name") or client.client_id)
    return {
        "id": client.client_id,
        "name": name,
        "name_en": str(metadata.get("client_name#en") or name),
        "purpose": str(metadata.get("purpose") or ""),
        "purpose_en": str(metadata.get("purpose#en") or metadata.get("purpose") or ""),
        "uri": str(metadata.get("client_uri") or ""),
        "auth": client.auth_method,
        "redirect_uris": [str(uri) for uri in metadata.get("redirect_uris", [])],
    }
