"""Settings of the identity provider deployable, read from the environment (prefix ``VNEID_``).

One pydantic-settings class, built once by the app factory or the CLI and passed down; nothing reads the
environment at import time.
"""

from pathlib import Path
from typing import Annotated
from typing import Literal

from pydantic import SecretStr
from pydantic import field_validator
from pydantic_settings import BaseSettings
from pydantic_settings import NoDecode
from pydantic_settings import SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")
DEFAULT_CLIENTS_FILE = Path(__file__).parent / "oidc" / "clients.json"
AccessTokenAlgorithm = Literal["RS256", "ES256"]
"""What access tokens may be signed with: Authlib's RFC 9068 generator signs with joserfc's recommended
algorithms, which leave PS256 out."""


class IdPSettings(BaseSettings):
    """Every knob of the identity provider, with a working default."""

    model_config = SettingsConfigDict(env_prefix="VNEID_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'vneid.sqlite3'}"
    """SQLAlchemy URL of the population database (SQLite file by default; PostgreSQL for distributed mode)."""

    state_store_url: str = "memory"
    """Where ephemeral protocol state lives: ``memory`` for this process (the embedded default, forgotten at
    a restart), ``sql`` for the ``oidc_state`` table of the database above, or ``redis://host:port/db``
    for Redis (the distributed mode: several provider processes share it)."""

    state_store_prefix: str = "vneid:"
    """Prefix of every Redis key, so that one Redis can serve several sandboxes."""

    issuer: str = "http://127.0.0.1:8000"
    """The issuer identifier; also where the demo serves the identity provider."""

    host: str = "127.0.0.1"
    port: int = 8000

    forwarded_allow_ips: str = ""
    """Proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed (addresses or networks,
    comma-separated, or ``*``); empty trusts nobody, so the client address is the connection's peer."""

    cors_origins: Annotated[list[str], NoDecode] = []
    """Web origins allowed to call discovery, the JWKS, token, userinfo and revocation from a browser
    (CORS), besides the origins of every client's redirect URIs; comma-separated."""

    access_log: bool = True
    """Log one line per HTTP request (uvicorn's access log); off saves a tenth of the CPU under load."""

    sandbox_password: str = "Vneid@2025"
    """The documented password of every synthetic citizen who holds an account."""

    sandbox_passcode: str = "246810"
    """The documented 6-digit passcode (mã bảo vệ) of every synthetic citizen who holds an account."""

    keys_dir: Path = Path("keys")
    """Where the provider's private JWKS (``signing.jwks.json``) lives; generated there on first start."""

    clients_file: Path = DEFAULT_CLIENTS_FILE
    """The registered clients (OpenID Connect Dynamic Client Registration metadata, secrets hashed)."""

    subject_secret: SecretStr = SecretStr("vneid-mock sandbox subject secret")
    """HMAC key that turns a PIN into the opaque ``sub``; changing it changes every ``sub``."""

    chip_seed: SecretStr = SecretStr("vneid-mock sandbox card authority")
    """Seed of the sandbox's country signing CA, Document Signer and chip keys: the same seed signs the same
    chips, byte for byte. Public by default (these are never real keys); another seed is another CA."""

    code_ttl: int = 60
    """Seconds an authorization code stays redeemable (at most 60)."""

    access_token_ttl: int = 600
    """Seconds an access token (and an ID token) is valid."""

    access_token_alg: AccessTokenAlgorithm = "ES256"
    """JWS algorithm of the access tokens of a client that registers no ``access_token_signed_response_alg``
    (RS256 for resource servers that accept nothing else)."""

    refresh_token_ttl: int = 8 * 3600
    """Seconds a refresh token (and the grant behind it) lives."""

    session_ttl: int = 8 * 3600
    """Seconds a single sign-on session lives."""

    interaction_ttl: int = 15 * 60
    """Seconds a citizen has to finish login and consent."""
    qr_ttl: int = 120
    """Seconds a login page's QR code lives (single-use: the first phone to scan it claims it)."""
    device_code_ttl: int = 600
    """Seconds a device authorization's ``device_code`` and ``user_code`` live (RFC 8628 §3.2)."""
    user_code_rate_per_ip: int = 5
    """Wrong user codes per client IP per login rate window on ``/device`` before 429 (RFC 8628 §5.1)."""

    session_cookie: str = "vneid_session"
    """Name of the HttpOnly, SameSite=Lax single sign-on session cookie."""

    backchannel_logout_timeout: float = 2.0
    """Seconds to wait for a relying party's back-channel logout endpoint before giving up on it."""

    ssf_push_timeout: float = 2.0
    """Seconds to wait for a Shared Signals receiver to answer one pushed event (RFC 8935)."""

    ssf_retry_cap: float = 5.0
    """The longest wait, in seconds, between two attempts to push an event a receiver did not take."""

    ssf_poll_interval: float = 0.5
    """Seconds between two looks at the Shared Signals outbox when no change wakes the worker."""

    registration_enabled: bool = False
    """Serve Dynamic Client Registration (RFC 7591) at ``/register``; off by default (then 404)."""

    registration_token: SecretStr = SecretStr("")
    """The initial access token ``/register`` requires as Bearer; empty refuses every registration."""

    sandbox_api: bool = False
    """Serve the sandbox's control API under ``/sandbox/`` (the clock, scenarios, recorded requests,
    citizens, minted tokens, keys, reset) and headless login at ``/authorize``; off by default (then
    404). The SMS inbox (``/sandbox/sms``) is served either way."""

    sandbox_token: SecretStr = SecretStr("")
    """The Bearer token the sandbox's control API and headless login require; empty refuses them all."""

    lockout_threshold: int = 5
    """Wrong passwords (or passcodes) in a row that lock that factor of an account."""

    lockout_seconds: int = 15 * 60
    """How long a locked factor stays locked; failures older than this are forgotten."""

    login_rate_window: int = 60
    """Seconds of the fixed window the login rate limits count in."""

    login_rate_per_account: int = 10
    """Password attempts per PIN per window (right or wrong) before 429."""

    login_rate_per_ip: int = 30
    """Password attempts per client IP per window before 429."""

    otp_ttl: int = 3 * 60
    """Seconds a one-time code sent by SMS stays valid."""

    otp_max_tries: int = 5
    """Wrong entries that kill a one-time code."""

    otp_resend_interval: int = 30
    """Seconds between two SMS sends in one interaction."""

    otp_lockout_threshold: int = 20
    """Wrong one-time codes in a row, across logins, that lock an account's SMS codes for
    ``lockout_seconds`` (each code also dies after ``otp_max_tries``)."""

    otp_max_sends: int = 5
    """SMS sends allowed per interaction (the first one included)."""

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("state_store_url")
    @classmethod
    def _known_store(cls, url: str) -> str:
        if url not in ("memory", "sql") and not url.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError("must be memory, sql (the database) or a redis:// URL")
        return url
