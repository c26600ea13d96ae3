"""Reading a rendered page as a person would: its visible text, and what a Vietnamese or English page
must never show (used by the page tests of the provider and of the sample apps).

Visible text leaves out scripts, styles, ``<code>``/``<pre>``/``<samp>``/``<kbd>`` (identifiers shown as
such: a claim name, a token), and any element marked ``translate="no"`` or with a ``lang`` other than the
page's (a deliberate gloss, the language switch). What remains must read as the page's language: no
raw ``male``/``female`` (an English page says "Male"/"Female"), no ``VN`` country code, no ISO date, no ``UTC``; and, on a Vietnamese page, no
word of the English catalogue that is not also Vietnamese usage (:data:`SHARED_WORDS`).
"""

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

HIDDEN = {"script", "style", "code", "pre", "samp", "kbd", "template", "noscript"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"
}  # fmt: skip
SHARED_WORDS = {
    "vneid", "sandbox", "otp", "pin", "sms", "email", "e-mail", "ok", "id", "oidc", "openid", "bhyt",
    "cccd", "cmnd", "qr", "nfc", "api", "url", "http", "https", "json", "jwt", "pkce", "acr", "amr",
    "loa1", "loa2", "loa3", "loa4", "mock", "demo", "portal", "bank", "hospital", "inspector", "chip",
    "online", "internet", "wifi", "website", "web", "app",
}  # fmt: skip
"""Words a Vietnamese page may show as they are: names of things, acronyms, loanwords in use."""
FORBIDDEN = [
    (re.compile(r"\b(?:male|female|MALE|FEMALE)\b"), "a raw sex value"),
    (re.compile(r"\bVN\b"), "a raw country code"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "an ISO date"),
    (re.compile(r"\bUTC\b"), "UTC"),
    (re.compile(r"\bNone\b|\bTrue\b|\bFalse\b"), "a Python value"),
    (re.compile(r"\{\{|\}\}|\{%"), "template syntax"),
]


class _Text(HTMLParser):
    """The page's language and visible text, the hidden and foreign-language elements left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
            return
        if tag in VOID:
            if tag == "input" and found.get("type") in ("submit", "button"):
                self._add(found.get("value") or "")
            if tag == "img":
                self._add(found.get("alt") or "")
            return
        own_lang = found.get("lang")
        hides = (
            tag in HIDDEN
            or found.get("translate") == "no"
            or (own_lang is not None and own_lang != self.lang)
        )
        self._stack.append((tag, hides))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, text: str) -> None:
        if not any(hides for _, hides in self._stack):
            self.parts.append(text)


def read(html: str) -> tuple[str, str]:
    """The page's ``lang`` and its visible text."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.lang, " ".join(" ".join(parser.parts).split())


def english_words(catalogue_dir: Path) -> set[str]:
    """The words of the English catalogue (``<dir>/en/*.toml``) that are not Vietnamese usage: those of
    four letters or more, lower-cased, without :data:`SHARED_WORDS` and without any word the
    Vietnamese catalogue uses too (a brand, a unit)."""
    english = _words(catalogue_dir / "en")
    return {w for w in english - _words(catalogue_dir / "vi") if len(w) >= 4} - SHARED_WORDS


def _words(directory: Path) -> set[str]:
    found: set[str] = set()
    for file in sorted(directory.glob("*.toml")):
        for value in _values(tomllib.loads(file.read_text(encoding="utf-8"))):
            found.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", value))
    return found


def _values(table: dict[str, object]) -> list[str]:
    out: list[str] = []
    for value in table.values():
        if isinstance(value, str):
            out.append(re.sub(r"\{[^}]*\}", " ", value))  # placeholders are not words
        elif isinstance(value, dict):
            out.extend(_values(value))
    return out


def problems(html: str, lang: str, english: set[str]) -> list[str]:
    """What is wrong with a page meant to be in ``lang``: a wrong ``<html lang>``, a forbidden value
    (:data:`FORBIDDEN`), or on a Vietnamese page an English word (``english``)."""
    page_lang, text = read(html)
    found = [] if page_lang == lang else [f"<html lang={page_lang!r}>, not {lang!r}"]
    found += [f"{why}: {m.group(0)!r}" for rx, why in FORBIDDEN if (m := rx.search(text))]
    if lang == "vi":
        words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", text)}
        found += [f"English word {w!r}" for w in sorted(words & english)]
    return found
