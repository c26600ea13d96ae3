"""The ``claims`` authorization request parameter (OpenID Connect Core §5.5).

The parameter is a JSON object whose ``userinfo`` and ``id_token`` members map claim names to ``null`` or
to an object (``essential``, ``value``, ``values``). Malformed JSON or members are ``invalid_request``,
redirected to the client (its ``redirect_uri`` is valid by then). Requested claims are released only when
a granted scope allows them: in the ID token when asked for there (they are in userinfo anyway).
"""

import json
from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import grants
from sqlalchemy import Engine

from idp.oidc.accounts import find_record
from idp.oidc.claims import userinfo_for
from idp.oidc.models import EndUser

ClaimsRequest = dict[str, dict[str, Any]]
MEMBERS = ("userinfo", "id_token")


def parse_claims_request(value: str | None) -> ClaimsRequest | None:
    """The parsed parameter (both members present), None when absent, or ``invalid_request``."""
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        raise InvalidRequestError("The 'claims' parameter is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise InvalidRequestError("The 'claims' parameter must be a JSON object.")
    request: ClaimsRequest = {}
    for member in MEMBERS:
        requested = parsed.get(member) or {}
        if not isinstance(requested, dict) or any(
            spec is not None and not isinstance(spec, dict) for spec in requested.values()
        ):
            raise InvalidRequestError(
                f"'claims.{member}' must map claim names to null or to an object."
            )
        request[member] = requested
    return request


class ClaimsParameter:
    """Authlib grant extension: validates ``claims`` with the rest of the authorization request."""

    def __call__(self, grant: grants.BaseGrant) -> None:
        grant.register_hook("after_validate_authorization_request_payload", self.validate)

    def validate(self, grant: grants.BaseGrant, redirect_uri: str) -> None:
        try:
            parse_claims_request(grant.request.payload.data.get("claims"))
        except InvalidRequestError as error:
            error.redirect_uri = redirect_uri
            raise


def id_token_claims(
    engine: Engine, user: EndUser, scope: str, claims: str | None
) -> dict[str, Any]:
    """The claims requested for the ID token that the granted ``scope`` allows, with their values."""
    request = parse_claims_request(claims)
    if not request or not request["id_token"]:
        return {}
    record = find_record(engine, user.pin)
    if record is None:
        return {}
    allowed = userinfo_for(record, user.sub, scope.split())
    return {name: allowed[name] for name in request["id_token"] if name in allowed}
