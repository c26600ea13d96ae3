"""Driving-licence classes of each era (giấy phép lái xe).

Until 31 Dec 2024: 13 classes (A1, A2, A3, A4, B1, B2, C, D, E, FB2, FC, FD, FE). From 1 Jan 2025, Law on
Road Traffic Order and Safety 2024 Art. 57: 15 classes (A1, A, B1, B, C1, C, D1, D2, D, BE, C1E, CE, D1E,
D2E, DE). Motorcycle classes never expire; car classes about 10 years, heavy classes 5.
"""

LEGACY_CLASSES = ("A1", "A2", "A3", "A4", "B1", "B2", "C", "D", "E", "FB2", "FC", "FD", "FE")
CURRENT_CLASSES = (
    "A1",
    "A",
    "B1",
    "B",
    "C1",
    "C",
    "D1",
    "D2",
    "D",
    "BE",
    "C1E",
    "CE",
    "D1E",
    "D2E",
    "DE",
)

_CLASS_BY_KIND = {
    # kind: (legacy class, current class, validity in years; 0 = no expiry)
    "motorcycle": ("A1", "A1", 0),
    "car": ("B2", "B", 10),
    "truck": ("C", "C", 5),
}


def licence_classes(kind: str, new_era: bool) -> tuple[str, int]:
    """The class for a kind of vehicle in the era of issue, and its validity in years (0: none)."""
    legacy, current, years = _CLASS_BY_KIND[kind]
    return (current if new_era else legacy), years


def class_of_era(license_class: str, new_era: bool) -> bool:
    """Whether ``license_class`` existed in that era."""
    return license_class in (CURRENT_CLASSES if new_era else LEGACY_CLASSES)
