"""``pattern`` constraints, compiled once with RE2: matching is linear in the cell, always.

Table Schema patterns are XML Schema regular expressions, matched against the
whole cell. statpub reads them with RE2 (compiled first by ``google-re2``,
which says what it cannot take; matched by Arrow's RE2 kernel, a column at a
time), whose syntax covers the common subset:
classes, ``\\p{..}`` categories, alternation, groups, counted repetition. RE2
has no backreferences, lookahead or lookbehind and no possessive or atomic
groups: the constructs that make a backtracking matcher take exponential
time. A pattern that uses them is a schema error naming the field, never a hang.

``\\d`` and ``\\w`` are read as Unicode classes, as Python's ``re`` (and so
frictionless-py) reads them, rather than RE2's ASCII ones: ``\\d`` is
``\\p{Nd}``, ``\\w`` is ``[\\p{L}\\p{N}_]``.
"""

from __future__ import annotations

from typing import Any

MAX_MEM = 8 << 20  # bytes RE2 may take to compile one pattern
MAX_PATTERN = 10_000  # characters

_OUTSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": r"[\p{L}\p{N}_]", "W": r"[^\p{L}\p{N}_]"}
_INSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": r"\p{L}\p{N}_"}  # within [...]


def translate(pattern: str) -> str:
    """``pattern`` with ``\\d``, ``\\D``, ``\\w`` and ``\\W`` as Unicode classes."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            table = _INSIDE if in_class else _OUTSIDE
            out.append(table.get(nxt, c + nxt))
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < len(pattern) and pattern[i] == "]":  # a ] first in a class is literal
                out.append("]")
                i += 1
            continue
        if c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def compile_pattern(pattern: str) -> tuple[str, Any] | str:
    """(the pattern as RE2 reads it, compiled by google-re2), or why it cannot be used."""
    import re2

    if len(pattern) > MAX_PATTERN:
        return f"constraint pattern is {len(pattern):,} characters, over the {MAX_PATTERN:,} " + (
            "statpub compiles"
        )
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_MEM
    text = translate(pattern)
    try:
        return text, re2.compile(f"(?:{text})", options)
    except re2.error as exc:
        why = exc.args[0] if exc.args else exc
        if isinstance(why, bytes):
            why = why.decode("utf-8", "replace")
        return (
            f"constraint pattern {_short(pattern)} cannot be used ({why}); statpub matches "
            "patterns with RE2, in time linear in the cell: no backreferences or lookaround, "
            "and a bounded size (see docs/validation.md)"
        )


def _short(text: str, limit: int = 80) -> str:
    quoted = repr(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 3] + "..."
