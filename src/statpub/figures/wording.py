"""Does a figure's wording agree with its qualifier, bounds and status, and with its quote?

The qualifier words of each language ("more than", "около", "астам", ...) are data:
one table per language in ``statpub/figures/qualifiers/<language>.csv`` with the
columns

* ``word``: the word or phrase, lower case;
* ``position``: ``before`` the number ("more than 120"), ``after`` it (Kazakh
  "120-дан астам") or ``alone``, standing for a number ("hundreds"); an ``alone``
  word right after a number is a scale ("2 тысячи" is 2,000), not a qualifier;
* ``qualifiers``: the qualifier codes the word allows, space-separated;
* ``target``: further codes it allows in a target (obs_status F), where "до 208"
  is the level to be reached;
* ``after_number``: ``range-end`` when, right after another number, the word ends
  a range ("с 33 до 131", from 33 to 131) and qualifies nothing;
* ``reading``: how the word is read (docs/data-model.md lists every word).

The rules, each a ``(code, field, message)`` problem:

* the wording occurs in the quote (``figures-wording-not-in-quote``);
* a qualifier word standing next to the wording in the quote is part of the
  wording ("порядка 7 млн", not "7 млн": ``figures-qualifier-dropped``);
* a wording with a qualifier word has a qualifier that word allows, and a vague
  qualifier (more-than, over, nearly, about, order-of-magnitude) has a word that
  says so (``figures-qualifier-mismatch``);
* an exact figure is not obs_status E (an estimate), and a vague one is not A
  (``figures-status-mismatch``).

A language without a table is not checked for words (the quote and status rules
still apply).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from statpub.figures.records import TARGET_STATUS

Problem = tuple[str, str, str]

VAGUE = ("more-than", "over", "nearly", "about", "order-of-magnitude")
COLUMNS = ("word", "position", "qualifiers", "target", "after_number", "reading")
POSITIONS = ("before", "after", "alone")
_NUMBER_BEFORE = re.compile(r"\d[\d.,\s\u00a0\u202f%]*$")
# A Kazakh number takes its case ending after a hyphen: "120-дан астам".
_SUFFIX = r"(?:[-\u2010\u2011][^\W\d_]+)?"


@dataclass(frozen=True)
class Word:
    word: str
    position: str
    qualifiers: tuple[str, ...]
    target: tuple[str, ...]
    range_end: bool
    reading: str
    language: str


def languages() -> list[str]:
    """The languages that have a table of qualifier words."""
    folder = resources.files("statpub.figures") / "qualifiers"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


@functools.cache
def words(language: str) -> tuple[Word, ...]:
    """The qualifier words of ``language`` (primary subtag: ``ru-KZ`` reads ``ru``);
    empty when it has no table."""
    lang = language.lower().split("-")[0]
    path = resources.files("statpub.figures") / "qualifiers" / f"{lang}.csv"
    if not path.is_file():
        return ()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = []
    for n, row in enumerate(rows, start=2):
        if tuple(row) != COLUMNS or row["position"] not in POSITIONS or not row["qualifiers"]:
            raise ValueError(f"qualifiers/{lang}.csv line {n}: malformed row {row!r}")
        out.append(
            Word(
                word=row["word"].strip().lower(),
                position=row["position"],
                qualifiers=tuple(row["qualifiers"].split()),
                target=tuple(row["target"].split()),
                range_end=row["after_number"] == "range-end",
                reading=row["reading"],
                language=lang,
            )
        )
    # Longest first, so that "more than" is found before "more".
    return tuple(sorted(out, key=lambda w: -len(w.word)))


def _body(word: str) -> str:
    """``word`` as a pattern, any run of spaces matching its spaces."""
    return r"\s+".join(re.escape(part) for part in word.split())


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_body(word)}(?!\w)", re.IGNORECASE)


def words_in(text: str, language: str) -> list[Word]:
    """The qualifier words that qualify a number in ``text`` (a wording)."""
    found: list[Word] = []
    taken: list[tuple[int, int]] = []
    for w in words(language):
        for m in _pattern(w.word).finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # part of a longer word already found
            before = text[: m.start()].rstrip()
            after_number = bool(_NUMBER_BEFORE.search(before)) and before != ""
            if w.position == "alone" and after_number:
                continue  # "2 тысячи": a scale
            if w.range_end and after_number:
                continue  # "с 33 до 131": a range
            taken.append((m.start(), m.end()))
            if w not in found:
                found.append(w)
    return found


def dropped_words(wording: str, quote: str, language: str) -> list[tuple[Word, str]]:
    """Qualifier words next to ``wording`` in ``quote`` that the wording leaves out,
    each with the phrase of the quote that holds both."""
    out: list[tuple[Word, str]] = []
    if not wording or wording not in quote:
        return out
    present = words_in(wording, language)
    start = 0
    while (at := quote.find(wording, start)) >= 0:
        start = at + 1
        head, tail = quote[:at], quote[at + len(wording) :]
        for w in words(language):
            if w in present or w.position == "alone":
                continue
            body = _body(w.word)
            if w.position == "before":
                m = re.search(rf"(?<!\w){body}\s+$", head, re.IGNORECASE)
                if m and not (w.range_end and _NUMBER_BEFORE.search(head[: m.start()].rstrip())):
                    out.append((w, quote[m.start() : at + len(wording)]))
            else:
                m = re.match(rf"{_SUFFIX}\s+{body}(?!\w)", tail, re.IGNORECASE)
                if m:
                    out.append((w, quote[at : at + len(wording) + m.end()]))
    return out


def problems(
    *,
    wording: str,
    quote: str,
    language: str,
    qualifier: str,
    obs_status: str,
) -> list[Problem]:
    """Every disagreement between the wording, the quote, the qualifier and the status."""
    out: list[Problem] = []
    target = obs_status == TARGET_STATUS
    if wording and quote and wording not in quote:
        out.append(
            (
                "figures-wording-not-in-quote",
                "wording",
                f"wording {wording!r} does not occur in the quote {quote!r}; the wording is "
                "the number with its qualifier words, copied from the quote",
            )
        )
    for w, phrase in dropped_words(wording, quote, language):
        out.append(
            (
                "figures-qualifier-dropped",
                "wording",
                f"the quote says {phrase!r}, but the wording {wording!r} leaves out "
                f"{w.word!r} ({w.reading}); write wording: {phrase} and qualifier: "
                f"{w.qualifiers[0]}",
            )
        )
    found = words_in(wording, language)
    allowed = {q for w in found for q in (*w.qualifiers, *(w.target if target else ()))}
    if found and qualifier not in allowed:
        said = ", ".join(repr(w.word) for w in found)
        want = found[0].qualifiers[0]
        out.append(
            (
                "figures-qualifier-mismatch",
                "qualifier",
                f"wording {wording!r} says {said} ({found[0].reading}), but the qualifier is "
                f"{qualifier!r}; write qualifier: {want}"
                + (" and obs_status: E" if qualifier == "exact" and not target else "")
                + ", with the bounds the word implies",
            )
        )
    elif not found and qualifier in VAGUE and words(language):
        out.append(
            (
                "figures-qualifier-mismatch",
                "qualifier",
                f"qualifier {qualifier!r} but the wording {wording!r} has no word that says so "
                f"(see the {language} words in docs/data-model.md); copy the source's qualifier "
                "word into the wording, or, if the source states the number plainly, write "
                "qualifier: exact (or rounded) with its bounds",
            )
        )
    if not target:
        if qualifier == "exact" and obs_status == "E":
            out.append(
                (
                    "figures-status-mismatch",
                    "obs_status",
                    "an exact figure is not an estimate (obs_status E is an estimate or a "
                    "bound); write obs_status: A, or the qualifier the wording gives",
                )
            )
        elif qualifier != "exact" and obs_status == "A":
            out.append(
                (
                    "figures-status-mismatch",
                    "obs_status",
                    f"a {qualifier!r} figure is an estimate or a bound: write obs_status: E",
                )
            )
    return out
