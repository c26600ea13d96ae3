"""Vietnamese personal names (họ, chữ đệm, tên) and how often each is given.

Order is family name + middle name (0–2 words) + given name, stored in Unicode NFC. Shares follow the domain
reference (§6.2–§6.4): Nguyễn about 38 %, Thị/Văn weighted by birth cohort, regional Hoàng/Huỳnh and Vũ/Võ
splits, and family names typical of some ethnic minorities.
"""

import random
import unicodedata
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from idp.population_db.codes import Sex


@dataclass(frozen=True, slots=True)
class WeightedChoice:
    """A fixed list of values drawn with given weights by one ``rng.random()`` call."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weighted: dict[str, float]) -> "WeightedChoice":
        values = tuple(unicodedata.normalize("NFC", value) for value in weighted)
        return cls(values, tuple(accumulate(weighted.values())))

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# Shared family names; "Hoàng/Huỳnh" and "Vũ/Võ" resolve by region.
_FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 40.5, "Trần": 11.5, "Lê": 9.5, "Phạm": 7.0, "Hoàng/Huỳnh": 5.1, "Phan": 4.5,
    "Vũ/Võ": 3.9, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1.0,
    "Lý": 0.5, "Đinh": 0.6, "Đoàn": 0.5, "Đào": 0.5, "Trịnh": 0.5, "Trương": 0.5, "Mai": 0.4,
    "Lương": 0.4, "Cao": 0.4, "Phùng": 0.3, "Lưu": 0.3, "Lâm": 0.3, "Tạ": 0.3, "Chu": 0.2,
    "Vương": 0.2, "Thái": 0.2, "Quách": 0.2, "Triệu": 0.2, "Tô": 0.2, "Kiều": 0.2, "Hà": 0.3,
}  # fmt: skip

_REGIONAL = {
    "north": {"Hoàng/Huỳnh": "Hoàng", "Vũ/Võ": "Vũ"},
    "central": {"Hoàng/Huỳnh": "Hoàng", "Vũ/Võ": "Võ"},
    "south": {"Hoàng/Huỳnh": "Huỳnh", "Vũ/Võ": "Võ"},
}

# Family names carried by some ethnic groups (codes of the official list).
_MINORITY_FAMILY_NAMES: dict[int, dict[str, float]] = {
    2: {"Nông": 4, "Hoàng": 3, "Lương": 2, "Triệu": 1, "Hà": 1},  # Tày
    3: {"Lò": 4, "Lường": 3, "Quàng": 2, "Cầm": 2, "Hà": 1},  # Thái
    5: {"Thạch": 4, "Sơn": 3, "Danh": 2, "Kim": 2, "Lâm": 1},  # Khmer
    6: {"Bùi": 4, "Đinh": 3, "Quách": 2, "Hà": 1},  # Mường
    7: {"Hoàng": 3, "Nông": 3, "Lăng": 2, "Vi": 2},  # Nùng
    8: {"Giàng": 4, "Thào": 3, "Sùng": 3, "Vàng": 3, "Lý": 2},  # H'Mông
    9: {"Triệu": 4, "Bàn": 3, "Lý": 2, "Đặng": 2},  # Dao
    10: {"Ksor": 4, "Rơ Mah": 3, "Siu": 2, "Rơ Châm": 2},  # Gia Rai
    12: {"Niê": 4, "Mlô": 2, "Êban": 2, "Byă": 1},  # Ê Đê
}

_MIDDLE_TRADITIONAL = {Sex.MALE: "Văn", Sex.FEMALE: "Thị"}

_MIDDLE_MODERN: dict[Sex, dict[str, float]] = {
    Sex.FEMALE: {
        "Ngọc": 8, "Thu": 6, "Thanh": 6, "Phương": 5, "Thùy": 5, "Minh": 4, "Kim": 4, "Hồng": 4,
        "Mai": 3, "Bảo": 4, "Khánh": 3, "Hoài": 2, "Quỳnh": 3, "Như": 2, "Mỹ": 2, "Diệu": 2,
        "Cẩm": 2, "Hải": 2, "Gia": 3, "Thị Thu": 3, "Ngọc Bảo": 2, "Thị Ngọc": 2,
    },
    Sex.MALE: {
        "Đức": 8, "Minh": 9, "Quang": 6, "Hữu": 5, "Thanh": 4, "Xuân": 3, "Công": 4, "Quốc": 5,
        "Gia": 5, "Tuấn": 3, "Hoàng": 4, "Duy": 4, "Bảo": 4, "Anh": 3, "Trọng": 3, "Ngọc": 2,
        "Thế": 3, "Đình": 4, "Trung": 3, "Văn Minh": 1, "Đức Anh": 1,
    },
}  # fmt: skip

_GIVEN: dict[Sex, tuple[str, ...]] = {
    Sex.MALE: (
        "Anh", "Minh", "Huy", "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Đức", "Hải", "Sơn", "Tùng",
        "Quân", "Khoa", "Phúc", "Bảo", "Khang", "Đạt", "Thắng", "Cường", "Hiếu", "Trung", "Thành",
        "Phong", "Vinh", "Hoàng", "Duy", "Nghĩa", "Tâm", "Tài", "Khôi", "Lâm", "Quang", "Toàn",
        "Việt", "An", "Khánh", "Tú", "Giang", "Thanh",
    ),
    Sex.FEMALE: (
        "Anh", "Linh", "Trang", "Hương", "Thảo", "Ngọc", "Hà", "Lan", "Mai", "Huyền", "Hằng",
        "Nhung", "Phương", "Thủy", "Vy", "Nhi", "Hạnh", "Yến", "Quỳnh", "Hoa", "Ngân", "Trâm",
        "Uyên", "My", "Thư", "Chi", "Giang", "Hiền", "Loan", "Oanh", "Hồng", "Dung", "Châu",
        "Tuyết", "Trinh", "Minh", "Thanh", "An", "Khánh",
    ),
}  # fmt: skip


def region_of(province_code: int) -> str:
    """North up to Hà Tĩnh (42), central from Quảng Trị (44) to Lâm Đồng (68), south from Đồng Nai (75)."""
    if province_code <= 42:
        return "north"
    return "central" if province_code <= 68 else "south"


def _regional_choice(region: str) -> WeightedChoice:
    mapping = _REGIONAL[region]
    return WeightedChoice.of({mapping.get(name, name): w for name, w in _FAMILY_NAMES.items()})


class NameDrawer:
    """Draws names with the shares of the module docstring; all tables are built once."""

    def __init__(self) -> None:
        self._family = {region: _regional_choice(region) for region in _REGIONAL}
        self._minority = {code: WeightedChoice.of(w) for code, w in _MINORITY_FAMILY_NAMES.items()}
        self._modern = {sex: WeightedChoice.of(w) for sex, w in _MIDDLE_MODERN.items()}
        self._given = {
            sex: tuple(unicodedata.normalize("NFC", n) for n in names)
            for sex, names in _GIVEN.items()
        }

    def family_name(self, rng: random.Random, province_code: int, ethnicity_code: int) -> str:
        minority = self._minority.get(ethnicity_code)
        if minority is not None:
            return minority.draw(rng)
        return self._family[region_of(province_code)].draw(rng)

    def middle_name(self, rng: random.Random, sex: Sex, birth_year: int) -> str:
        """Thị/Văn for about 70 % of those born before 1975, 40 % to 1995, 15 % after 2005."""
        if birth_year < 1975:
            traditional = 0.70
        elif birth_year < 1995:
            traditional = 0.40
        elif birth_year < 2005:
            traditional = 0.25
        else:
            traditional = 0.15
        if rng.random() < traditional:
            return _MIDDLE_TRADITIONAL[sex]
        return self._modern[sex].draw(rng)

    def given_name(self, rng: random.Random, sex: Sex) -> str:
        names = self._given[sex]
        return names[int(rng.random() * len(names))]
