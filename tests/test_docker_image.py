"""The Docker image's configuration, run without Docker (CI has no engine): its ``CMD`` under its
``ENV``, with the data folder moved to a temporary one and the port to a free one, seeds the personas
and serves a provider that a test drives with the documented sandbox token, as the Testcontainers
example in docs/test-kit.md does."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from idp.testkit.mock import VneidMock
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED_TOKEN = "vneid-sandbox-token"


def _image() -> tuple[dict[str, str], list[str]]:
    """The Dockerfile's ``ENV`` (one instruction, continued lines) and its ``CMD`` (exec form)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    cmd = next(line for line in text.splitlines() if line.startswith("CMD "))
    return env, json.loads(cmd.removeprefix("CMD "))


def test_the_image_is_a_sandbox_with_the_documented_token() -> None:
    env, cmd = _image()
    assert env["VNEID_SANDBOX_API"] == "true"
    assert env["VNEID_SANDBOX_TOKEN"] == DOCUMENTED_TOKEN
    assert DOCUMENTED_TOKEN in (ROOT / "docs" / "test-kit.md").read_text(encoding="utf-8")
    assert cmd[:2] == ["sh", "-c"]


def test_the_image_command_seeds_and_serves_a_drivable_provider(tmp_path: Path) -> None:
    env, cmd = _image()
    port = free_port()
    values = {
        key: value.replace("/data", str(tmp_path)).replace("/app/", f"{ROOT}/")
        for key, value in env.items()
    }
    values |= {
        "VNEID_PORT": str(port),
        "VNEID_HOST": "127.0.0.1",
        "VNEID_ISSUER": f"http://127.0.0.1:{port}",
        "VNEID_ACCESS_LOG": "false",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    server = subprocess.Popen(
        cmd, env=os.environ | values, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the image's command did not serve"
            time.sleep(0.2)
        vneid = VneidMock(f"http://127.0.0.1:{port}", DOCUMENTED_TOKEN)
        client = vneid.register_client()
        assert vneid.login("level2-full", client=client).id_token_claims["acr"] == "LoA2"
        vneid.close()
    finally:
        server.terminate()
        _, logged = server.communicate(timeout=20)
    assert "Uvicorn running" in logged  # what the Testcontainers example waits for
