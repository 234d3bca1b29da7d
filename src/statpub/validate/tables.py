"""Row-level checks of every tabular resource.

statpub's columnar engine (:mod:`statpub.validate.engine`) does the work;
``Options(engine="frictionless")`` runs frictionless-py instead, as an independent judge
for the tests (not on the command line: see docs/validation.md).
Every resource is either read or reported: one the engine will not read gets
a ``resource-not-checked`` warning saying why, so a report never says "valid"
about rows it did not see (``--strict`` turns those warnings into a failure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.package import Package, Resource
from statpub.package.model import READ_FORMATS
from statpub.report import WARNING, Issue, Report

if TYPE_CHECKING:
    from statpub.validate import Options

_SCHEMA_CODES = ("schema-error", "dialect-error", "dialect-not-supported")
# Errors that themselves say a resource's file was not read: no warning repeats them.
_SAY_WHY = {"path-unsafe", "file-missing", "file-not-regular", "table-too-wide"}


def check_tables(pkg: Package, options: Options, report: Report) -> list[Issue]:
    issues = [i for res in pkg.resources if (i := not_checked(pkg, res)) is not None]
    if options.engine == "frictionless":
        from statpub.validate.oracle import frictionless_issues

        return issues + frictionless_issues(pkg, limit_errors=options.limit_errors)
    from statpub.validate.engine import run

    result = run(pkg, limit_errors=options.limit_errors, on_progress=options.on_progress)
    report.stats["rows"] = report.stats.get("rows", 0) + result.rows
    if result.partial:
        report.partial = True
    report.unlisted += result.unlisted
    return issues + result.issues


def not_checked(pkg: Package, res: Resource) -> Issue | None:
    """Why the engine will not read ``res``'s rows; None when it will, or when it is a file
    that is not a table (its hash and size are checked)."""
    if res.spec is not None:
        return None
    why = _why(res)
    if why is None:
        return None
    return Issue(
        "resource-not-checked",
        f"resource {res.name!r}: its rows were not checked: {why}",
        path=pkg.descriptor_label,
        resource=res.name,
        severity=WARNING,
    )


def _why(res: Resource) -> str | None:
    codes = {p.type for p in res.problems if p.severity == "error"}
    if codes & set(_SCHEMA_CODES):
        return "its Table Schema or Table Dialect has errors (above); fix them to check the rows"
    if codes & _SAY_WHY:
        return None  # the error says the rows were not read, and why
    if codes:
        return "its descriptor entry has errors (above); fix them to check the rows"
    if res.remote:
        return f"it is remote ({res.remote[0]}); statpub does not fetch data, so nothing was read"
    if res.schema is None and "schema" in res.descriptor:
        return "its Table Schema was not read (see above)"
    data = res.descriptor.get("data")
    if res.inline and isinstance(data, str):
        return "its inline 'data' is a string, which statpub does not parse"
    if res.inline and not isinstance(data, list):
        return "its inline 'data' is not an array of rows"
    if res.compression is not None and not res.inline:
        return f"it is compressed as {res.compression!r}, which statpub does not decompress"
    if not res.tabular:
        return None
    if res.format not in READ_FORMATS:
        return (
            f"its format {res.format!r} is not one statpub reads (csv, tsv, parquet, json, "
            "ndjson, inline data)"
        )
    return "statpub cannot read it as a table"
