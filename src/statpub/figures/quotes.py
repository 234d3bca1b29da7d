"""The quote check: every quoted phrase occurs verbatim in its paragraph of the captured text.

Captured source texts are not part of the package (they are someone else's
writing); each source records the sha256 of its text, and a folder of texts is
searched by that hash. Where that folder is comes from, in order:

1. ``--sources DIR`` on the command line;
2. ``$STATPUB_SOURCES`` (the command line passes it in: the library reads no
   environment);
3. ``sources:`` in ``figures/package.yml``, relative to the repository root
   (the folder holding ``figures/``), e.g. ``../shared/sources``.

Checked on the figure files, a problem names the figure file and line of the
quote (``figures/sources/<id>.yml:LINE``); ``statpub validate`` checks a built
package the same way and names its CSV row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from statpub.errors import InvalidInput
from statpub.figures.records import Corroboration, Figure, FigureSet, Source
from statpub.package.files import sha256_bytes
from statpub.package.paths import inside, read_inside
from statpub.report import WARNING, Issue
from statpub.safetext import plain

ENV = "STATPUB_SOURCES"
MAX_TEXT = 16 << 20  # bytes: a captured news text is a few kilobytes
SETTING = "figures/package.yml (sources:)"


@dataclass(frozen=True)
class SourceTexts:
    """Where the captured texts are looked for, and which setting said so."""

    folder: Path | None
    origin: str = "--sources"  # "--sources", "$STATPUB_SOURCES" or SETTING; "" when none
    setting_file: str | None = None  # the package.yml that named the folder, if one did
    refused: str | None = None  # the setting, when it names a folder outside the repository

    def describe(self) -> str:
        if self.refused is not None:
            return (
                f"the sources: setting {plain(repr(self.refused))} of "
                f"{self.setting_file or 'figures/package.yml'} names "
                "a folder outside the "
                "repository, which statpub does not read on a setting's word (give the folder "
                "with --sources or $STATPUB_SOURCES)"
            )
        if self.folder is None:
            return (
                "no folder of source texts is set (--sources, $STATPUB_SOURCES, or sources: "
                "in figures/package.yml)"
            )
        return f"{self.folder} (from {self.origin})"


def setting(figures_dir: Path) -> str | None:
    """The ``sources:`` of ``figures/package.yml``, or None (also when it cannot be read:
    the figure loader reports that file's problems)."""
    from statpub.figures import yamlfile

    path = figures_dir / "package.yml"
    if not path.is_file():
        return None
    try:
        data, _ = yamlfile.load(path)
    except InvalidInput:
        return None
    value = data.get("sources") if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def locate(
    folder: Path | None, origin: str, figures_dir: Path, configured: str | None = None
) -> SourceTexts:
    """``folder`` (given on the command line or by the environment, as ``origin`` says),
    else the ``sources:`` setting of ``figures_dir/package.yml``, else none."""
    if folder is not None:
        return SourceTexts(folder, origin or "--sources")
    configured = configured if configured is not None else setting(figures_dir)
    if configured:
        # The setting comes with the repository: it may name a folder inside it, never one
        # outside (``/etc``, ``/proc/self``, ``..``), after links.
        root = figures_dir.resolve().parent
        named = f"{figures_dir.resolve().name}/package.yml"
        target = Path(os.path.normpath(root / configured))
        if "\x00" in configured or not inside(root, target):
            return SourceTexts(None, SETTING, named, refused=configured)
        return SourceTexts(target, SETTING, named)
    return SourceTexts(None, "")


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a captured text: its non-blank lines, the headline being number 1."""
    return [line for line in text.splitlines() if line.strip()]


def source_texts(folder: Path) -> dict[str, str]:
    """sha256 -> text of every UTF-8 file in ``folder``.

    Only regular files in the folder itself are read (a link out of it, a FIFO, a device
    or a file over :data:`MAX_TEXT` bytes is skipped), each opened once by the path policy.
    """
    out: dict[str, str] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        try:
            data = read_inside(folder, path.name, MAX_TEXT)
        except OSError:  # refused by the path policy, or unreadable: not a captured text
            continue
        try:
            out[sha256_bytes(data)] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return out


def quote_problem(text: str, quote: str, paragraph: object) -> str | None:
    """None when ``quote`` is in that paragraph of ``text``; else where it is instead."""
    paras = paragraphs(text)
    if isinstance(paragraph, int) and 1 <= paragraph <= len(paras):
        if quote in paras[paragraph - 1]:
            return None
    found = [i for i, p in enumerate(paras, start=1) if quote and quote in p]
    if found:
        return f"it occurs in paragraph {found[0]}"
    from statpub.figures.nearmiss import near_miss

    close = near_miss(paras, quote)
    if close is not None:
        return f"it occurs nowhere in the text; {close.describe()}"
    return "it occurs nowhere in the text"


@dataclass
class QuoteCheck:
    """What checking the figure files' quotes found."""

    texts: SourceTexts
    wrong: list[Issue] = field(default_factory=list)  # quote-not-found: always an error
    missing: list[Issue] = field(default_factory=list)  # source-text-missing, as warnings
    # quote-without-number: a corroborating quote that does not write the figure's number
    doubtful: list[Issue] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # sources whose quotes were not checked

    @property
    def folder_missing(self) -> bool:
        return self.texts.folder is None or not self.texts.folder.is_dir()


def check_quotes(figset: FigureSet, texts: SourceTexts) -> QuoteCheck:
    """Check every figure's quote against the texts in ``texts.folder``."""
    check = QuoteCheck(texts)
    check.doubtful = _without_number(figset)
    used = sorted(
        {f.source_id for f in figset.figures}
        | {c.source_id for f in figset.figures for c in f.also_reported_by}
    )
    if check.folder_missing:
        check.unchecked = used
        where = texts.describe()
        if texts.folder is not None and texts.refused is None:
            where = f"{where} does not exist"
        check.missing.append(
            Issue(
                "source-text-missing",
                f"{where}: no quote was checked",
                path=texts.setting_file,
                field="sources" if texts.setting_file else None,
                severity=WARNING,
            )
        )
        return check
    assert texts.folder is not None
    found = source_texts(texts.folder)
    by_id = {s.source_id: s for s in figset.sources}
    for sid in used:
        source = by_id[sid]
        text = found.get(source.sha256 or "")
        if text is None:
            check.unchecked.append(sid)
            check.missing.append(_missing(figset, source, texts))
            continue
        for fig in (f for f in figset.figures if f.source_id == sid):
            hint = quote_problem(text, fig.quote, fig.paragraph)
            if hint is not None:
                check.wrong.append(_wrong(fig, hint))
        for fig in figset.figures:
            for c in (c for c in fig.also_reported_by if c.source_id == sid):
                hint = quote_problem(text, c.quote, c.paragraph)
                if hint is not None:
                    check.wrong.append(_wrong_corroboration(fig, c, hint))
    return check


def _without_number(figset: FigureSet) -> list[Issue]:
    """Corroborating quotes that do not write the number of the figure they corroborate."""
    from statpub.figures.plausible import wording_numbers

    language = {s.source_id: s.language for s in figset.sources}
    out: list[Issue] = []
    for fig in figset.figures:
        wanted = wording_numbers(fig.value_wording, language.get(fig.source_id, "en"))
        for c in fig.also_reported_by:
            written = wording_numbers(c.quote, language.get(c.source_id, "en"))
            if wanted and not set(wanted) & set(written):
                out.append(
                    Issue(
                        "quote-without-number",
                        f"the quote {c.quote!r} of {c.source_id!r} does not write the number of "
                        f"{fig.indicator_id} {fig.time_period} ({fig.value_wording!r}); quote the "
                        "phrase that gives it, or check that the source reports the same figure",
                        path=c.origin[0] or None,
                        row=c.origin[1] or None,
                        field="quote",
                        severity=WARNING,
                    )
                )
    return out


def _wrong_corroboration(fig: Figure, c: Corroboration, hint: str) -> Issue:
    return Issue(
        "quote-not-found",
        f"quote {c.quote!r} (also reported by {c.source_id!r}, {fig.indicator_id} "
        f"{fig.time_period}) is not in paragraph {c.paragraph} of source {c.source_id!r} "
        f"({hint}); copy the phrase exactly as published",
        path=c.origin[0] or None,
        row=c.origin[1] or None,
        field="quote",
    )


def _missing(figset: FigureSet, source: Source, texts: SourceTexts) -> Issue:
    path, line = figset.source_origins.get(source.source_id, (None, 0))
    if source.sha256 is None:
        why = "records no sha256, so its captured text cannot be found"
        todo = "add sha256: <the sha256 of its captured text> to the source record"
    else:
        why = f"has no captured text in {texts.describe()} (no file there has its sha256)"
        todo = "put the captured text in that folder, or fix the sha256"
    return Issue(
        "source-text-missing",
        f"source {source.source_id!r} {why}; its quotes were not checked: {todo}",
        path=path,
        row=line or None,
        field="sha256",
        severity=WARNING,
    )


def _wrong(fig: Figure, hint: str) -> Issue:
    return Issue(
        "quote-not-found",
        f"quote {fig.quote!r} ({fig.indicator_id} {fig.time_period}) is not in paragraph "
        f"{fig.paragraph} of source {fig.source_id!r} ({hint}); copy the phrase exactly as "
        "published",
        path=fig.origin[0] or None,
        row=fig.quote_line or fig.origin[1] or None,
        field="quote",
    )
