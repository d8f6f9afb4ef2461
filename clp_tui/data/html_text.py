"""Plain text from a feed's HTML (`content_html`, a Mastodon status): tags removed,
entities decoded, never rendered. Only the sync's parser and the sources need it, so
the dashboard starts without Python's HTML parser (data/text.py is the sanitiser every
screen uses)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment, with a newline per block element."""

    _BLOCKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text from `content_html`: tags removed, entities decoded, never rendered."""
    collector = _TextCollector()
    try:
        collector.feed(fragment)
        collector.close()
    except Exception:  # a broken fragment still yields its text, unescaped
        code = re.sub(r"(?is)<(script|style)\b.*?(</\1\s*>|$)", "", fragment)
        return html.unescape(re.sub(r"<[^>]*>", "", code))
    text = "".join(collector.parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
