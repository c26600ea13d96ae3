"""The user documentation holds together: every relative link of the README and of the pages beside it
leads to a file of the repository (and to a heading of it), the README opens with the two commands,
its examples at least compile, and the settings and commands it names exist."""

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import typer.main

from clients.bank.settings import BankSettings
from clients.hospital.settings import HospitalSettings
from clients.portal.settings import PortalSettings
from clients.rp.settings import RPSettings
from idp.cli import app as cli_app
from idp.settings import IdPSettings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted(
    {README, ROOT / "clients" / "README.md", ROOT / "bench" / "RESULTS.md"}
    | set((ROOT / "docs").glob("*.md"))
)
FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
MARKDOWN_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def _prose(markdown: str) -> str:
    """The text outside fenced code blocks and code spans, where links are links."""
    return CODE_SPAN.sub(" ", FENCE.sub("\n", markdown))


def _code_blocks(markdown: str) -> list[tuple[str, str]]:
    """Every fenced code block: its language and its text."""
    blocks = []
    for match in FENCE.finditer(markdown):
        first, _, rest = match.group(0).partition("\n")
        blocks.append((first.strip("`~ \t").split(" ")[0], rest.rsplit("\n", 1)[0] + "\n"))
    return blocks


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces as '-'."""
    text = CODE_SPAN.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: Counter[str] = Counter()
    anchors = set()
    for _, title in HEADING.findall(FENCE.sub("\n", page.read_text(encoding="utf-8"))):
        slug = _slug(title)
        anchors.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return anchors


def _links(page: Path) -> list[str]:
    text = _prose(page.read_text(encoding="utf-8"))
    return [
        target
        for pattern in (MARKDOWN_LINK, REFERENCE_LINK, HTML_LINK)
        for target in pattern.findall(text)
    ]


def test_the_pages_are_there() -> None:
    assert README in PAGES
    assert len(PAGES) >= 5, PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading(page: Path) -> None:
    broken = []
    for target in _links(page):
        if SCHEME.match(target) or target.startswith("//"):
            continue  # an address on the web, not a file of the repository
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.is_relative_to(ROOT) or not file.exists():
            broken.append(f"{target}: no such file in the repository")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_link_finder_sees_every_kind_of_link() -> None:
    text = (
        "[a](docs/a.md) ![b](b.png) <a href='c.html'>c</a> `[not](x)`\n"
        "```\n[nor](y)\n```\n[r]: d.md\n"
    )
    found = [t for p in (MARKDOWN_LINK, REFERENCE_LINK, HTML_LINK) for t in p.findall(_prose(text))]
    assert sorted(found) == ["b.png", "c.html", "d.md", "docs/a.md"]
    assert _slug("Running on `PostgreSQL` and Redis") == "running-on-postgresql-and-redis"
    assert _slug("Population check at 1,000,000 citizens") == "population-check-at-1000000-citizens"
    assert _slug("Step-up with `acr_values`") == "step-up-with-acr_values"


def test_the_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first = FENCE.search(text)
    assert first is not None
    assert text[: first.start()].strip() == "# vneid-mock", (
        "only the title comes before the commands"
    )
    _, block = _code_blocks(text)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./scripts/demo", "./scripts/test"]
    for command in commands:
        script = ROOT / command
        assert script.is_file(), command
    assert "bash scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [code for language, code in _code_blocks(text) if language == "python"]


def test_the_readme_has_python_examples() -> None:
    assert len(_python_blocks()) >= 8


@pytest.mark.parametrize("number", range(len(_python_blocks())))
def test_every_python_example_compiles(number: int) -> None:
    compile(_python_blocks()[number], f"README python block {number + 1}", "exec")


def test_every_javascript_example_parses(tmp_path: Path) -> None:
    blocks = [
        code
        for language, code in _code_blocks(README.read_text(encoding="utf-8"))
        if language == "js"
    ]
    assert blocks
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js on this machine")
    for number, code in enumerate(blocks, 1):
        script = tmp_path / f"example{number}.mjs"
        script.write_text(code, encoding="utf-8")
        checked = subprocess.run(
            [node, "--check", str(script)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, f"README js block {number}: {checked.stderr}"


NOT_SETTINGS = {
    "VNEID_DEMO_COUNT",  # read by scripts/demo
    "VNEID_DEMO_SEED",
    "VNEID_SEED_COUNT",  # read by the Docker image's command
    "VNEID_TEST_POSTGRES_URL",  # read by the test suite
    "VNEID_TEST_REDIS_URL",
}
APP_SETTINGS: dict[str, type[RPSettings]] = {
    "PORTAL": PortalSettings,
    "BANK": BankSettings,
    "HOSPITAL": HospitalSettings,
}


def test_every_setting_named_is_a_setting() -> None:
    unknown = set()
    for page in (README, *(ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for name in set(re.findall(r"\bVNEID_[A-Z0-9_]+\b", text)) - NOT_SETTINGS:
            if name.removeprefix("VNEID_").lower() not in IdPSettings.model_fields:
                unknown.add(f"{page.name}: {name}")
        for prefix, field in set(re.findall(r"\b(PORTAL|BANK|HOSPITAL)_([A-Z0-9_]+)\b", text)):
            if field.lower() not in APP_SETTINGS[prefix].model_fields:
                unknown.add(f"{page.name}: {prefix}_{field}")
    assert not unknown, sorted(unknown)


def test_every_command_named_exists() -> None:
    commands = typer.main.get_command(cli_app).commands  # type: ignore[attr-defined]
    assert "serve" in commands
    text = README.read_text(encoding="utf-8")
    code = "\n".join(
        [block for _, block in _code_blocks(text)] + [m.group(2) for m in CODE_SPAN.finditer(text)]
    )
    unknown = set()
    for command, sub in re.findall(
        r"\bvneid-mock[ \t]+([a-z][a-z-]*)(?:[ \t]+([a-z][a-z-]*))?", code
    ):
        found = commands.get(command)
        if found is None:
            unknown.add(command)
        elif sub and hasattr(found, "commands") and sub not in found.commands:
            unknown.add(f"{command} {sub}")
    assert not unknown, sorted(unknown)
