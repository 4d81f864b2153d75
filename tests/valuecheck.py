"""What a person must never read on a page: an id (UUID), a raw ISO timestamp, basis points, `key=value` dumps or a
category's code. `internal_values(html)` lists each one found in the page's visible text (scripts, styles, tags and
attributes left out), with a little text around it to say where."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from common.demo_data import CATEGORIES

PATTERNS = {
    "uuid": re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    "iso time": re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
    "basis points": re.compile(r"\b\d+\s?bps?\b|basis points?", re.I),
    "key=value": re.compile(r"\b[a-z][a-z_]{2,}=\S"),
    # A code is lower case (drinks); its names are capitalised (Minuman, Drinks).
    "category code": re.compile(r"(?<![\w-])(?:{})(?![\w-])".format("|".join(code for code, _, _ in CATEGORIES))),
}


class _Visible(HTMLParser):
    HIDDEN = {"script", "style", "template", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The words a person sees on the page, in one line."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def internal_values(html: str) -> list[str]:
    """Each internal value on the page as `kind: ...text around it...` (empty when the page reads well)."""
    text = visible_text(html)
    found = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            found.append(f"{kind}: ...{text[max(0, m.start() - 50) : m.end() + 30]}...")
    return found
