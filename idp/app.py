"""The identity provider's FastAPI application, built by :func:`create_app` from one settings object.

Issue by issue this grows into the OpenID Provider; today it serves the health endpoint, which also says
whether the population database is reachable and seeded.
"""

from typing import Any

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from idp.population_db.database import connect
from idp.settings import IdPSettings


def create_app(settings: IdPSettings | None = None) -> FastAPI:
    settings = settings or IdPSettings()
    engine = connect(settings.database_url)
    app = FastAPI(title="vneid-mock identity provider (SANDBOX — synthetic data)")

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        """Liveness plus the population's size; ``population`` is null when the database is not seeded."""
        try:
            with engine.connect() as connection:
                citizens = connection.execute(text("SELECT count(*) FROM citizen")).scalar_one()
        except SQLAlchemyError:
            citizens = None
        return {"status": "ok", "issuer": settings.issuer, "population": citizens}

    return app
