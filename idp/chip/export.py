"""A chip as JSON (dữ liệu chip dạng JSON): what ``vneid-mock cards show --json`` prints and the sandbox's
``/sandbox/cards/{who}`` answers. Each file's exact bytes in standard base64, in the chip's order, with
the country signing CA's certificate, the MRZ, the access key and the printed QR string.
"""

import base64
import hashlib
from typing import Any

from idp.chip.card import FILE_ORDER
from idp.chip.card import Chip
from idp.chip.mrz import document_number
from idp.chip.pki import authority


def chip_document(chip: Chip, seed: str) -> dict[str, Any]:
    holder = chip.holder
    return {
        "card_number": holder.pin,
        "document_number": document_number(holder.pin),
        "name": holder.full_name,
        "birth_date": holder.birth_date.isoformat(),
        "issued_on": holder.issued_on.isoformat(),
        "expires_on": holder.expires_on.isoformat() if holder.expires_on else None,
        "application_id": "A0000002471001",
        "access_key": chip.access_key,
        "mrz": list(chip.mrz),
        "qr": chip.qr,
        "files": {
            name: base64.b64encode(chip.files[name]).decode("ascii")
            for name in FILE_ORDER
            if name in chip.files
        },
        "sha256": {
            name: hashlib.sha256(chip.files[name]).hexdigest()
            for name in FILE_ORDER
            if name in chip.files
        },
        "csca_pem": authority(seed).csca_pem,
    }
