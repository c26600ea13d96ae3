"""A new project installs vneid-mock from a wheel built by the repository and runs the README's first
test with the fixture: the wheel carries the plugin's entry point and every file the provider reads
(templates, message catalogues, static files, the administrative units, the sample clients).

The new environment gets vneid-mock's dependencies from this repository's virtual environment (linked,
without vneid-mock itself) so that nothing is downloaded but the build backend."""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A_NEW_PROJECTS_TEST = """
import idp


def test_a_level_2_login(vneid):
    client = vneid.register_client(redirect_uris=["http://127.0.0.1:5000/callback"])
    tokens = vneid.login("level2-full", client=client, scope="openid profile", acr="LoA2")
    assert tokens.id_token_claims["acr"] == "LoA2"
    assert tokens.userinfo["family_name"] == "Nguyễn"
    print("IDP FROM", idp.__file__)


def test_the_login_page_renders(vneid):
    import httpx
    page = httpx.get(vneid.issuer + "/", headers={"Accept-Language": "vi"})
    assert page.status_code == 200 and "VNeID" in page.text
"""


def _dependencies(target: Path) -> Path:
    """A folder of links to this environment's packages, vneid-mock's own left out."""
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    target.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.endswith(".pth") or "vneid" in name or name in ("idp", "clients", "__pycache__"):
            continue
        (target / entry.name).symlink_to(entry)
    return target


def test_a_new_project_runs_the_fixture_from_the_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True)
    (wheel,) = dist.glob("vneid_mock-*.whl")
    environment = tmp_path / "env"
    venv.create(environment, with_pip=False)
    site = next(environment.glob("lib/python3*/site-packages"))
    (site / "dependencies.pth").write_text(
        f"{_dependencies(tmp_path / 'deps')}\n", encoding="utf-8"
    )
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site)]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True)
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_login.py").write_text(A_NEW_PROJECTS_TEST, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(environment / "bin" / "python"), "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=project,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert f"IDP FROM {site}" in done.stdout  # the wheel's files, not this checkout's
