"""Run statpub's engine and frictionless-py on the same target; compare what they report."""

from __future__ import annotations

from pathlib import Path

from statpub.package import Package, read_package
from statpub.report import Issue
from statpub.validate.engine import run
from statpub.validate.oracle import frictionless_issues

# frictionless reports header problems with no row number and no field for extra labels.
LABEL_TYPES = {"missing-label", "extra-label", "blank-label", "duplicate-label", "incorrect-label"}

Verdict = set[tuple[str | None, int | None, str | None, str]]


def normalise(issues: list[Issue]) -> Verdict:
    out: Verdict = set()
    for issue in issues:
        if issue.severity != "error":
            continue
        row = None if issue.type in LABEL_TYPES else issue.row
        out.add((issue.resource, row, issue.field or None, issue.type))
    return out


def statpub_verdict(target: Package) -> Verdict:
    return normalise(run(target).issues)


def frictionless_verdict(target: Package) -> Verdict:
    return normalise(frictionless_issues(target))


def both(path: Path) -> tuple[Verdict, Verdict]:
    target = read_package(path)
    return statpub_verdict(target), frictionless_verdict(target)
