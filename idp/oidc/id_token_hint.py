"""The ``id_token_hint`` of an authorization request (OpenID Connect Core §3.1.2.1).

The hint must be an ID token we issued: signed by one of our keys (RS256, PS256 or ES256 only, never
``none`` or HS256) with our ``iss``. An expired hint is accepted, as the specification intends (it names
a citizen, it grants nothing). Encrypted hints are not accepted. An invalid hint is ``invalid_request``,
sent to the client's (already validated) ``redirect_uri``.
"""

from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.untrusted_input import MALFORMED


def hinted_subject(hint: str, keys: KeySet, issuer: str, redirect_uri: str) -> str:
    """The ``sub`` of a valid ``id_token_hint``; ``invalid_request`` for anything else."""
    try:
        claims: dict[str, Any] = jwt.decode(hint, keys, algorithms=list(SIGNING_ALGORITHMS)).claims
    except MALFORMED as error:
        raise InvalidRequestError("Invalid 'id_token_hint'.", redirect_uri=redirect_uri) from error
    sub = claims.get("sub")
    if claims.get("iss") != issuer or not isinstance(sub, str):
        raise InvalidRequestError(
            "'id_token_hint' was not issued by this provider.", redirect_uri=redirect_uri
        )
    return sub
