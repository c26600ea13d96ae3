"""The bank's settings (environment prefix ``BANK_``); registered at the provider as ``bank``
(``private_key_jwt``, ``jwks_uri``, encrypted ID tokens) and, for the teller counter, as
``bank-counter`` (OpenID Connect CIBA Core 1.0, poll mode, ``client_secret_basic``)."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic import SecretStr
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

    counter_client_id: str = "bank-counter"
    """The teller counter's client at the provider: a CIBA client in poll mode, separate from the
    bank's web client because it authenticates customers standing at a counter, not in a browser."""

    counter_client_secret: SecretStr = SecretStr("bank-counter-sandbox-secret")
    """The counter client's secret (``client_secret_basic``); the default is the sandbox's."""

    counter_scope: str = "openid profile identity"
    """What the counter asks for: the customer's name and personal identification number."""

    counter_number: int = Field(default=3, ge=1, le=99)
    """The counter this app serves as: its binding messages read ``QUAY-<number> <4 digits>``."""

    counter_request_expiry: int = Field(default=120, ge=1, le=600)
    """Seconds the customer has to approve on their phone (CIBA ``requested_expiry``, 1–600)."""
