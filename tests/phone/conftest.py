"""The phone's tests run against the same provider fixtures as the protocol's."""

from tests.oidc.conftest import client
from tests.oidc.conftest import env

__all__ = ["client", "env"]
