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


class TooDeep(ValueError):
    """The JSON nests arrays and objects deeper than :data:`MAX_DEPTH`."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``; a :class:`TooDeep` (a ``ValueError``) when nested too deep."""
    if too_deep(text):
        raise TooDeep(f"arrays and objects nested over {MAX_DEPTH} levels deep")
    return json.loads(text)


def too_deep(text: str | bytes) -> bool:
    """Whether arrays and objects nest deeper than :data:`MAX_DEPTH` in ``text`` (brackets
    inside strings do not count). Linear in ``text``, and no work for a shallow one."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")  # brackets and quotes are ASCII: same nesting
    opens = text.count("[") + text.count("{")
    if opens <= MAX_DEPTH:
        return False
    depth = 0
    for m in _TOKENS.finditer(text):
        c = m.group()[0]
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif c in "]}":
            depth -= 1
    return False


def containers(text: str, at_least: int) -> bool:
    """Whether ``text`` holds ``at_least`` arrays and objects (brackets inside strings do not
    count); decided from the text, before it is parsed into that many Python objects."""
    if text.count("[") + text.count("{") < at_least:
        return False
    found = 0
    for m in _TOKENS.finditer(text):
        if m.group()[0] in "[{":
            found += 1
            if found >= at_least:
                return True
    return False
