"""Rich renderings of population records for the command line: a citizen's card and the stats tables."""

from rich.console import Group
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table

from idp.population_db.codes import CardGeneration
from idp.population_db.codes import MaritalStatus
from idp.population_db.codes import Occupation
from idp.population_db.codes import RelationToHead
from idp.population_db.codes import Sex
from idp.population_db.codes import VehicleType
from idp.population_db.lookup import Address
from idp.population_db.lookup import CitizenRecord
from idp.population_db.statistics import PopulationStats
from idp.population_db.units import ethnic_group
from idp.population_db.units import load_units


def format_address(address: Address) -> str:
    """``street, ward, province`` in the 2025 two-level form."""
    units = load_units()
    ward = units.ward(address.ward_code)
    return f"{address.street_address}, {ward.name}, {units.province(address.province_code).name}"


def _fields(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left", expand=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows:
        table.add_row(label, value)
    return table


def citizen_card(record: CitizenRecord) -> RenderableType:
    """Everything the database holds about one citizen, section by section."""
    c = record.citizen
    units = load_units()
    registration = units.legacy_province(c.birth_registration_province)
    identity = [
        ("Số định danh (PIN)", c.pin),
        ("Họ, chữ đệm và tên", c.full_name),
        ("Ngày sinh", c.birth_date.isoformat()),
        ("Giới tính", Sex(c.sex).vietnamese),
        ("Quốc tịch", c.nationality),
        ("Dân tộc", ethnic_group(c.ethnicity_code).name if c.ethnicity_code else "—"),
        ("Tôn giáo", c.religion),
        ("Nơi đăng ký khai sinh", f"{registration.name} ({registration.pin_prefix})"),
        ("Quê quán", f"{units.ward(c.origin_ward_code).name}"),
        ("Cha (father)", c.father_pin or "—"),
        ("Mẹ (mother)", c.mother_pin or "—"),
        ("Tình trạng hôn nhân", MaritalStatus(c.marital_status).vietnamese),
        ("Nghề nghiệp", Occupation(c.occupation).vietnamese),
        ("Số điện thoại", c.phone_number or "—"),
        ("Email", c.email or "—"),
        ("Tình trạng", f"Đã mất ngày {c.deceased_on}" if c.deceased_on else "Còn sống"),
    ]
    residence = [
        ("Nơi thường trú", format_address(record.permanent)),
        ("Nơi tạm trú", format_address(record.temporary) if record.temporary else "—"),
        ("Nơi ở hiện tại", format_address(record.current)),
    ]
    household = [
        ("Số hộ", record.household.number),
        ("Chủ hộ", record.household.head_pin),
        ("Quan hệ với chủ hộ", RelationToHead(c.relation_to_head).vietnamese),
    ] + [
        (RelationToHead(m.relation_to_head).vietnamese, f"{m.full_name} ({m.pin})")
        for m in record.household_members
    ]
    sections: list[RenderableType] = [
        _fields("Danh tính (identity)", identity),
        _fields("Cư trú (residence)", residence),
        _fields("Hộ gia đình (household)", household),
    ]
    if record.card is not None:
        card = record.card
        sections.append(
            _fields(
                "Thẻ căn cước (identity card)",
                [
                    ("Loại thẻ", CardGeneration(card.generation).vietnamese),
                    ("Ngày cấp", card.issued_on.isoformat()),
                    (
                        "Có giá trị đến",
                        card.expires_on.isoformat() if card.expires_on else "Không thời hạn",
                    ),
                    ("Nơi cấp", card.issued_by),
                ],
            )
        )
    if record.insurance is not None:
        ins = record.insurance
        sections.append(
            _fields(
                "Bảo hiểm (social and health insurance)",
                [
                    ("Mã số BHXH", ins.social_insurance_code),
                    ("Thẻ BHYT", ins.bhyt_card_number or "—"),
                    ("Đối tượng", ins.beneficiary_group or "—"),
                    ("Mức hưởng", str(ins.benefit_level or "—")),
                    ("Nơi ĐKKCB ban đầu", ins.registered_facility or "—"),
                    ("Hạn thẻ", f"{ins.valid_from} – {ins.valid_to}" if ins.valid_from else "—"),
                ],
            )
        )
    for licence in record.licences:
        sections.append(
            _fields(
                f"Giấy phép lái xe {licence.number}",
                [
                    ("Hạng", licence.license_class),
                    ("Ngày cấp", licence.issued_on.isoformat()),
                    ("Có giá trị đến", str(licence.expires_on or "Không thời hạn")),
                    ("Nơi cấp", licence.issued_by),
                ],
            )
        )
    for vehicle in record.vehicles:
        sections.append(
            _fields(
                f"Đăng ký xe {vehicle.plate}",
                [
                    ("Loại xe", VehicleType(vehicle.vehicle_type).vietnamese),
                    ("Nhãn hiệu", vehicle.brand),
                    ("Ngày đăng ký", vehicle.registered_on.isoformat()),
                ],
            )
        )
    account = record.account
    sections.append(
        _fields(
            "Tài khoản định danh điện tử (VNeID account)",
            [("Tài khoản", "Chưa có")]
            if account is None
            else [
                ("Mức độ", f"Mức {account.level}"),
                (
                    "Trạng thái",
                    account.status + (f" ({account.lock_reason})" if account.lock_reason else ""),
                ),
                ("Ngày kích hoạt", account.activated_on.isoformat()),
                ("Đăng ký bởi", account.registered_by_pin or "—"),
                ("Thiết bị", account.device_id or "—"),
            ],
        )
    )
    return Panel(Group(*sections), title=f"{c.full_name} — SANDBOX, synthetic data")


def stats_tables(stats: PopulationStats) -> list[Table]:
    return [
        _fields("Population", [("ages on", str(stats.day)), *stats.meta.items()]),
        _fields("Rows", [(k, f"{v:,}") for k, v in stats.rows.items()]),
        _fields("Sex", [(k, f"{v:,}") for k, v in stats.sex.items()]),
        _fields("Age", [(k, f"{v:,}") for k, v in stats.age_bands.items()]),
        _fields("Accounts, aged 14+", [(k, f"{v:,}") for k, v in stats.adult_accounts.items()]),
        _fields("Family names", [(k, f"{v:,}") for k, v in stats.family_names]),
        _fields("Ethnic groups", [(ethnic_group(k).name, f"{v:,}") for k, v in stats.ethnicities]),
        _fields(
            "Provinces", [(load_units().province(k).name, f"{v:,}") for k, v in stats.provinces]
        ),
    ]
