"""``compose.yaml`` defines the identity provider and the three sample apps on the demo's fixed ports,
with data and keys on volumes. Checked by ``docker compose config`` where the compose plugin is present,
else by reading the YAML (the same assertions either way)."""

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"idp": 8000, "portal": 8001, "bank": 8002, "hospital": 8003}


def _compose_plugin() -> bool:
    try:
        found = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0


def _configuration() -> dict[str, Any]:
    """The resolved configuration: ``docker compose config`` if possible, else the parsed file
    with its ``<<`` merge keys resolved by the YAML loader."""
    if _compose_plugin():
        result = subprocess.run(
            ["docker", "compose", "config", "--format", "json"],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
            check=True,
        )
        document: dict[str, Any] = json.loads(result.stdout)
        return document
    parsed: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return parsed


def test_the_four_services_on_the_demo_ports() -> None:
    services = _configuration()["services"]
    assert set(SERVICES) <= set(services)
    for name, port in SERVICES.items():
        service = services[name]
        assert service["network_mode"] == "host"
        command = " ".join(str(part) for part in service["command"])
        environment = service["environment"]
        if name == "idp":
            assert f"--port {port}" in command
            assert environment["VNEID_ISSUER"] == "http://127.0.0.1:8000"
        else:
            assert command == f"python -m clients.{name}"
            assert environment[f"{name.upper()}_ISSUER"] == "http://127.0.0.1:8000"


def _volume_targets(service: dict[str, Any]) -> set[str]:
    targets = set()
    for volume in service["volumes"]:
        targets.add(volume["target"] if isinstance(volume, dict) else volume.split(":")[1])
    return targets


def test_data_and_keys_live_on_volumes() -> None:
    configuration = _configuration()
    services = configuration["services"]
    assert {"/data", "/keys"} <= _volume_targets(services["idp"])
    assert {"/data", "/keys"} <= _volume_targets(services["bank"])
    assert _volume_targets(services["portal"]) == {"/data"}
    assert services["idp"]["environment"]["VNEID_KEYS_DIR"] == "/keys"
    assert services["bank"]["environment"]["BANK_KEYS_DIR"] == "/keys"
    assert {"idp-data", "idp-keys", "bank-keys"} <= set(configuration["volumes"])
