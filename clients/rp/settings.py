"""The settings every sample relying party has; each app subclasses :class:`RPSettings` with its own
environment prefix (``PORTAL_``, ``BANK_``, ``HOSPITAL_``) and defaults.

Client metadata names follow OpenID Connect Dynamic Client Registration 1.0 §2
(``token_endpoint_auth_method``, ``scope``); the URIs the app registers are derived from ``base_url``.
"""

from pathlib import Path
from typing import ClassVar
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings
from pydantic_settings import SettingsConfigDict

AuthMethod = Literal["client_secret_basic", "private_key_jwt", "none"]


class RPSettings(BaseSettings):
    """One relying party: where the identity provider is, who the app is, what it asks for."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app: ClassVar[str] = "rp"
    """Which app this is, for its pages: the stem of its message file (``messages/<lang>/<app>.toml``,
    where its name is), the folder of its templates (``templates/<app>/``) and its colour class
    (``app-<app>`` in ``static/app.css``)."""

    issuer: str = "http://127.0.0.1:8000"
    """The identity provider's issuer; discovery is read from ``{issuer}/.well-known/openid-configuration``."""

    base_url: str = "http://127.0.0.1:8080"
    """Where browsers reach this app; ``/callback``, ``/logged-out``, ``/backchannel-logout`` and
    ``/jwks`` below it are the URIs registered at the provider; ``/signals`` is where the app's stream
    of identity events delivers."""

    host: str = "127.0.0.1"
    port: int = 8080

    client_id: str = "rp"
    client_secret: SecretStr | None = None
    """Only for ``client_secret_basic``."""

    token_endpoint_auth_method: AuthMethod = "client_secret_basic"

    scope: str = "openid"
    """What the app asks for at sign-in (step-ups ask for more)."""

    acr_values: str = "LoA2"
    """The authentication level (mức độ xác thực) asked for at sign-in."""

    database_url: str = "sqlite:///var/rp.sqlite3"
    """The app's own database: sessions, logins and the app's records."""

    keys_dir: Path | None = None
    """Where the app's own private keys live (generated on first start): needed for
    ``private_key_jwt`` and encrypted ID tokens; None for apps that need neither."""

    session_ttl: int = 8 * 3600
    """Seconds a browser session of the app lives."""

    http_timeout: float = 5.0
    """Seconds to wait for the identity provider."""

    signals: bool = True
    """Whether the app registers its stream of identity events (OpenID Shared Signals) at start and
    takes events at ``/signals``."""

    signals_retry_cap: float = 5.0
    """The longest pause, in seconds, between two tries to register the stream while the provider
    cannot be reached."""

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/callback"

    @property
    def post_logout_redirect_uri(self) -> str:
        return f"{self.base_url}/logged-out"

    @property
    def signals_uri(self) -> str:
        """Where the provider pushes identity events (RFC 8935)."""
        return f"{self.base_url}/signals"

    @property
    def session_cookie(self) -> str:
        """Cookies are per host, not per port: every app on 127.0.0.1 needs its own cookie name."""
        return f"{self.client_id}_session"
