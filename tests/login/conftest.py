"""The login tests use the OpenID Provider's test environment (a seeded SQLite population, test clients)."""

from tests.oidc.conftest import client  # noqa: F401 (fixture)
from tests.oidc.conftest import env  # noqa: F401 (fixture)
