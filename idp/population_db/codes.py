"""The code lists (danh mục) of the population database: the closed vocabularies stored in records.

Values are English identifiers; each carries its Vietnamese term as printed on forms, for display.
"""

from enum import StrEnum


class Sex(StrEnum):
    """Giới tính."""

    MALE = "male"
    FEMALE = "female"

    @property
    def vietnamese(self) -> str:
        return {"male": "Nam", "female": "Nữ"}[self.value]


class MaritalStatus(StrEnum):
    """Tình trạng hôn nhân."""

    SINGLE = "single"
    MARRIED = "married"
    WIDOWED = "widowed"
    DIVORCED = "divorced"

    @property
    def vietnamese(self) -> str:
        return {
            "single": "Chưa kết hôn",
            "married": "Đã kết hôn",
            "widowed": "Góa",
            "divorced": "Ly hôn",
        }[self.value]


class RelationToHead(StrEnum):
    """Quan hệ với chủ hộ: the member's relation to the head of household."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    CHILD_IN_LAW = "child_in_law"
    OTHER = "other"

    @property
    def vietnamese(self) -> str:
        return {
            "head": "Chủ hộ",
            "spouse": "Vợ/Chồng",
            "child": "Con",
            "parent": "Cha/Mẹ",
            "grandchild": "Cháu",
            "sibling": "Anh/Chị/Em",
            "child_in_law": "Con dâu/Con rể",
            "other": "Khác",
        }[self.value]


class ResidenceKind(StrEnum):
    """The three kinds of residence of the Law on Residence 2020."""

    PERMANENT = "permanent"
    TEMPORARY = "temporary"
    CURRENT = "current"

    @property
    def vietnamese(self) -> str:
        return {
            "permanent": "Nơi thường trú",
            "temporary": "Nơi tạm trú",
            "current": "Nơi ở hiện tại",
        }[self.value]


class CardGeneration(StrEnum):
    """The identity card in the citizen's hands: the chip CCCD (2021–2024) or the 2024 thẻ căn cước."""

    CCCD_CHIP = "cccd_chip"
    CAN_CUOC = "can_cuoc"

    @property
    def vietnamese(self) -> str:
        return {"cccd_chip": "Căn cước công dân gắn chip", "can_cuoc": "Thẻ căn cước"}[self.value]

    @property
    def issuing_authority(self) -> str:
        """The issuing authority as printed on this generation of card."""
        return {
            "cccd_chip": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
            "can_cuoc": "Bộ Công an",
        }[self.value]


class RevocationReason(StrEnum):
    """Why a card stopped being valid before its expiry (thẻ căn cước bị hủy): reported lost by its
    holder (báo mất), damaged (hư hỏng), or withdrawn by the police (thu hồi, Law on Identification
    Art. 25: a card issued wrongly, Vietnamese nationality lost)."""

    LOST = "lost"
    DAMAGED = "damaged"
    WITHDRAWN = "withdrawn"

    @property
    def vietnamese(self) -> str:
        return {"lost": "Báo mất", "damaged": "Hư hỏng", "withdrawn": "Bị thu hồi"}[self.value]


class AccountStatus(StrEnum):
    """Trạng thái tài khoản định danh điện tử."""

    ACTIVE = "active"
    LOCKED = "locked"


class LockReason(StrEnum):
    """Why an account is locked (khóa tài khoản)."""

    CITIZEN_REQUEST = "citizen_request"
    DECEASED = "deceased"
    POLICE = "police"


class VehicleType(StrEnum):
    """Loại phương tiện."""

    MOTORCYCLE = "motorcycle"
    CAR = "car"

    @property
    def vietnamese(self) -> str:
        return {"motorcycle": "Xe mô tô", "car": "Xe ô tô"}[self.value]


class Occupation(StrEnum):
    """Nghề nghiệp, coarse enough to choose a health-insurance beneficiary group."""

    PRESCHOOL = "preschool"
    PUPIL = "pupil"
    STUDENT = "student"
    EMPLOYEE = "employee"
    CIVIL_SERVANT = "civil_servant"
    FARMER = "farmer"
    SELF_EMPLOYED = "self_employed"
    MILITARY = "military"
    POLICE = "police"
    HOMEMAKER = "homemaker"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"

    @property
    def vietnamese(self) -> str:
        return {
            "preschool": "Trẻ em",
            "pupil": "Học sinh",
            "student": "Sinh viên",
            "employee": "Người lao động",
            "civil_servant": "Cán bộ, công chức",
            "farmer": "Nông dân",
            "self_employed": "Lao động tự do",
            "military": "Quân nhân",
            "police": "Công an",
            "homemaker": "Nội trợ",
            "unemployed": "Không có việc làm",
            "retired": "Hưu trí",
        }[self.value]
