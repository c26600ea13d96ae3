"""What Authlib's grants handle: the authenticated end user, authorization codes and refresh tokens.

Codes and refresh tokens are JSON objects in the :mod:`idp.state.store`; these classes give them the
Authlib mixin methods (``AuthorizationCodeMixin``, OpenID Connect's ``AuthorizationCodeMixin``,
``TokenMixin``). A *grant* (``grant_id``) is the family of tokens born from one authorization code.
A refresh token tells its expiry by the provider's clock (:class:`idp.state.clock.Clock`).
"""

from dataclasses import dataclass
from dataclasses import fields
from typing import Any

from authlib.oauth2.rfc6749 import TokenMixin
from authlib.oidc.core import AuthorizationCodeMixin

from idp.oidc.assurance import essential_acr_values
from idp.oidc.assurance import reported_acr
from idp.oidc.clients import Client
from idp.state.clock import Clock


@dataclass(frozen=True)
class EndUser:
    """The citizen as one client sees them: ``sub`` is public or pairwise for that client."""

    pin: str
    sub: str
    grant_id: str
    sid: str
    auth_time: int
    acr: str
    amr: list[str]
    account_level: int

    def get_user_id(self) -> str:
        return self.sub

    def as_json(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)} | {
            "amr": list(self.amr)
        }


class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    """A stored authorization code (``code``, its value), issued to the client that presents it."""

    def __init__(self, data: dict[str, Any], code: str) -> None:
        self.data = data
        self.code = code
        self.user = EndUser(**data["user"])
        # The citizen claims of the ID token, fixed and audited when the code is redeemed.
        self.disclosed: dict[str, Any] | None = None

    def get_redirect_uri(self) -> str:
        return str(self.data["redirect_uri"])

    def get_scope(self) -> str:
        return str(self.data["scope"])

    def get_nonce(self) -> str | None:
        nonce = self.data.get("nonce")
        return None if nonce is None else str(nonce)

    def get_auth_time(self) -> int:
        return self.user.auth_time

    def get_acr(self) -> str:
        """The ID token's ``acr`` (:func:`idp.oidc.assurance.reported_acr`); the grant keeps the one
        achieved, which decides what userinfo may release."""
        return reported_acr(self.user.acr, essential_acr_values(self.data.get("claims")))

    def get_amr(self) -> list[str]:
        return self.user.amr


class RefreshToken(TokenMixin):  # type: ignore[misc]
    """A stored refresh token, ``value``, issued to the client that presents it."""

    def __init__(self, data: dict[str, Any], value: str, clock: Clock) -> None:
        self.data = data
        self.value = value
        self.clock = clock
        self.user = EndUser(**data["user"])

    def check_client(self, client: Client) -> bool:
        return bool(self.data["client_id"] == client.get_client_id())

    def get_scope(self) -> str:
        return str(self.data["scope"])

    def get_expires_in(self) -> int:
        return int(self.data["expires_at"] - self.clock.now())

    def is_expired(self) -> bool:
        return bool(self.data["expires_at"] <= self.clock.now())

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> EndUser:
        return self.user
