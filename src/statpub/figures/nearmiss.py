"""Where a quote that is not in its text nearly is, and what differs.

A quote is copied by hand, so the usual slips are a hyphen for a dash, a double
or non-breaking space, a capital, straight for curly quotation marks. The
passage that differs only in those is found and named with the kinds of
difference; otherwise the most similar passage of the same length is named with
the words that differ.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
QUOTES = "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb"
# How close a passage must be (difflib ratio) to be offered as the one meant.
SIMILAR = 0.75


@dataclass(frozen=True)
class NearMiss:
    paragraph: int
    passage: str  # as the text has it
    differs: tuple[str, ...]  # "dash", "space", "case", "quotation mark", or word changes

    def describe(self) -> str:
        return (
            f"the closest passage is {self.passage!r} in paragraph {self.paragraph} "
            f"(differs: {', '.join(self.differs)})"
        )


def _normalise(text: str, *, keep: str = "") -> str:
    if keep != "dash":
        text = re.sub(f"[{re.escape(DASHES)}]", "-", text)
    if keep != "quotation mark":
        text = re.sub(f"[{re.escape(QUOTES)}]", '"', text)
    if keep != "space":
        text = re.sub(r"\s+", " ", text)
    if keep != "case":
        text = text.casefold()
    return text


def _loose(quote: str) -> re.Pattern[str]:
    parts = []
    for ch in quote.strip():
        if ch.isspace():
            parts.append(r"\s+")
        elif ch in DASHES:
            parts.append(f"[{re.escape(DASHES)}]")
        elif ch in QUOTES:
            parts.append(f"[{re.escape(QUOTES)}]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts).replace(r"\s+\s+", r"\s+"), re.IGNORECASE)


def near_miss(paragraphs: list[str], quote: str) -> NearMiss | None:
    """The passage ``quote`` was most likely copied from, or None when none is close."""
    if not quote.strip():
        return None
    pattern = _loose(quote)
    for n, para in enumerate(paragraphs, start=1):
        m = pattern.search(para)
        if m:
            passage = m.group(0)
            kinds = ("dash", "quotation mark", "space", "case")
            differs = tuple(
                k for k in kinds if _normalise(passage, keep=k) != _normalise(quote, keep=k)
            )
            return NearMiss(n, passage, differs or ("invisible characters",))
    return _similar(paragraphs, quote)


def _similar(paragraphs: list[str], quote: str) -> NearMiss | None:
    best: tuple[float, int, str] | None = None
    size = len(quote)
    for n, para in enumerate(paragraphs, start=1):
        starts = [0] + [m.end() for m in re.finditer(r"\s+", para)]
        for start in starts:
            for length in (size - 2, size, size + 2):
                window = para[start : start + length]
                ratio = difflib.SequenceMatcher(None, window, quote).ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, n, window)
    if best is None or best[0] < SIMILAR:
        return None
    _, n, window = best
    window = _whole_words(paragraphs[n - 1], window)
    return NearMiss(n, window, _word_changes(window, quote))


def _whole_words(para: str, window: str) -> str:
    """``window`` widened to the end of its last word."""
    at = para.find(window)
    end = at + len(window)
    while end < len(para) and not para[end].isspace() and para[end] not in ",.;:":
        end += 1
    return para[at:end].strip()


def _word_changes(passage: str, quote: str) -> tuple[str, ...]:
    a, b = passage.split(), quote.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            continue
        text, ours = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "replace":
            out.append(f"the text has {text!r} where the quote has {ours!r}")
        elif op == "delete":
            out.append(f"the quote leaves out {text!r}")
        else:
            out.append(f"the quote adds {ours!r}")
    return tuple(out) or ("characters within words",)
