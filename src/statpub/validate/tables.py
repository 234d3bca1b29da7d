"""Row-level checks of every tabular resource.

statpub's columnar engine (:mod:`statpub.validate.engine`) does the work;
``--engine frictionless`` runs frictionless-py instead, as an independent judge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.report import Issue, Report
from statpub.validate.target import Target

if TYPE_CHECKING:
    from statpub.validate import Options


def check_tables(target: Target, options: Options, report: Report) -> list[Issue]:
    if options.engine == "frictionless":
        from statpub.validate.oracle import frictionless_issues

        return frictionless_issues(target, limit_errors=options.limit_errors)
    from statpub.validate.engine import run

    result = run(
        target.resources,
        target.base_dir,
        limit_errors=options.limit_errors,
        on_progress=options.on_progress,
    )
    report.stats["rows"] = report.stats.get("rows", 0) + result.rows
    if result.partial:
        report.partial = True
    return result.issues
