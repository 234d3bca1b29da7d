"""Text from a package or a portal, made safe for where statpub prints it.

A field name, a title or a cell is someone else's text. Printed raw it can drive a
terminal (ANSI and OSC 8 escapes, ``\\r`` overwriting a line, bidi overrides
reordering it, zero-width characters hiding a difference), inject a GitHub
workflow command into a CI log (a line starting ``::`` is run by the runner: a
value holding ``\\n::add-mask::`` or ``::stop-commands::`` would be one), or
leave its cell in a pull-request comment (close the table, open an HTML comment
that hides the rest, embed an image from any host, mention a team). One function
per destination:

* :func:`plain` -- one line for a terminal or a log: every control, bidi and
  invisible formatting character, and every line break, written as an escape
  (``\\x1b``, ``\\n``, ``\\u202e``);
* :func:`terminal` -- the same, keeping the line breaks of a text statpub wrote
  itself (each value in it must already be :func:`plain`);
* :func:`github_data` / :func:`github_property` -- the workflow-command escapes
  (``%``, ``\\r``, ``\\n``; and ``:`` and ``,`` in properties), over :func:`plain`;
* :func:`markdown_cell` / :func:`markdown_code` -- text inside a Markdown table
  cell or code span that stays there: no HTML, link, image, emphasis or mention;
* :func:`yaml_problem` -- a PyYAML error's words without the source line it quotes.
"""

from __future__ import annotations

import json
import unicodedata

# Characters that reorder or hide text: bidi embeddings, overrides and isolates, marks,
# zero-width characters, the word joiner, invisible operators and the BOM. With the Cc
# (controls), Cs (surrogates), Co (private use), Cn (unassigned) and Zl/Zp (line and
# paragraph separators) categories they are all escaped.
_HIDDEN = set(
    "\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_cache: dict[str, str] = {}


def _escape_char(c: str) -> str:
    done = _cache.get(c)
    if done is not None:
        return done
    if c in _NAMED:
        out = _NAMED[c]
    elif c in _HIDDEN or unicodedata.category(c) in _ESCAPED_CATEGORIES:
        n = ord(c)
        out = f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"
    else:
        out = c
    if len(_cache) < 4096:
        _cache[c] = out
    return out


def _unsafe(text: str) -> bool:
    return not (text.isascii() and text.isprintable())


def plain(text: object) -> str:
    """``text`` on one line, every character that could act on a terminal or a log escaped."""
    s = str(text)
    if not _unsafe(s):
        return s
    return "".join(_escape_char(c) for c in s)


def terminal(text: object) -> str:
    """Like :func:`plain`, but the line breaks are kept (for text statpub composed)."""
    return "\n".join(plain(line) for line in str(text).split("\n"))


def github_data(text: object) -> str:
    """The message of a GitHub workflow command (``::error ...::<data>``)."""
    return plain(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: object) -> str:
    """A property value of a workflow command (``file=``, ``title=``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# In a cell: characters that start Markdown or HTML syntax become character references
# (GitHub splits a table row before it reads them, and never turns them back into syntax).
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]<>#!|~&$"}
_MARKDOWN["@"] = "@&#8203;"  # a zero-width space after @: never a mention


def markdown_cell(text: object) -> str:
    """``text`` as the content of a Markdown table cell or paragraph, inert."""
    return "".join(_MARKDOWN.get(c, c) for c in plain(text))


def markdown_code(text: object) -> str:
    """``text`` inside a code span (`` `...` ``) of a table row: it cannot close the span or
    the row."""
    return plain(text).replace("`", "'").replace("|", "\\|")


def json_text(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with every character
    :func:`plain` would escape written as a ``\\u`` escape: the same JSON value, inert on a
    terminal. (Outside strings JSON text is ASCII, so only string contents change.)"""
    if not _unsafe(text):
        return text
    return "".join(
        json.dumps(c)[1:-1] if c not in "\n" and _escape_char(c) != c else c for c in text
    )


def yaml_problem(exc: BaseException) -> str:
    """What a PyYAML error says is wrong, without the snippet of the source its full text
    quotes (that raw line would reach stderr, where a CI runner reads commands)."""
    words = getattr(exc, "problem", None) or getattr(exc, "reason", None)
    words = words or getattr(exc, "context", None)
    return plain(words if isinstance(words, str) and words else type(exc).__name__)
