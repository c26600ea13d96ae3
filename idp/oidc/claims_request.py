"""The ``claims`` authorization request parameter (OpenID Connect Core §5.5).

The parameter is a JSON object whose ``userinfo`` and ``id_token`` members map claim names to ``null`` or
to an object (``essential``, ``value``, ``values``); ``verified_claims`` (OpenID Connect for Identity
Assurance 1.0, :mod:`idp.oidc.verified_claims`) maps to its own request object. Malformed JSON or members
are ``invalid_request``, redirected to the client (its ``redirect_uri`` is valid by then). Requested claims
are released only when a granted scope allows them: in the ID token when asked for there (they are in
userinfo anyway); ``verified_claims`` wherever asked for.
"""

from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import grants

from idp.oidc.claims import Recipient
from idp.oidc.untrusted_input import loads
from idp.oidc.verified_claims import VERIFIED_CLAIMS
from idp.oidc.verified_claims import validate_request
from idp.oidc.verified_claims import verified_claims
from idp.population_db.lookup import CitizenRecord

ClaimsRequest = dict[str, dict[str, Any]]
MEMBERS = ("userinfo", "id_token")


def parse_claims_request(value: str | None) -> ClaimsRequest | None:
    """The parsed parameter (both members present), None when absent, or ``invalid_request``."""
    if value is None:
        return None
    try:
        parsed = loads(value)
    except ValueError:
        raise InvalidRequestError("The 'claims' parameter is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise InvalidRequestError("The 'claims' parameter must be a JSON object.")
    request: ClaimsRequest = {}
    for member in MEMBERS:
        requested = parsed.get(member) or {}
        if not isinstance(requested, dict) or any(
            spec is not None and not isinstance(spec, dict)
            for name, spec in requested.items()
            if name != VERIFIED_CLAIMS
        ):
            raise InvalidRequestError(
                f"'claims.{member}' must map claim names to null or to an object."
            )
        if VERIFIED_CLAIMS in requested:
            validate_request(requested[VERIFIED_CLAIMS])
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


def requested_claims(
    request: ClaimsRequest | None,
    member: str,
    released: dict[str, Any],
    record: CitizenRecord,
    recipient: Recipient,
) -> dict[str, Any]:
    """What ``member`` of the request asks for among the ``released`` claims, plus ``verified_claims``
    when asked for and the token is a level-2 identity token."""
    if not request or not request[member]:
        return {}
    asked = request[member]
    found = {name: released[name] for name in asked if name in released}
    if VERIFIED_CLAIMS in asked:
        verified = verified_claims(asked[VERIFIED_CLAIMS], record, recipient, released)
        if verified is not None:
            found[VERIFIED_CLAIMS] = verified
    return found
