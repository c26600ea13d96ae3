"""``python -m clients.bank``: serve the bank with uvicorn on its settings' host and port."""

import uvicorn

from clients.bank.app import create_app
from clients.bank.settings import BankSettings

if __name__ == "__main__":
    settings = BankSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
