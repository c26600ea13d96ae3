"""The population looks like Vietnam's: the distributions the generator promises."""

from idp.population_db.statistics import population_stats
from tests.population_db.conftest import POPULATION_COUNT
from tests.population_db.conftest import Population


def test_distributions(population: Population) -> None:
    stats = population_stats(population.engine)
    total = sum(stats.sex.values())
    assert total == POPULATION_COUNT + 9
    assert 0.90 <= stats.sex["male"] / stats.sex["female"] <= 1.10
    nguyen = dict(stats.family_names)["Nguyễn"] / total
    assert 0.30 <= nguyen <= 0.42
    assert stats.family_names[0][0] == "Nguyễn"
    kinh = dict(stats.ethnicities)[1] / total
    assert 0.80 <= kinh <= 0.92
    children, working, elderly = (stats.age_bands[k] / total for k in ("0-14", "15-64", "65+"))
    assert 0.15 <= children <= 0.32
    assert 0.55 <= working <= 0.75
    assert 0.05 <= elderly <= 0.16
    adults = sum(stats.adult_accounts.values())
    assert 0.62 <= stats.adult_accounts["2"] / adults <= 0.75
    assert 0.10 <= stats.adult_accounts["1"] / adults <= 0.20
    assert 0.12 <= stats.adult_accounts["none"] / adults <= 0.25
    assert stats.meta["seed"] == "7"
    assert stats.rows["citizen"] == total
