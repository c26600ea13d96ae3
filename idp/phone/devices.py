"""Activating the app on a device (kích hoạt ứng dụng): the ES256 key pair a device makes, and the
binding of its public key to a level-2 account (:mod:`idp.state.device_keys`).

Only a level-2 account, active and of a living citizen, binds a device, under the account's device id
(a level-1 account's app has no bound device, so it never reaches ``LoA4``). A scripted phone (the test
kit) makes its key pair itself and sends only the public key (:func:`activate`); the phone pages of the
provider simulate the device's secure storage in the state store (:func:`simulated_key`), apart from the
binding the approvals are verified against.
"""

from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from idp.oidc.accounts import find_record
from idp.oidc.accounts import refusal_of
from idp.oidc.server import AuthorizationServer
from idp.state.device_keys import BoundKey
from idp.state.device_keys import bind
from idp.state.device_keys import bound_key

SIMULATED_KEY = "phone-app-key:"
SIMULATED_KEY_TTL = 30 * 24 * 3600
"""How long the provider's simulated phone keeps its key without use (then it activates again)."""


@dataclass(frozen=True)
class NotActivated:
    """Why the app cannot be activated: ``no_account``, ``level1``, ``locked`` or ``deceased``."""

    reason: str


def app_holder(server: AuthorizationServer, pin: str) -> tuple[int, str | None] | NotActivated:
    """The account level and device id of a citizen who may open the app, or why not."""
    record = find_record(server.engine, pin, frozenset())
    if record is None or record.account is None:
        return NotActivated("no_account")
    if (refused := refusal_of(record)) is not None:
        return NotActivated(refused)
    return record.account.level, record.account.device_id


def bound_device_id(server: AuthorizationServer, pin: str) -> str | NotActivated:
    """The device id a citizen's app may bind a key under: a level-2 account's, or why not."""
    holder = app_holder(server, pin)
    if isinstance(holder, NotActivated):
        return holder
    level, device_id = holder
    if level < 2 or device_id is None:
        return NotActivated("level1")
    return device_id


def activate(
    server: AuthorizationServer, pin: str, public_jwk: dict[str, Any]
) -> BoundKey | NotActivated:
    """Bind a device's public ES256 key (a P-256 JWK, no private part) to the citizen's level-2
    account, replacing the device bound before."""
    device_id = bound_device_id(server, pin)
    if isinstance(device_id, NotActivated):
        return device_id
    try:
        key = ECKey.import_key(public_jwk)
    except (JoseError, ValueError, TypeError, KeyError):
        return NotActivated("bad_key")
    if key.is_private or key.curve_name != "P-256":
        return NotActivated("bad_key")
    public = key.as_dict(private=False)
    public["kid"] = device_id
    bind(server.engine, pin, device_id, public, at=server.clock.now())
    found = bound_key(server.engine, pin)
    assert found is not None
    return found


def simulated_key(server: AuthorizationServer, pin: str) -> tuple[ECKey, str] | NotActivated:
    """The key of the provider's simulated phone for this citizen, and its device id: made and bound
    on first use, made again (a new phone) when the bound key is not its own."""
    device_id = bound_device_id(server, pin)
    if isinstance(device_id, NotActivated):
        return device_id
    kept = server.store.get(SIMULATED_KEY + pin)
    bound = bound_key(server.engine, pin)
    if kept is not None and bound is not None and bound.public_jwk.get("x") == kept.get("x"):
        return ECKey.import_key(kept), device_id
    key = ECKey.generate_key("P-256", private=True)
    activated = activate(server, pin, key.as_dict(private=False))
    if isinstance(activated, NotActivated):
        return activated
    server.store.put(SIMULATED_KEY + pin, key.as_dict(private=True), SIMULATED_KEY_TTL)
    return key, device_id
