"""Run statpub's engine and frictionless-py on the same target; compare what they report."""

from __future__ import annotations

from pathlib import Path

from statpub.report import Issue
from statpub.validate.engine import run
from statpub.validate.oracle import frictionless_issues
from statpub.validate.target import Target, resolve

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


def statpub_verdict(target: Target) -> Verdict:
    return normalise(run(target.resources, target.base_dir).issues)


def frictionless_verdict(target: Target) -> Verdict:
    return normalise(frictionless_issues(target))


def both(path: Path) -> tuple[Verdict, Verdict]:
    target = resolve(path)
    return statpub_verdict(target), frictionless_verdict(target)
