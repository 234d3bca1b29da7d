"""Checks for tables of quoted figures (the statpub observation profile).

They apply to any resource whose schema has the fields they need, so other
packages that follow the same profile get them too:

* ``value``, ``qualifier``, ``lower_bound``, ``upper_bound``: the bounds agree
  with the value and the qualifier (``bounds-inconsistent``);
* ``source_id``, ``quote``, ``paragraph`` plus a ``sources`` resource with
  ``source_id`` and ``sha256``: with ``--sources DIR``, each quote occurs
  verbatim in that paragraph of the source text whose sha256 matches
  (``quote-not-found``, ``source-text-missing``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.figures.bounds import bounds_problem
from statpub.package import Package, Resource
from statpub.package.files import sha256_bytes
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
            issues.extend(_check_quotes(pkg, res, options.sources_dir))
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


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a captured text: its non-blank lines, the headline being number 1."""
    return [line for line in text.splitlines() if line.strip()]


def _source_texts(sources_dir: Path) -> dict[str, str]:
    """sha256 -> text of every file in ``sources_dir``."""
    out: dict[str, str] = {}
    for path in sorted(sources_dir.iterdir()) if sources_dir.is_dir() else []:
        if path.is_file():
            data = path.read_bytes()
            try:
                out[sha256_bytes(data)] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return out


def _check_quotes(pkg: Package, res: Resource, sources_dir: Path) -> list[Issue]:
    if not sources_dir.is_dir():
        return [
            Issue(
                "source-text-missing",
                f"{sources_dir}: no such folder of source texts",
                severity=WARNING,
            )
        ]
    sources_res = pkg.resource("sources")
    if sources_res is None:
        return []
    hashes = {r.get("source_id"): r.get("sha256") for r in _rows(sources_res) or []}
    texts = _source_texts(sources_dir)
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
        paras = paragraphs(text)
        quote, para = row.get("quote") or "", row.get("paragraph")
        if not isinstance(para, int) or not 1 <= para <= len(paras) or quote not in paras[para - 1]:
            found = [i for i, p in enumerate(paras, start=1) if quote and quote in p]
            hint = (
                f"it occurs in paragraph {found[0]}" if found else "it occurs nowhere in the text"
            )
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
