"""``validate()``: every check statpub knows, on any Data Package.

The checks run in order; each returns issues and never raises for bad data.
Only a target that cannot be read at all raises :class:`~statpub.errors.StatpubError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statpub.package import Package
from statpub.package.open import open_local
from statpub.report import Issue, Report

if TYPE_CHECKING:
    from statpub.versioning.diff import DiffResult


@dataclass
class Options:
    sources_dir: Path | None = None  # folder of captured source texts, for the quote check
    sources_from: str = "--sources"  # which setting named that folder, for the messages
    sources_refused: str | None = None  # a sources: setting not followed (outside the repository)
    limit_errors: int | None = None  # None: report every error
    engine: str = "statpub"  # or "frictionless": run frictionless-py for the row checks
    on_progress: Callable[[int], None] | None = None  # told the rows read so far, as they grow
    previous: str | None = None  # the previous release, a package or an archived version
    compat: str | None = None  # "v1": also flag what Data Package v1 readers cannot read
    strict: bool = False  # warnings fail the run too (a resource not checked, a SHOULD broken)
    strict_include: frozenset[str] = frozenset()  # warning types strict fails on, beyond its own
    strict_exclude: frozenset[str] = frozenset()  # warning types strict lets pass
    # A diff against the previous release made with ``remember`` (a release's own): the
    # history check reuses its comparison of each table whose files are unchanged.
    reuse: DiffResult | None = None


def validate(
    path: str | Path,
    *,
    schema: str | Path | None = None,
    options: Options | None = None,
) -> Report:
    """Validate the package (folder, descriptor or zip) or the single table at ``path``."""
    options = options or Options()
    with open_local(Path(path), schema=schema) as pkg:
        return validate_package(pkg, options)


def validate_package(pkg: Package, options: Options | None = None) -> Report:
    """Run every check on a package already read."""
    options = options or Options()
    report = Report(
        target=pkg.label,
        strict=options.strict,
        strict_include=options.strict_include,
        strict_exclude=options.strict_exclude,
    )
    report.stats["resources"] = len(pkg.resources)
    for name, check in _checks():
        found = check(pkg, options, report)
        if found is not None:  # None: the check does not apply to this package
            report.extend(found, check=name)
    return report


# A check returns its issues, or None when it does not apply (nothing to check against).
Check = Callable[[Package, Options, Report], list[Issue] | None]


def _checks() -> list[tuple[str, Check]]:
    from statpub.package import check_files
    from statpub.validate import compat, copies, descriptor, figures, history, languages, tables

    return [
        ("descriptor", lambda t, o, r: descriptor.check_descriptor(t)),
        ("languages", lambda t, o, r: languages.check_languages(t)),
        ("files", lambda t, o, r: check_files(t)),
        ("tables", tables.check_tables),
        ("copies", lambda t, o, r: copies.check_copies(t)),
        ("figures", figures.check_figures),
        ("history", history.check_history),
        ("compat-v1", lambda t, o, r: compat.check_package(t) if o.compat == "v1" else None),
    ]
