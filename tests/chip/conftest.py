"""A card holder of the chip's own tests, made up without a database."""

from datetime import date

import pytest

from idp.chip.card import CardHolder
from idp.chip.card import Chip
from idp.chip.card import build_chip
from idp.chip.pki import DEFAULT_SEED


@pytest.fixture(scope="session")
def holder() -> CardHolder:
    return CardHolder(
        pin="001088000123",
        family_name="Nguyễn",
        middle_name="Văn",
        given_name="An",
        birth_date=date(1988, 3, 15),
        sex="male",
        nationality="Việt Nam",
        ethnicity="Kinh",
        religion="Không",
        origin="Phường Hoàn Kiếm, Thành phố Hà Nội",
        residence="Số 1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        birth_registration="Thành phố Hà Nội",
        former_number="012345678",
        issued_on=date(2024, 9, 10),
        expires_on=date(2028, 3, 15),
        issued_by="Bộ Công an",
        portrait_id="synthetic-portrait-id-001",
    )


@pytest.fixture(scope="session")
def chip(holder: CardHolder) -> Chip:
    return build_chip(holder, DEFAULT_SEED)
