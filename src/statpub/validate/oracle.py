"""frictionless-py, run as an independent judge of a package.

statpub's own engine does the row checks; this module runs frictionless-py on
the same target and maps its errors to :class:`~statpub.report.Issue`, so the
two verdicts can be compared (the parity tests; ``Options(engine="frictionless")``).
It is not offered on the command line: frictionless-py follows links out of a
package, fetches remote paths and can hang on a pattern, so it only reads
packages the tests wrote (docs/validation.md).
"""

from __future__ import annotations

from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.report import Issue

# frictionless reports these too; statpub's file checks already cover them.
_COVERED_ELSEWHERE = {"hash-count", "byte-count"}


def frictionless_issues(pkg: Package, *, limit_errors: int | None = None) -> list[Issue]:
    try:
        import frictionless
    except ImportError as exc:
        raise StatpubError(
            "the frictionless engine needs frictionless-py, which is not installed: "
            "pip install 'statpub[frictionless]' (or pip install 'frictionless>=5.18,<6')",
            code="missing-dependency",
        ) from exc

    options: dict[str, Any] = {}
    if limit_errors is not None:
        options["limit_errors"] = limit_errors
    else:
        options["limit_errors"] = 10**9
    package = frictionless.Package(dict(pkg.descriptor), basepath=str(pkg.root))
    report = package.validate(frictionless.Checklist(), **options)
    issues: list[Issue] = []
    for error in report.errors:
        if error.type not in _COVERED_ELSEWHERE:
            issues.append(Issue(error.type, error.message, path=pkg.label))
    for task in report.tasks:
        for error in task.errors:
            if error.type in _COVERED_ELSEWHERE:
                continue
            issues.append(
                Issue(
                    error.type,
                    error.message,
                    path=task.place,
                    resource=task.name,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                )
            )
    return issues
