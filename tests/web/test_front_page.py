"""The front page links to the sample apps: the clients of the shipped clients file that registered a
``client_uri`` (the portal, the bank, the hospital and its kiosk), each under its name in the page's
language."""

from fastapi.testclient import TestClient

from idp.settings import DEFAULT_CLIENTS_FILE
from idp.web.app import create_app
from tests.oidc.conftest import Env
from tests.oidc.conftest import env

__all__ = ["env"]
APPS = {
    "http://127.0.0.1:8001/": ("Cổng Dịch vụ công quốc gia", "National Public Service Portal"),
    "http://127.0.0.1:8002/": ("Ngân hàng Mẫu", "Sample Bank"),
    "http://127.0.0.1:8003/": ("Bệnh viện Mẫu", "Sample Hospital"),
    "http://127.0.0.1:8003/kiosk": (
        "Bệnh viện Mẫu — ki-ốt tự phục vụ",
        "Sample Hospital — self-service",
    ),
}


def test_the_front_page_links_to_the_three_sample_apps(env: Env) -> None:
    settings = env.settings.model_copy(update={"clients_file": DEFAULT_CLIENTS_FILE})
    with TestClient(create_app(settings)) as client:
        for index, lang in enumerate(("vi", "en")):
            html = client.get("/", params={"lang": lang}).text
            for uri, names in APPS.items():
                assert f'<a href="{uri}">{names[index]}' in html, (lang, uri)
