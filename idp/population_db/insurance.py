"""Health-insurance (BHYT) beneficiary groups and benefit levels (Decision 1351/QĐ-BHXH, Appendix C).

The 15-character card number is ``XX N PP`` + the 10-digit social-insurance code: group, benefit level,
province of issue.
"""

from idp.population_db.codes import Occupation

GROUP_LEVELS: dict[str, int] = {
    "TE": 1, "CC": 1, "HN": 2, "DT": 2, "BT": 2, "HT": 3, "CN": 3, "DN": 4, "HC": 4, "HS": 4,
    "SV": 4, "GD": 4, "QN": 5, "CA": 5,
}  # fmt: skip
"""Beneficiary group -> benefit level (1: 100 % no cap … 4: 80 %, 5: armed forces)."""

_BY_OCCUPATION = {
    Occupation.PUPIL: "HS",
    Occupation.STUDENT: "SV",
    Occupation.EMPLOYEE: "DN",
    Occupation.CIVIL_SERVANT: "HC",
    Occupation.MILITARY: "QN",
    Occupation.POLICE: "CA",
}

ETHNIC_MINORITY_GROUPS = frozenset(range(2, 55)) - {4}
"""Groups whose members in hardship areas are insured as DT (the Hoa are not among them)."""


def beneficiary_group(
    occupation: Occupation, age: int, ethnicity: int, roll: float
) -> tuple[str, int]:
    """The group and level that fit a citizen's age and occupation; ``roll`` in [0, 1) picks among fits."""
    if age < 6:
        group = "TE"
    elif occupation in _BY_OCCUPATION:
        group = _BY_OCCUPATION[occupation]
    elif occupation is Occupation.RETIRED:
        group = "CC" if roll < 0.03 else ("BT" if age >= 80 and roll < 0.5 else "HT")
    elif ethnicity in ETHNIC_MINORITY_GROUPS and roll < 0.6:
        group = "DT"
    elif roll < 0.05:
        group = "HN"
    elif roll < 0.10:
        group = "CN"
    else:
        group = "GD"
    return group, GROUP_LEVELS[group]
