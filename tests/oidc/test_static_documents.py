"""Discovery and the JWKS, served by the static-documents middleware: GET, HEAD, other methods."""

from fastapi.testclient import TestClient

from idp.web.static_documents import DISCOVERY_PATHS
from idp.web.static_documents import JWKS_PATH


def test_get_and_head_serve_the_same_document(client: TestClient) -> None:
    for path in (*DISCOVERY_PATHS, JWKS_PATH):
        got = client.get(path)
        assert got.status_code == 200
        assert int(got.headers["content-length"]) == len(got.content) > 0
        head = client.head(path)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"]
    assert client.get(JWKS_PATH).headers["content-type"] == "application/jwk-set+json"
    assert client.get(DISCOVERY_PATHS[0]).json() == client.get(DISCOVERY_PATHS[1]).json()


def test_other_methods_are_refused_with_allow(client: TestClient) -> None:
    response = client.post(JWKS_PATH, data={"x": "1"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json()["error"] == "invalid_request"


def test_other_paths_reach_the_application(client: TestClient) -> None:
    assert client.get("/jwks/").status_code == 404
    assert client.get("/healthz").json()["status"] == "ok"
