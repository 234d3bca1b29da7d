"""Quotes are always checked at release: a version is archived for good.

A quote not found in its source's text is refused, always. A source text not
at hand (no folder set, the folder missing, or no file with the source's
sha256) is refused too, unless the maintainer asks to release anyway
(``--unchecked-quotes``); the release then records which sources went
unchecked (``unchecked_quotes`` in releases.yml), and its note, the changelog
and the data card say so.
"""

from __future__ import annotations

from dataclasses import replace

from statpub.errors import InvalidInput, StatpubError
from statpub.figures.quotes import SourceTexts, check_quotes
from statpub.figures.records import FigureSet
from statpub.report import ERROR

FLAG = "--unchecked-quotes"


def quote_gate(figset: FigureSet, texts: SourceTexts, allow_unchecked: bool) -> list[str]:
    """The ids of the sources whose quotes could not be checked (empty: all checked).

    Raises InvalidInput for a wrong quote, and, unless ``allow_unchecked``,
    StatpubError when there is no folder of texts and InvalidInput when a
    source's text is missing from it.
    """
    check = check_quotes(figset, texts)
    if check.wrong:
        raise InvalidInput(
            check.wrong,
            summary="release refused: quotes not found in their sources; nothing was written",
        )
    if not check.unchecked or allow_unchecked:
        return check.unchecked
    if check.folder_missing:
        where = texts.describe()
        if texts.folder is not None:
            where += " does not exist"
        raise StatpubError(
            f"release refused: {where}, so the quotes cannot be checked. Point --sources, "
            "$STATPUB_SOURCES or sources: in figures/package.yml at the folder of captured "
            f"texts, or release with {FLAG} (the release note and data card will say so)",
            code="source-texts-not-found",
        )
    raise InvalidInput(
        [replace(i, severity=ERROR) for i in check.missing],
        summary=f"release refused: source texts missing, so their quotes cannot be checked; "
        f"add them, or release with {FLAG}; nothing was written",
    )


def unchecked_sentence(ids: list[str]) -> str:
    """The sentence a release made with --unchecked-quotes adds to its note."""
    return (
        f"Quotes not checked: the quoted phrases of {', '.join(ids)} were not compared with "
        f"the captured source texts ({FLAG})."
    )
