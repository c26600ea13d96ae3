"""``python -m clients.portal``: serve the portal with uvicorn on its settings' host and port."""

import uvicorn

from clients.portal.app import create_app
from clients.portal.settings import PortalSettings

if __name__ == "__main__":
    settings = PortalSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
