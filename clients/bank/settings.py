"""The bank's settings (environment prefix ``BANK_``); registered at the provider as ``bank``
(``private_key_jwt``, ``jwks_uri``, encrypted ID tokens)."""

from pathlib import Path
from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from clients.rp.settings import AuthMethod
from clients.rp.settings import RPSettings


class BankSettings(RPSettings):
    model_config = SettingsConfigDict(env_prefix="BANK_", env_file=".env", extra="ignore")

    app: ClassVar[str] = "bank"
    base_url: str = "http://127.0.0.1:8002"
    port: int = 8002
    client_id: str = "bank"
    token_endpoint_auth_method: AuthMethod = "private_key_jwt"
    scope: str = "openid profile identity eid_card phone"
    acr_values: str = "LoA3"
    database_url: str = "sqlite:///var/bank.sqlite3"
    keys_dir: Path | None = Path("var/bank-keys")

    opening_balance: int = 50_000_000
    """What a new sandbox account holds (VND)."""

    fresh_auth_threshold: int = 10_000_000
    """A transfer above this (VND) needs a fresh LoA3 authentication (Decision 2345/QĐ-NHNN)."""

    fresh_auth_daily_threshold: int = 20_000_000
    """A transfer that takes the account's total of the day (Vietnamese calendar day) above this (VND)
    needs a fresh LoA3 authentication too (Decision 2345/QĐ-NHNN)."""

    pending_transfer_ttl: int = 600
    """Seconds a transfer waits for its fresh authentication before it is dropped."""
