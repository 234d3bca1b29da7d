"""JSON from a table (a cell of an ``object`` or ``array`` field, a JSON or NDJSON file),
parsed with its nesting capped.

Python's parser recurses once per level: a cell of 100,000 ``[`` is a
``RecursionError``, and a value a few thousand levels deep that parses still
breaks every later step that walks it (comparing, writing it back). Real data is
a few levels deep; deeper than :data:`MAX_DEPTH` is not valid JSON for statpub,
said so before the parser sees it.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_TOKENS_B = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """The JSON nests arrays and objects deeper than :data:`MAX_DEPTH`."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``; a :class:`TooDeep` (a ``ValueError``) when nested too deep."""
    depth = nesting(text)
    if depth > MAX_DEPTH:
        raise TooDeep(f"arrays and objects nested over {MAX_DEPTH} levels deep")
    return json.loads(text)


def nesting(text: str | bytes) -> int:
    """How deep arrays and objects nest in ``text`` (brackets inside strings do not count)."""
    opens = text.count("[" if isinstance(text, str) else b"[")
    opens += text.count("{" if isinstance(text, str) else b"{")
    if opens <= MAX_DEPTH:
        return opens
    depth = deepest = 0
    tokens = _TOKENS if isinstance(text, str) else _TOKENS_B
    for m in tokens.finditer(text):  # type: ignore[arg-type]
        c = m.group()[:1]
        if c in ("[", "{", b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif c in ("]", "}", b"]", b"}"):
            depth -= 1
    return deepest
