"""Regenerate the 2025 administrative-unit CSVs from vietnam-provinces 2025.10.1 (dev-time only).

Writes ``idp/population_db/data/wards_2025.csv`` (all 3,321 commune-level units) and the
``code,name,division_type,phone_code`` columns of ``provinces_2025.csv``. The ``population``
column of ``provinces_2025.csv`` is not in the package: it is kept from the existing file (see
``data/SOURCES.md``), and the script refuses to run if a province has no population yet.

The package (GPL-3.0-or-later) is only read here, once, to extract the factual GSO catalogue of
names and codes. Nothing in ``idp`` imports it.

Usage::

    pip install vietnam-provinces==2025.10.1
    python scripts/build_units.py            # rewrite the CSVs
    python scripts/build_units.py --check    # exit 1 if the CSVs differ from the package data
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import vietnam_provinces

EXPECTED_PACKAGE_VERSION = "2025.10.1"
DATA_DIR = Path(__file__).resolve().parent.parent / "idp" / "population_db" / "data"
PROVINCE_HEADER = ("code", "name", "division_type", "phone_code", "population")
WARD_HEADER = ("code", "name", "division_type", "province_code")
PROVINCE_TYPES = frozenset({"tỉnh", "thành phố trung ương"})
WARD_TYPES = frozenset({"phường", "xã", "đặc khu"})


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    code: int
    name: str
    division_type: str
    phone_code: int


@dataclass(frozen=True, slots=True)
class WardRow:
    code: int
    name: str
    division_type: str
    province_code: int


def _nfc(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field}: expected a non-empty string, got {value!r}")
    return unicodedata.normalize("NFC", value.strip())


def _int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{field}: expected a positive integer, got {value!r}")
    return value


def read_package(path: Path) -> tuple[list[ProvinceRow], list[WardRow]]:
    """Parse ``nested-divisions.json`` into province and ward rows, sorted by code."""
    raw: object = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a JSON list of provinces")
    provinces: list[ProvinceRow] = []
    wards: list[WardRow] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValueError(f"{path}: province entry is not an object: {item!r}")
        province = ProvinceRow(
            code=_int(item.get("code"), "province.code"),
            name=_nfc(item.get("name"), "province.name"),
            division_type=_nfc(item.get("division_type"), "province.division_type"),
            phone_code=_int(item.get("phone_code"), "province.phone_code"),
        )
        if province.division_type not in PROVINCE_TYPES:
            raise ValueError(f"province {province.code}: unknown type {province.division_type!r}")
        provinces.append(province)
        ward_items = item.get("wards")
        if not isinstance(ward_items, list):
            raise ValueError(f"province {province.code}: 'wards' is not a list")
        for ward_item in ward_items:
            if not isinstance(ward_item, dict):
                raise ValueError(f"province {province.code}: ward entry is not an object")
            ward = WardRow(
                code=_int(ward_item.get("code"), "ward.code"),
                name=_nfc(ward_item.get("name"), "ward.name"),
                division_type=_nfc(ward_item.get("division_type"), "ward.division_type"),
                province_code=province.code,
            )
            if ward.division_type not in WARD_TYPES:
                raise ValueError(f"ward {ward.code}: unknown type {ward.division_type!r}")
            wards.append(ward)
    provinces.sort(key=lambda p: p.code)
    wards.sort(key=lambda w: (w.province_code, w.code))
    if len({p.code for p in provinces}) != len(provinces):
        raise ValueError("duplicate province codes in package data")
    if len({w.code for w in wards}) != len(wards):
        raise ValueError("duplicate ward codes in package data")
    return provinces, wards


def read_populations(path: Path) -> dict[int, int]:
    """The ``population`` column of an existing ``provinces_2025.csv`` (empty if absent)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["code"]): int(row["population"]) for row in csv.DictReader(handle)}


def render_csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def build(data_dir: Path, json_path: Path) -> dict[Path, str]:
    """Return the target contents of each generated file, keyed by path."""
    provinces, wards = read_package(json_path)
    provinces_path = data_dir / "provinces_2025.csv"
    populations = read_populations(provinces_path)
    missing = [p.code for p in provinces if p.code not in populations]
    if missing:
        raise ValueError(
            f"{provinces_path}: no population for province codes {missing}; add them by hand "
            "(see data/SOURCES.md) and run again"
        )
    province_rows: list[tuple[object, ...]] = [
        (p.code, p.name, p.division_type, p.phone_code, populations[p.code]) for p in provinces
    ]
    ward_rows: list[tuple[object, ...]] = [
        (w.code, w.name, w.division_type, w.province_code) for w in wards
    ]
    return {
        provinces_path: render_csv(PROVINCE_HEADER, province_rows),
        data_dir / "wards_2025.csv": render_csv(WARD_HEADER, ward_rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the files are out of date"
    )
    args = parser.parse_args(argv)
    data_dir: Path = args.data_dir

    version = vietnam_provinces.__version__
    if version != EXPECTED_PACKAGE_VERSION:
        print(
            f"warning: vietnam-provinces {version} installed, data was built from "
            f"{EXPECTED_PACKAGE_VERSION}",
            file=sys.stderr,
        )
    targets = build(data_dir, Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH))

    stale = [
        path
        for path, text in targets.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        text = targets[path]
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.splitlines()) - 1} rows)")
    if not stale:
        print("up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
