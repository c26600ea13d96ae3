"""The login pages' tests run against the same provider fixtures as the protocol's."""

from tests.oidc.conftest import client
from tests.oidc.conftest import env
from tests.oidc.conftest import forget_consents

__all__ = ["client", "env", "forget_consents"]
