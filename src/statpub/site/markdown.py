"""Just enough Markdown for the changelog.

Headings, paragraphs, bullet lists, inline code, emphasis and links.

The changelog is written by statpub itself (versioning/changelog.py), so the
subset is known; everything is HTML-escaped before any markup is added.
"""

from __future__ import annotations

import re
from html import escape

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EM = re.compile(r"(?<![*\w])\*([^*]+)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")


def inline(text: str) -> str:
    """Escape ``text`` and apply inline code, strong, emphasis and links."""
    parts = _CODE.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{escape(part)}</code>")
            continue
        html = escape(part, quote=True)
        html = _STRONG.sub(r"<strong>\1</strong>", html)
        html = _EM.sub(r"<em>\1</em>", html)
        html = _LINK.sub(r'<a href="\2">\1</a>', html)
        html = _AUTOLINK.sub(r'<a href="\1">\1</a>', html)
        out.append(html)
    return "".join(out)


def render(markdown: str, *, shift: int = 0, drop_title: bool = False) -> str:
    """HTML for ``markdown``; headings move down ``shift`` levels (the page has its own h1, h2)."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            html.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if heading:
            flush()
            level = len(heading.group(1))
            if level == 1 and drop_title:
                continue
            level = min(level + shift, 6)
            html.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(stripped[2:])
        elif not stripped:
            flush()
        elif items:
            items[-1] += " " + stripped  # a wrapped list item
        else:
            paragraph.append(stripped)
    flush()
    return "\n".join(html)
