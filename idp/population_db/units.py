"""Administrative units (đơn vị hành chính) and ethnic groups (dân tộc) of the synthetic population.

This module owns three reference lists, read from the CSV files in ``data/``:

* the two-level administrative units in force from 1 Jul 2025: 34 provincial-level units
  (tỉnh/thành phố: 28 provinces and 6 centrally-run cities) and 3,321 commune-level units
  (xã/phường/đặc khu: rural communes, urban wards and island special zones);
* the 63 pre-2025 provinces. Their GSO codes, zero-padded to three digits, are the first three
  digits of every personal identification number issued before the merger (the 2025
  reorganisation changed nobody's number). Each one records the 2025 province it became part of;
* the 54 officially recognised ethnic groups, in official code order, with their share of the
  national population in the 2019 census.

Provenance and licensing of the data are described in ``data/SOURCES.md``. Only the standard
library is used: the lists are loaded once per process and cached.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

_PACKAGE = "idp.population_db"
_PROVINCE_TYPES = frozenset({"tỉnh", "thành phố trung ương"})
_WARD_TYPES = frozenset({"phường", "xã", "đặc khu"})

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial-level unit in force from 1 Jul 2025."""

    code: int
    name: str
    division_type: str
    phone_code: int
    population: int


@dataclass(frozen=True, slots=True)
class LegacyProvince:
    """A pre-2025 province; its zero-padded code begins every PIN registered there."""

    code: int
    name: str
    successor_code: int

    @property
    def pin_prefix(self) -> str:
        """The three-digit PIN prefix, e.g. ``"001"`` for Hà Nội."""
        return f"{self.code:03d}"


@dataclass(frozen=True, slots=True)
class Ward:
    """A commune-level unit in force from 1 Jul 2025."""

    code: int
    name: str
    division_type: str
    province_code: int


@dataclass(frozen=True, slots=True)
class EthnicGroup:
    """One of the 54 officially recognised ethnic groups."""

    code: int
    name: str
    share: float


class AdministrativeUnits:
    """The 2025 provinces and wards plus the 63 legacy provinces, with lookups by code."""

    __slots__ = (
        "_legacy_by_code",
        "_legacy_by_successor",
        "_province_by_code",
        "_ward_by_code",
        "_wards_by_province",
        "legacy_provinces",
        "provinces",
        "wards",
    )

    provinces: tuple[Province, ...]
    legacy_provinces: tuple[LegacyProvince, ...]
    wards: tuple[Ward, ...]

    def __init__(
        self,
        provinces: tuple[Province, ...],
        legacy_provinces: tuple[LegacyProvince, ...],
        wards: tuple[Ward, ...],
    ) -> None:
        self.provinces = tuple(sorted(provinces, key=lambda p: p.code))
        self.legacy_provinces = tuple(sorted(legacy_provinces, key=lambda p: p.code))
        self.wards = tuple(sorted(wards, key=lambda w: (w.province_code, w.code)))

        self._province_by_code = _index(self.provinces, "province", lambda p: p.code)
        self._legacy_by_code = _index(self.legacy_provinces, "legacy province", lambda p: p.code)
        self._ward_by_code = _index(self.wards, "ward", lambda w: w.code)

        wards_by_province: dict[int, list[Ward]] = {p.code: [] for p in self.provinces}
        for ward in self.wards:
            if ward.province_code not in wards_by_province:
                raise ValueError(f"ward {ward.code}: unknown province {ward.province_code}")
            wards_by_province[ward.province_code].append(ward)
        self._wards_by_province = {k: tuple(v) for k, v in wards_by_province.items()}

        legacy_by_successor: dict[int, list[LegacyProvince]] = {p.code: [] for p in self.provinces}
        for legacy in self.legacy_provinces:
            if legacy.successor_code not in legacy_by_successor:
                raise ValueError(
                    f"legacy province {legacy.code}: unknown successor {legacy.successor_code}"
                )
            legacy_by_successor[legacy.successor_code].append(legacy)
        self._legacy_by_successor = {k: tuple(v) for k, v in legacy_by_successor.items()}

    def province(self, code: int) -> Province:
        """The 2025 province with this GSO code; ``KeyError`` if there is none."""
        try:
            return self._province_by_code[code]
        except KeyError:
            raise KeyError(f"no 2025 province with code {code!r}") from None

    def ward(self, code: int) -> Ward:
        """The 2025 commune-level unit with this GSO code; ``KeyError`` if there is none."""
        try:
            return self._ward_by_code[code]
        except KeyError:
            raise KeyError(f"no 2025 ward with code {code!r}") from None

    def has_province(self, code: int) -> bool:
        return code in self._province_by_code

    def has_ward(self, code: int) -> bool:
        return code in self._ward_by_code

    def wards_in(self, province_code: int) -> tuple[Ward, ...]:
        """The commune-level units of a 2025 province, by code; empty if the code is unknown."""
        return self._wards_by_province.get(province_code, ())

    def legacy_province(self, code: int) -> LegacyProvince:
        """The pre-2025 province with this GSO code; ``KeyError`` if there is none."""
        try:
            return self._legacy_by_code[code]
        except KeyError:
            raise KeyError(f"no pre-2025 province with code {code!r}") from None

    def legacy_of(self, province_code: int) -> tuple[LegacyProvince, ...]:
        """The pre-2025 provinces merged into a 2025 province; empty if the code is unknown."""
        return self._legacy_by_successor.get(province_code, ())

    def is_legacy_pin_prefix(self, prefix: str) -> bool:
        """Whether ``prefix`` is exactly the three-digit PIN prefix of a pre-2025 province."""
        if len(prefix) != 3 or not (prefix.isascii() and prefix.isdigit()):
            return False
        return int(prefix) in self._legacy_by_code


def _index(items: tuple[_T, ...], what: str, key: Callable[[_T], int]) -> dict[int, _T]:
    index: dict[int, _T] = {}
    for item in items:
        code = key(item)
        if code in index:
            raise ValueError(f"duplicate {what} code {code}")
        index[code] = item
    return index


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = resources.files(_PACKAGE).joinpath("data", filename).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _text(row: dict[str, str], field: str) -> str:
    value = unicodedata.normalize("NFC", row[field].strip())
    if not value:
        raise ValueError(f"empty {field!r} in row {row!r}")
    return value


def _choice(row: dict[str, str], field: str, allowed: frozenset[str]) -> str:
    value = _text(row, field)
    if value not in allowed:
        raise ValueError(f"unexpected {field} {value!r} in row {row!r}")
    return value


@functools.cache
def load_units() -> AdministrativeUnits:
    """Load the 2025 provinces and wards and the 63 legacy provinces (cached)."""
    provinces = tuple(
        Province(
            code=int(row["code"]),
            name=_text(row, "name"),
            division_type=_choice(row, "division_type", _PROVINCE_TYPES),
            phone_code=int(row["phone_code"]),
            population=int(row["population"]),
        )
        for row in _rows("provinces_2025.csv")
    )
    legacy = tuple(
        LegacyProvince(
            code=int(row["code"]),
            name=_text(row, "name"),
            successor_code=int(row["successor_code"]),
        )
        for row in _rows("provinces_legacy.csv")
    )
    wards = tuple(
        Ward(
            code=int(row["code"]),
            name=_text(row, "name"),
            division_type=_choice(row, "division_type", _WARD_TYPES),
            province_code=int(row["province_code"]),
        )
        for row in _rows("wards_2025.csv")
    )
    return AdministrativeUnits(provinces, legacy, wards)


@functools.cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    """The 54 ethnic groups, sorted by official code (1 = Kinh); cached."""
    groups = (
        EthnicGroup(code=int(row["code"]), name=_text(row, "name"), share=float(row["share"]))
        for row in _rows("ethnic_groups.csv")
    )
    ordered = tuple(sorted(groups, key=lambda g: g.code))
    _index(ordered, "ethnic group", lambda g: g.code)  # rejects duplicate codes
    return ordered


@functools.cache
def _ethnic_groups_by_code() -> dict[int, EthnicGroup]:
    return {group.code: group for group in ethnic_groups()}


def ethnic_group(code: int) -> EthnicGroup:
    """The ethnic group with this official code; ``KeyError`` if there is none."""
    try:
        return _ethnic_groups_by_code()[code]
    except KeyError:
        raise KeyError(f"no ethnic group with code {code!r}") from None
