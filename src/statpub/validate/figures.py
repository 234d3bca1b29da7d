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

import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.report import WARNING, Issue

if TYPE_CHECKING:
    from statpub.report import Report
    from statpub.validate import Options
    from statpub.validate.target import Target

BOUND_FIELDS = {"value", "qualifier", "lower_bound", "upper_bound"}
QUOTE_FIELDS = {"source_id", "quote", "paragraph"}


def bounds_problem(
    qualifier: str, value: float | None, lower: float | None, upper: float | None
) -> str | None:
    """Why these bounds cannot go with this qualifier and value, or None if they can.

    Bounds are inclusive. ``exact``: lower = value = upper. ``more-than``/``over``:
    a lower bound at or above the value. ``nearly``: an upper bound at or below
    the value. ``about``/``rounded``: lower <= value <= upper. ``order-of-magnitude``:
    both bounds, the value (if any) between them.
    """
    if lower is not None and upper is not None and lower > upper:
        return f"lower_bound {_n(lower)} is above upper_bound {_n(upper)}"
    if qualifier != "order-of-magnitude" and value is None:
        return f"a {qualifier!r} figure needs a value"
    if qualifier == "exact":
        if lower != value or upper != value:
            return "an exact figure has lower_bound = value = upper_bound"
    elif qualifier in ("more-than", "over"):
        if lower is None or value is None or lower < value:
            return f"{qualifier!r} {_n(value)} needs a lower_bound at or above the value"
    elif qualifier == "nearly":
        if upper is None or value is None or upper > value:
            return f"'nearly' {_n(value)} needs an upper_bound at or below the value"
    elif qualifier in ("about", "rounded"):
        if lower is None or upper is None or value is None or not lower <= value <= upper:
            return f"{qualifier!r} {_n(value)} needs lower_bound <= value <= upper_bound"
    elif qualifier == "order-of-magnitude":
        if lower is None or upper is None:
            return "an order-of-magnitude figure ('hundreds') needs both bounds"
        if value is not None and not lower <= value <= upper:
            return "the value must lie between the bounds"
    return None


def _n(x: float | None) -> str:
    if x is None:
        return "(none)"
    return str(int(x)) if float(x).is_integer() else str(x)


def check_figures(target: Target, options: Options, report: Report) -> list[Issue]:
    issues: list[Issue] = []
    for res in target.resources:
        names = _field_names(target, res)
        if BOUND_FIELDS <= names:
            issues.extend(_check_bounds(target, res))
        if QUOTE_FIELDS <= names and options.sources_dir is not None:
            issues.extend(_check_quotes(target, res, options.sources_dir))
    return issues


def _field_names(target: Target, res: dict[str, Any]) -> set[str]:
    if not isinstance(res.get("path"), str) or not res["path"].endswith(".csv"):
        return set()  # the Parquet copy is held to the CSV by the copies check
    schema = target.schema(res)
    return {f.get("name") for f in schema.get("fields", [])} if schema else set()


def _rows(target: Target, res: dict[str, Any]) -> list[dict[str, Any]] | None:
    import pyarrow as pa

    from statpub.tables.csvio import read_csv

    schema = target.schema(res)
    if schema is None:
        return None
    try:
        table = read_csv(target.base_dir / res["path"], schema)
    except (pa.ArrowInvalid, OSError):
        return None  # reported by the table checks
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _check_bounds(target: Target, res: dict[str, Any]) -> list[Issue]:
    rows = _rows(target, res) or []
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
                    path=res["path"],
                    resource=res.get("name"),
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
                out[hashlib.sha256(data).hexdigest()] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return out


def _check_quotes(target: Target, res: dict[str, Any], sources_dir: Path) -> list[Issue]:
    if not sources_dir.is_dir():
        return [
            Issue(
                "source-text-missing",
                f"{sources_dir}: no such folder of source texts",
                severity=WARNING,
            )
        ]
    sources_res = next((r for r in target.resources if r.get("name") == "sources"), None)
    if sources_res is None:
        return []
    hashes = {r.get("source_id"): r.get("sha256") for r in _rows(target, sources_res) or []}
    texts = _source_texts(sources_dir)
    issues: list[Issue] = []
    missing_reported: set[Any] = set()
    for n, row in enumerate(_rows(target, res) or [], start=2):
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
                        path=res["path"],
                        resource=res.get("name"),
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
                    path=res["path"],
                    resource=res.get("name"),
                    row=n,
                    field="quote",
                )
            )
    return issues
