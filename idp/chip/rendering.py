"""A chip for the command line (Rich): the card's face, the MRZ, the access key and the files."""

import base64
from typing import Any

from rich.console import Group
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table


def chip_card(document: dict[str, Any]) -> RenderableType:
    """The JSON of :func:`idp.chip.export.chip_document`, as tables."""
    face = Table(title="Thẻ căn cước / identity card (SANDBOX)", show_header=False)
    face.add_column(style="bold")
    face.add_column()
    for label, key in (
        ("Số / card number", "card_number"),
        ("Họ tên / name", "name"),
        ("Ngày sinh / birth date", "birth_date"),
        ("Ngày cấp / issued", "issued_on"),
        ("Có giá trị đến / expires", "expires_on"),
        ("Khóa truy cập / access key", "access_key"),
        ("QR", "qr"),
    ):
        face.add_row(label, str(document[key] or "Không thời hạn / none"))
    files = Table(title=f"Chip (AID {document['application_id']})")
    files.add_column("file", no_wrap=True)
    files.add_column("bytes", no_wrap=True, justify="right")
    files.add_column("SHA-256", overflow="fold")
    for name, data in document["files"].items():
        files.add_row(name, str(len(base64.b64decode(data))), document["sha256"][name])
    mrz = Panel("\n".join(document["mrz"]), title="MRZ", expand=False)
    return Group(face, mrz, files, "Country signing CA (--json gives every file and the PEM).")
