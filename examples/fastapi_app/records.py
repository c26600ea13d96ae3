"""The resource server: ``GET /api/records`` for a citizen's Bearer access token (RFC 6750 §2.1),
an RFC 9068 JWT checked against the provider's JWKS; refused with 401 and a ``WWW-Authenticate``
challenge (RFC 6750 §3) otherwise."""

from typing import Any

from .checks import TokenRejectedError
from .checks import header_kid
from .checks import verify_access_token
from .errors import LoginFailedError
from .provider import Provider

REALM = "records"


def challenge(error: str | None = None, description: str | None = None) -> dict[str, str]:
    """The ``WWW-Authenticate`` header of a refusal."""
    value = f'Bearer realm="{REALM}"'
    if error:
        value += f', error="{error}"'
    if description:
        value += f', error_description="{description}"'
    return {"WWW-Authenticate": value}


def bearer(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer`` header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LoginFailedError(401, "A Bearer access token is required.", challenge())
    return token.strip()


async def records_for(provider: Provider, authorization: str | None) -> dict[str, Any]:
    """The records the access token in ``authorization`` may read."""
    token = bearer(authorization)
    try:
        keys = await provider.keys_for(header_kid(token))
        claims = verify_access_token(token, keys, issuer=provider.issuer)
    except TokenRejectedError as error:
        refused = challenge("invalid_token", "The access token is not valid.")
        message = f"The access token failed a check ({error.check})."
        raise LoginFailedError(401, message, refused) from None
    return {
        "sub": claims["sub"],
        "records": [{"id": "HS-2025-0001", "kind": "birth-certificate", "status": "issued"}],
    }
