"""The state stores' tests that run a whole provider use the protocol's fixtures."""

from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents

__all__ = ["client", "env", "forget_consents"]
