"""Checks for tables of quoted figures (the statpub observation profile).

They apply to any resource whose schema has the fields they need, so other
packages that follow the same profile get them too:

* ``value``, ``qualifier``, ``lower_bound``, ``upper_bound``: the bounds agree
  with the value and the qualifier (``bounds-inconsistent``);
* ``source_id``, ``quote``, ``paragraph`` plus a ``sources`` resource with
  ``source_id`` and ``sha256``: given a folder of captured texts (``--sources``,
  ``$STATPUB_SOURCES`` or the ``sources:`` setting of the figures/package.yml
  beside the package), each quote occurs verbatim in that paragraph of the
  source text whose sha256 matches (``quote-not-found``, ``source-text-missing``).
  The figure files get the same check with their own file and line
  (:mod:`statpub.figures.quotes`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.figures.bounds import bounds_problem
from statpub.figures.quotes import SourceTexts, quote_problem, source_texts
from statpub.package import Package, Resource
from statpub.report import WARNING, Issue

if TYPE_CHECKING:
    from statpub.report import Report
    from statpub.validate import Options

BOUND_FIELDS = {"value", "qualifier", "lower_bound", "upper_bound"}
QUOTE_FIELDS = {"source_id", "quote", "paragraph"}


def check_figures(pkg: Package, options: Options, report: Report) -> list[Issue]:
    issues: list[Issue] = []
    for res in pkg.resources:
        names = _field_names(res)
        if BOUND_FIELDS <= names:
            issues.extend(_check_bounds(res))
        if QUOTE_FIELDS <= names and options.sources_dir is not None:
            issues.extend(_check_quotes(pkg, res, options.sources_dir, options.sources_from))
        elif QUOTE_FIELDS <= names and options.sources_refused is not None:
            refused = SourceTexts(None, options.sources_from, refused=options.sources_refused)
            issues.append(
                Issue(
                    "source-text-missing",
                    f"{refused.describe()}: the quotes were not checked",
                    severity=WARNING,
                )
            )
    return issues


def _field_names(res: Resource) -> set[str]:
    if res.format != "csv" or res.spec is None:
        return set()  # the Parquet copy is held to the CSV by the copies check
    return {f.name for f in res.spec.fields}


def _rows(res: Resource) -> list[dict[str, Any]] | None:
    from statpub.errors import InvalidInput
    from statpub.package import read_table

    try:
        rows: list[dict[str, Any]] = read_table(res).to_pylist()
    except InvalidInput:
        return None  # reported by the table checks
    return rows


def _check_bounds(res: Resource) -> list[Issue]:
    rows = _rows(res) or []
    issues = []
    for n, row in enumerate(rows, start=2):
        qualifier = row.get("qualifier")
        if not isinstance(qualifier, str):
            continue
        nums = [row.get(k) for k in ("value", "lower_bound", "upper_bound")]
        value, lower, upper = (None if x is None or math.isnan(x) else float(x) for x in nums)
        problem = bounds_problem(qualifier, value, lower, upper)
        if problem:
            issues.append(
                Issue(
                    "bounds-inconsistent",
                    f"{problem}; fix the figure's bounds or its qualifier",
                    path=res.label,
                    resource=res.name,
                    row=n,
                    field="lower_bound",
                )
            )
    return issues


def _check_quotes(pkg: Package, res: Resource, sources_dir: Path, origin: str) -> list[Issue]:
    if not sources_dir.is_dir():
        return [
            Issue(
                "source-text-missing",
                f"{SourceTexts(sources_dir, origin).describe()}: no such folder of source "
                "texts; the quotes were not checked",
                severity=WARNING,
            )
        ]
    sources_res = pkg.resource("sources")
    if sources_res is None:
        return []
    hashes = {r.get("source_id"): r.get("sha256") for r in _rows(sources_res) or []}
    texts = source_texts(sources_dir)
    issues: list[Issue] = []
    missing_reported: set[Any] = set()
    for n, row in enumerate(_rows(res) or [], start=2):
        sid = row.get("source_id")
        text = texts.get(hashes.get(sid) or "")
        if text is None:
            if sid not in missing_reported:
                missing_reported.add(sid)
                issues.append(
                    Issue(
                        "source-text-missing",
                        f"no file in {sources_dir} has the sha256 recorded for source {sid!r}; "
                        "its quotes were not checked",
                        path=res.label,
                        resource=res.name,
                        row=n,
                        field="source_id",
                        severity=WARNING,
                    )
                )
            continue
        quote, para = row.get("quote") or "", row.get("paragraph")
        hint = quote_problem(text, quote, para)
        if hint is not None:
            issues.append(
                Issue(
                    "quote-not-found",
                    f"quote {quote!r} is not in paragraph {para} of source {sid!r} ({hint}); "
                    "copy the phrase exactly as published",
                    path=res.label,
                    resource=res.name,
                    row=n,
                    field="quote",
                )
            )
    return issues
