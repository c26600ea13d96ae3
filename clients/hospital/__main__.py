"""``python -m clients.hospital``: serve the hospital with uvicorn on its settings' host and port."""

import uvicorn

from clients.hospital.app import create_app
from clients.hospital.settings import HospitalSettings

if __name__ == "__main__":
    settings = HospitalSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
