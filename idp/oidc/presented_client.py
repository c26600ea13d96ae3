"""How a client presents itself at the token, revocation and introspection endpoints, checked before
and after Authlib's client authentication.

RFC 6749 §2.3: a client MUST NOT use more than one authentication method in one request, so a ``Basic``
header beside a ``client_secret`` or a ``client_assertion`` in the body is ``invalid_request`` (§5.2: "utilizes
more than one mechanism for authenticating the client"). A ``Basic`` header must hold base64 of UTF-8
``id:secret`` (RFC 7617 §2, RFC 6749 §2.3.1); one that does not is a failed authentication, 401
``invalid_client``. A ``client_id`` in the body must name the client that authenticated (§3.2.1): a client
cannot speak for another.
"""

import base64
import binascii

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc6749 import InvalidRequestError
from starlette.datastructures import Headers

BODY_CREDENTIALS = ("client_secret", "client_assertion")


def check_single_method(headers: Headers, form: dict[str, str]) -> None:
    """Refuse a request that authenticates the client more than one way, or with a ``Basic`` header
    that does not decode."""
    basic = _basic_credentials(headers.get("authorization"))
    in_body = [name for name in BODY_CREDENTIALS if name in form]
    if len(in_body) + (basic is not None) > 1:
        raise InvalidRequestError("The client used more than one authentication method.")


def check_body_client_id(form: dict[str, str], client_id: str) -> None:
    """Refuse a body ``client_id`` naming another client than the one authenticated."""
    if "client_id" in form and form["client_id"] != client_id:
        raise InvalidRequestError("'client_id' does not name the authenticated client.")


def _basic_credentials(authorization: str | None) -> str | None:
    """The decoded credentials of a ``Basic`` header, None without one."""
    if authorization is None:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClientError(
            status_code=401, description="The Basic credentials are not base64 of UTF-8 text."
        ) from None
