"""No HTML is built in Python: every page of the provider and of the sample apps comes from a Jinja2
template, escaped by the engine. A string literal of ``idp/`` or ``clients/`` that holds an HTML tag
(docstrings aside) fails this test, and so does a call of ``html.escape`` (escaping is the engine's)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(
    r"<\s*/?\s*(?:html|head|body|div|p|form|input|a|table|thead|tbody|tr|td|th|ul|ol|li|dl|dt|dd"
    r"|h[1-6]|span|button|label|section|main|header|footer|script|style|br|img|code|pre|strong"
    r"|small|fieldset|legend|select|option|textarea|details|summary|nav|aside|figure)\b[^>]*>",
    re.IGNORECASE,
)


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _offence(node: ast.AST, docstrings: set[int]) -> str | None:
    """What is wrong with ``node``: a string literal holding an HTML tag, or ``html.escape``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        found = id(node) not in docstrings and TAG.search(node.value)
        return repr(node.value[:60]) if found else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return "html.escape" if (node.value.id, node.attr) == ("html", "escape") else None
    if isinstance(node, ast.ImportFrom) and node.module == "html":
        return "from html import escape" if any(a.name == "escape" for a in node.names) else None
    return None


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    where = path.relative_to(ROOT)
    return [
        f"{where}:{getattr(node, 'lineno', 0)}: {found}"
        for node in ast.walk(tree)
        if (found := _offence(node, skip)) is not None
    ]


def test_no_python_string_builds_html() -> None:
    files = sorted([*ROOT.joinpath("idp").rglob("*.py"), *ROOT.joinpath("clients").rglob("*.py")])
    assert len(files) > 50
    offences = [offence for path in files for offence in _offences(path)]
    assert offences == []


def test_the_check_finds_html_built_in_python() -> None:
    source = (
        '"""A docstring may show <p>markup</p>."""\n'
        "from html import escape\n"
        "import html\n"
        'page = f"<p>{escape(name)}</p>"\n'
        "safe = html.escape(name)\n"
        'fine = "a < b and c > d"\n'
    )
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = [f for node in ast.walk(tree) if (f := _offence(node, skip)) is not None]
    assert sorted(found) == ["'</p>'", "'<p>'", "from html import escape", "html.escape"]
