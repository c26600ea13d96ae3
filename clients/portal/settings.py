"""The portal's settings (environment prefix ``PORTAL_``); registered at the provider as ``portal``
(``client_secret_basic``, the ``dvcqg`` claims profile)."""

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from clients.rp.settings import AuthMethod
from clients.rp.settings import RPSettings


class PortalSettings(RPSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", env_file=".env", extra="ignore")

    app: ClassVar[str] = "portal"
    base_url: str = "http://127.0.0.1:8001"
    port: int = 8001
    client_id: str = "portal"
    client_secret: SecretStr | None = SecretStr("portal-sandbox-secret")
    token_endpoint_auth_method: AuthMethod = "client_secret_basic"
    scope: str = "openid profile identity"
    acr_values: str = "LoA2"
    database_url: str = "sqlite:///var/portal.sqlite3"

    step_up_scope: str = "openid profile identity eid_card residence household"
    """What the judicial-record request asks for (level-2 scopes: a level-2 identity at LoA3)."""
