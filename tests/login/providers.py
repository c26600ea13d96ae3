"""A provider of a test's own, over a new database of the personas, for tests that lock PINs out or
change the limits (nothing they do reaches another test)."""

from fastapi.testclient import TestClient

from idp.population_db.database import connect
from idp.population_db.seeding import seed_population
from idp.settings import IdPSettings
from idp.web.app import create_app
from tests.oidc.conftest import PASSCODE
from tests.oidc.conftest import PASSWORD
from tests.oidc.conftest import Env


def provider_on(env: Env, url: str, **limits: int) -> TestClient:
    """A client of a new provider whose database at ``url`` holds the personas; ``limits`` override
    its settings (``lockout_threshold=…``)."""
    engine = connect(url)
    seed_population(engine, count=0, seed=1, password=PASSWORD, passcode=PASSCODE)
    engine.dispose()
    settings = IdPSettings(
        database_url=url,
        issuer=env.settings.issuer,
        keys_dir=env.settings.keys_dir,
        clients_file=env.settings.clients_file,
    ).model_copy(update=limits)
    return TestClient(create_app(settings), follow_redirects=False)
