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

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc6749 import InvalidRequestError
from httpx import Headers

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
    """The decoded credentials of a ``Basic`` header, None without one; a header that is not one
    scheme and its credentials (Authlib splits it on any Unicode space, and fails on ``"Basic \xa0"``)
    or a ``Basic`` one that is not base64 of UTF-8 is a failed authentication."""
    if authorization is None:
        return None
    parts = authorization.split(None, 1)
    if " " in authorization and len(parts) != 2:
        raise _malformed("The Authorization header is not a scheme and its credentials.")
    if len(parts) != 2 or parts[0].lower() != "basic":
        return None
    try:
        return base64.b64decode(parts[1].strip(), validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 (UnicodeDecodeError)
        raise _malformed("The Basic credentials are not base64 of UTF-8 text.") from None


def _malformed(description: str) -> InvalidClientError:
    return InvalidClientError(status_code=401, description=description)
