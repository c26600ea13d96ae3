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


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if TAG.search(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
        if isinstance(node, ast.Attribute) and node.attr == "escape":
            if isinstance(node.value, ast.Name) and node.value.id == "html":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: html.escape")
        if isinstance(node, ast.ImportFrom) and node.module == "html":
            if any(alias.name == "escape" for alias in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from html import escape")
    return found


def test_no_python_string_builds_html() -> None:
    files = sorted([*ROOT.joinpath("idp").rglob("*.py"), *ROOT.joinpath("clients").rglob("*.py")])
    assert len(files) > 50
    offences = [offence for path in files for offence in _offences(path)]
    assert offences == []


def test_the_check_finds_html_in_a_string() -> None:
    sample = ROOT / "tests" / "page_reading.py"
    tree_source = 'x = f"<p>{y}</p>"\n'
    assert TAG.search(ast.literal_eval(repr("<p>"))) is not None
    assert TAG.search(tree_source) is not None
    assert TAG.search("a < b and c > d") is None
    assert sample.exists()
