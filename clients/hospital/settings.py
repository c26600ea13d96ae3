"""The hospital's settings (environment prefix ``HOSPITAL_``); registered at the provider as
``hospital``, a confidential client (``client_secret_basic``: its server holds the stream of identity
events, which takes the client credentials grant, RFC 6749 §4.4), and its self-service kiosk
(``/kiosk``) as ``hospital-kiosk``, a public device client (RFC 8628). The check-in desk and the kiosk
read chip identity cards and ask the provider's card verification service about them as
``card_client_id`` (the client credentials grant, scope ``card_verification``)."""

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from clients.rp.settings import AuthMethod
from clients.rp.settings import RPSettings


class HospitalSettings(RPSettings):
    model_config = SettingsConfigDict(env_prefix="HOSPITAL_", env_file=".env", extra="ignore")

    app: ClassVar[str] = "hospital"
    base_url: str = "http://127.0.0.1:8003"
    port: int = 8003
    client_id: str = "hospital"
    client_secret: SecretStr | None = SecretStr("hospital-sandbox-secret")
    token_endpoint_auth_method: AuthMethod = "client_secret_basic"
    scope: str = "openid profile identity health_insurance"
    acr_values: str = "LoA3"
    database_url: str = "sqlite:///var/hospital.sqlite3"
    kiosk_client_id: str = "hospital-kiosk"
    """The kiosk's own client: the device authorization grant, no secret (a kiosk keeps none)."""
    kiosk_scope: str = "openid profile health_insurance"
    """What the ticket needs: the patient's name and BHYT card (``health_insurance`` is a level-2
    scope, so the kiosk asks for ``acr_values`` LoA3 as the check-in page does); no ``identity``,
    since the kiosk prints no personal identification number."""

    card_client_id: str = "hospital-verification"
    """The hospital's server as a client of the card verification service: a confidential client
    (the client credentials grant needs one, RFC 6749 §4.4), kept apart from the ``hospital`` client
    of the patients' logins, which holds no licence."""

    card_client_secret: SecretStr = SecretStr("hospital-verification-sandbox-secret")
    """Its secret (``client_secret_basic``); the default is the sandbox's."""
