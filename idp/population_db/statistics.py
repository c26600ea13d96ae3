"""Summary figures of a population: what ``vneid-mock population stats`` prints.

Counted in SQL so that a million citizens are summarised in a second or two. Ages are counted on a
day: the generator's reference day :data:`~idp.population_db.generator.AS_OF` unless another is
given (the population's today of a provider whose clock was moved).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import text

from idp.population_db.cards import birthday_at
from idp.population_db.generator import AS_OF
from idp.population_db.rows import COLUMNS

_AGE_BANDS = ((0, 14), (15, 64), (65, 200))


@dataclass(frozen=True, slots=True)
class PopulationStats:
    day: date
    """The day ages are counted on."""
    meta: dict[str, str]
    rows: dict[str, int]
    sex: dict[str, int]
    age_bands: dict[str, int]
    adult_accounts: dict[str, int]
    """Citizens aged 14 or more by account: level 1, level 2, none."""
    family_names: list[tuple[str, int]]
    ethnicities: list[tuple[int, int]]
    provinces: list[tuple[int, int]]
    deceased: int

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "meta": self.meta,
            "rows": self.rows,
            "sex": self.sex,
            "age_bands": self.age_bands,
            "adult_accounts": self.adult_accounts,
            "family_names": [list(item) for item in self.family_names],
            "ethnicities": [list(item) for item in self.ethnicities],
            "provinces": [list(item) for item in self.provinces],
            "deceased": self.deceased,
        }


def population_stats(engine: Engine, *, today: date = AS_OF) -> PopulationStats:
    """Count the rows of each table and the shape of the population, ages as of ``today``."""

    def born_by(age: int) -> str:
        """The last birth date of someone ``age`` or older on ``today``."""
        return birthday_at(today, -age).isoformat()

    adult_born_before = born_by(14)
    with engine.connect() as db:

        def pairs(sql: str, **params: object) -> list[tuple[Any, int]]:
            return [(key, int(n)) for key, n in db.execute(text(sql), params)]

        meta = {
            str(k): str(v) for k, v in db.execute(text("SELECT key, value FROM populationmeta"))
        }
        rows = {table: int(db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in COLUMNS}  # fmt: skip
        bands: dict[str, int] = {}
        for low, high in _AGE_BANDS:
            youngest, oldest = born_by(low), born_by(high + 1)
            label = f"{low}-{high}" if high < 200 else f"{low}+"
            bands[label] = int(
                db.execute(
                    text("SELECT count(*) FROM citizen WHERE birth_date <= :y AND birth_date > :o"),
                    {"y": youngest, "o": oldest},
                ).scalar_one()
            )
        accounts = dict(
            pairs(
                "SELECT coalesce(CAST(a.level AS VARCHAR(4)), 'none'), count(*) FROM citizen c "
                "LEFT JOIN vneidaccount a ON a.pin = c.pin WHERE c.birth_date <= :born "
                "GROUP BY coalesce(CAST(a.level AS VARCHAR(4)), 'none')",
                born=adult_born_before,
            )
        )
        return PopulationStats(
            day=today,
            meta=meta,
            rows=rows,
            sex=dict(pairs("SELECT sex, count(*) FROM citizen GROUP BY sex")),
            age_bands=bands,
            adult_accounts={str(k): v for k, v in accounts.items()},
            family_names=pairs(
                "SELECT family_name, count(*) AS n FROM citizen GROUP BY family_name "
                "ORDER BY n DESC, family_name LIMIT 10"
            ),
            ethnicities=pairs(
                "SELECT ethnicity_code, count(*) AS n FROM citizen WHERE ethnicity_code IS NOT NULL "
                "GROUP BY ethnicity_code ORDER BY n DESC, ethnicity_code LIMIT 10"
            ),
            provinces=pairs(
                "SELECT province_code, count(*) AS n FROM citizen c JOIN household h "
                "ON h.number = c.household_number GROUP BY province_code "
                "ORDER BY n DESC, province_code LIMIT 10"
            ),
            deceased=int(
                db.execute(
                    text("SELECT count(*) FROM citizen WHERE deceased_on IS NOT NULL")
                ).scalar_one()
            ),
        )
