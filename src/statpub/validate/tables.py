"""Row-level checks of every tabular resource.

statpub's columnar engine (:mod:`statpub.validate.engine`) does the work;
``--engine frictionless`` runs frictionless-py instead, as an independent judge.
A resource that is neither checked nor already in error gets a warning saying
why it was not read: a report never says "valid" about rows it did not see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.package import Package, Resource
from statpub.package.model import TABULAR_FORMATS
from statpub.report import WARNING, Issue, Report

if TYPE_CHECKING:
    from statpub.validate import Options


def check_tables(pkg: Package, options: Options, report: Report) -> list[Issue]:
    issues = [i for res in pkg.resources if (i := _not_checked(pkg, res)) is not None]
    if options.engine == "frictionless":
        from statpub.validate.oracle import frictionless_issues

        return issues + frictionless_issues(pkg, limit_errors=options.limit_errors)
    from statpub.validate.engine import run

    result = run(pkg, limit_errors=options.limit_errors, on_progress=options.on_progress)
    report.stats["rows"] = report.stats.get("rows", 0) + result.rows
    if result.partial:
        report.partial = True
    return issues + result.issues


def _not_checked(pkg: Package, res: Resource) -> Issue | None:
    """Why the engine will not read ``res`` (None when it will, or when an error says why)."""
    if res.spec is not None or not res.readable:
        return None
    where = pkg.descriptor_label
    if res.tabular and res.schema is None and res.files and res.format in TABULAR_FORMATS:
        if res.compression is None:
            return Issue(
                "schema-error",
                f"resource {res.name!r} has no Table Schema with a 'fields' list; "
                "add one to check its rows",
                path=res.label,
                resource=res.name,
            )
    if res.remote:
        why = f"it is remote ({res.remote[0]}); statpub does not fetch data"
    elif res.inline:
        why = "its rows are inline ('data'), which this version of statpub does not check"
    elif res.compression is not None:
        why = f"it is compressed ({res.compression}), which this version of statpub does not read"
    elif res.format not in TABULAR_FORMATS:
        if not res.tabular:
            return None  # a file that is not a table: its hash and size are checked
        why = f"its format {res.format!r} is not one statpub reads (csv, tsv, parquet)"
    else:
        return None
    return Issue(
        "resource-not-checked",
        f"resource {res.name!r} was not checked: {why}",
        path=where,
        resource=res.name,
        severity=WARNING,
    )
