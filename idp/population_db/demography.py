"""Regional tables that make the synthetic population look like Vietnam's.

Ethnic mix by 2025 province and religion by region (2019 census shares, domain reference §6.5–§6.6;
provincial mixes are rounded approximations), traffic-police plate codes by pre-2025 province
(Circular 24/2023/TT-BCA; marked [GK] in the reference), street names and vehicle brands.
"""

from idp.population_db.codes import VehicleType

# Province code (2025) -> {ethnic group code: share}; key 0 is every other province.
ETHNIC_MIX: dict[int, dict[int, float]] = {
    0: {1: 0.975, 4: 0.008, 2: 0.005, 6: 0.004, 7: 0.004, 3: 0.004},
    4: {2: 0.41, 7: 0.31, 8: 0.10, 9: 0.10, 1: 0.06, 15: 0.02},  # Cao Bằng
    8: {2: 0.30, 8: 0.22, 9: 0.14, 1: 0.22, 7: 0.06, 25: 0.03, 15: 0.03},  # Tuyên Quang
    11: {3: 0.35, 8: 0.37, 1: 0.18, 29: 0.04, 42: 0.02, 9: 0.04},  # Điện Biên
    12: {8: 0.36, 3: 0.32, 9: 0.13, 1: 0.14, 35: 0.05},  # Lai Châu
    14: {3: 0.53, 8: 0.16, 1: 0.17, 6: 0.08, 29: 0.03, 9: 0.03},  # Sơn La
    15: {1: 0.45, 8: 0.18, 2: 0.12, 9: 0.12, 25: 0.03, 3: 0.06, 7: 0.04},  # Lào Cai
    19: {1: 0.65, 2: 0.22, 7: 0.06, 9: 0.04, 18: 0.03},  # Thái Nguyên
    20: {7: 0.42, 2: 0.35, 1: 0.16, 9: 0.04, 4: 0.03},  # Lạng Sơn
    25: {1: 0.80, 6: 0.17, 9: 0.01, 2: 0.01, 3: 0.01},  # Phú Thọ
    38: {1: 0.84, 6: 0.09, 3: 0.06, 8: 0.01},  # Thanh Hóa
    40: {1: 0.86, 3: 0.10, 29: 0.02, 8: 0.02},  # Nghệ An
    51: {1: 0.72, 14: 0.12, 19: 0.09, 13: 0.04, 30: 0.03},  # Quảng Ngãi
    52: {1: 0.74, 10: 0.17, 13: 0.07, 14: 0.02},  # Gia Lai
    56: {1: 0.85, 17: 0.07, 21: 0.08},  # Khánh Hòa
    66: {1: 0.70, 12: 0.18, 7: 0.03, 2: 0.03, 10: 0.03, 20: 0.03},  # Đắk Lắk
    68: {1: 0.80, 16: 0.08, 20: 0.04, 17: 0.02, 36: 0.02, 28: 0.02, 2: 0.02},  # Lâm Đồng
    79: {1: 0.93, 4: 0.05, 5: 0.01, 17: 0.01},  # Thành phố Hồ Chí Minh
    86: {1: 0.88, 5: 0.11, 4: 0.01},  # Vĩnh Long
    91: {1: 0.88, 5: 0.10, 17: 0.01, 4: 0.01},  # An Giang
    92: {1: 0.80, 5: 0.15, 4: 0.05},  # Thành phố Cần Thơ
}

RELIGIONS: dict[str, dict[str, float]] = {
    "north": {"Không": 90.0, "Công giáo": 6.0, "Phật giáo": 3.5, "Tin lành": 0.5},
    "central": {"Không": 88.0, "Công giáo": 6.0, "Phật giáo": 4.5, "Tin lành": 1.5},
    "south": {
        "Không": 81.0, "Công giáo": 6.5, "Phật giáo": 6.0, "Tin lành": 1.0,
        "Phật giáo Hòa Hảo": 3.5, "Cao Đài": 2.0,
    },
}  # fmt: skip

# Pre-2025 province code -> the plate codes of its traffic police.
PLATE_CODES: dict[int, tuple[int, ...]] = {
    1: (29, 30, 31, 32, 33, 40), 2: (23,), 4: (11,), 6: (97,), 8: (22,), 10: (24,), 11: (27,),
    12: (25,), 14: (26,), 15: (21,), 17: (28,), 19: (20,), 20: (12,), 22: (14,), 24: (98,),
    25: (19,), 26: (88,), 27: (99,), 30: (34,), 31: (15, 16), 33: (89,), 34: (17,), 35: (90,),
    36: (18,), 37: (35,), 38: (36,), 40: (37,), 42: (38,), 44: (73,), 45: (74,), 46: (75,),
    48: (43,), 49: (92,), 51: (76,), 52: (77,), 54: (78,), 56: (79,), 58: (85,), 60: (86,),
    62: (82,), 64: (81,), 66: (47,), 67: (48,), 68: (49,), 70: (93,), 72: (70,), 74: (61,),
    75: (60,), 77: (72,), 79: (41, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59), 80: (62,), 82: (63,),
    83: (71,), 84: (84,), 86: (64,), 87: (66,), 89: (67,), 91: (68,), 92: (65,), 93: (95,),
    94: (83,), 95: (94,), 96: (69,),
}  # fmt: skip

STREETS: tuple[str, ...] = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Hùng Vương", "Nguyễn Trãi", "Lê Duẩn", "Điện Biên Phủ", "Phan Đình Phùng", "Võ Thị Sáu",
    "Nguyễn Du", "Trần Phú", "Bà Triệu", "Lê Thánh Tông", "Hoàng Diệu", "Nguyễn Văn Cừ",
    "Cách Mạng Tháng Tám", "Nguyễn Thị Minh Khai", "Phan Chu Trinh", "Lê Hồng Phong",
    "Tôn Đức Thắng", "Ngô Quyền", "Lạc Long Quân", "Âu Cơ", "Chu Văn An", "Trưng Nữ Vương",
)  # fmt: skip

VEHICLE_BRANDS: dict[VehicleType, tuple[str, ...]] = {
    VehicleType.MOTORCYCLE: ("Honda", "Yamaha", "Suzuki", "Piaggio", "SYM", "VinFast"),
    VehicleType.CAR: (
        "Toyota",
        "Hyundai",
        "Kia",
        "Mazda",
        "Ford",
        "Mitsubishi",
        "VinFast",
        "Honda",
    ),
}
