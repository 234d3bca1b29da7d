"""Just enough Markdown for the changelog.

Headings, paragraphs, bullet lists, inline code, emphasis and links.

The changelog is written by statpub itself (versioning/changelog.py), so the
subset is known; everything is HTML-escaped before any markup is added.
"""

from __future__ import annotations

import re
from html import escape, unescape

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EM = re.compile(r"(?<![*\w])\*([^*]+)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = ("http", "https")


def safe_href(url: object) -> bool:
    """Whether ``url`` may be a link on the page: an http(s) address or a relative one.

    Anything else (``javascript:``, ``data:``, ``vbscript:`` ...) is shown as text.
    Browsers drop spaces, tabs and line ends from an address before reading its
    scheme (``java\tscript:`` is ``javascript:``), so an address holding any
    control character or space is not a link either.
    """
    if not isinstance(url, str) or not url:
        return False
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return False
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _link(match: re.Match[str]) -> str:
    text, url = match.group(1), match.group(2)
    if not safe_href(unescape(url)):
        return f"{text} ({url})"
    return f'<a href="{url}">{text}</a>'


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
        html = _LINK.sub(_link, html)
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
