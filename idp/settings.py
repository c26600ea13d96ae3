"""Settings of the identity provider deployable, read from the environment (prefix ``VNEID_``).

One pydantic-settings class, built once by the app factory or the CLI and passed down; nothing reads the
environment at import time.
"""

from pathlib import Path

from pydantic_settings import BaseSettings
from pydantic_settings import SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class IdPSettings(BaseSettings):
    """Every knob of the identity provider, with a working default."""

    model_config = SettingsConfigDict(env_prefix="VNEID_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'vneid.sqlite3'}"
    """SQLAlchemy URL of the population database (SQLite file by default; PostgreSQL for distributed mode)."""

    issuer: str = "http://127.0.0.1:8000"
    """The issuer identifier; also where the demo serves the identity provider."""

    host: str = "127.0.0.1"
    port: int = 8000

    sandbox_password: str = "Vneid@2025"
    """The documented password of every synthetic citizen who holds an account."""

    sandbox_passcode: str = "246810"
    """The documented 6-digit passcode (mã bảo vệ) of every synthetic citizen who holds an account."""
