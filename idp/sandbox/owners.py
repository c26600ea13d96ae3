"""Whose request it is, for matching a queued scenario before the request is processed: the client a
token request names (its ``client_id``, HTTP Basic user or client assertion's ``sub``, RFC 6749 §2.3.1
and RFC 7523 §3), and the client and citizen of an access token at userinfo (its grant).

Read without verifying anything: the answer only picks which queued scenario applies, never what the
request may do; the request itself is then checked as always.
"""

import base64
import binascii
import json
from typing import Any
from urllib.parse import unquote

from joserfc import jws
from joserfc.errors import JoseError

from idp.oidc.token_stores import Grants


def _payload(token: str) -> dict[str, Any]:
    try:
        payload = json.loads(jws.extract_compact(token.encode()).payload)
    except (JoseError, ValueError, UnicodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def basic_client_id(authorization: str | None) -> str | None:
    """The client id of an HTTP Basic ``Authorization`` header (RFC 6749 §2.3.1), or None. Not
    Authlib's ``extract_basic_authorization``: it raises on credentials that are not UTF-8, and this
    runs before the request is checked."""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, _ = decoded.partition(":")
    return unquote(user) if colon else None


def token_request_client(form: dict[str, str], authorization: str | None) -> str | None:
    """The client a token request names."""
    if client_id := form.get("client_id"):
        return client_id
    if client_id := basic_client_id(authorization):
        return client_id
    subject = _payload(form.get("client_assertion", "")).get("sub")
    return subject if isinstance(subject, str) else None


def access_token_owner(grants: Grants, token: str) -> tuple[str | None, str | None]:
    """The client and the citizen's PIN of an access token's grant; None for what is unknown."""
    grant_id = _payload(token).get("grant_id")
    grant = grants.get(grant_id) if isinstance(grant_id, str) else None
    if grant is None:
        return None, None
    return str(grant.get("client_id")), str(grant.get("pin"))
