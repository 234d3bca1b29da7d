"""Row-level checks of every tabular resource."""

from __future__ import annotations

from statpub.report import Issue, Report
from statpub.validate import Options
from statpub.validate.target import Target


def check_tables(target: Target, options: Options, report: Report) -> list[Issue]:
    from statpub.validate.oracle import frictionless_issues

    return frictionless_issues(target, limit_errors=options.limit_errors)
