"""The validation report: plain data, rendered by the CLI.

Row numbers follow frictionless-py's ``rowNumber``: the header is row 1 and the
first data row is row 2. For plain-text inputs (figure files) ``row`` is the
line number in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found, with a stable ``type`` code and a message saying what to do."""

    type: str
    message: str
    path: str | None = None
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    severity: str = ERROR

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "severity": self.severity}
        for key in ("path", "resource", "row", "field"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["message"] = self.message
        return out

    def where(self) -> str:
        """``file:row [field]`` for text output."""
        parts = [self.path or self.resource or "<package>"]
        if self.row is not None:
            parts[0] += f":{self.row}"
        if self.field is not None:
            parts.append(f"[{self.field}]")
        return " ".join(parts)


# Warnings ``--strict`` lets pass unless told otherwise: optional properties a package
# may well leave out (the spec makes ``hash`` and ``bytes`` optional), not a check undone.
STRICT_ALLOWED = frozenset({"hash-missing", "bytes-missing"})


@dataclass
class Report:
    """What a validation found. ``valid`` is true when no error was found (and, when
    ``strict``, no warning of a type that fails it either: a resource not checked then
    fails the run). Every warning fails a strict run but those of ``STRICT_ALLOWED``;
    ``strict_include`` makes some of those fail too, ``strict_exclude`` lets others pass."""

    target: str
    issues: list[Issue] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    partial: bool = False
    strict: bool = False
    unlisted: int = 0  # errors found but not listed (past the cap on issues kept)
    strict_include: frozenset[str] = frozenset()
    strict_exclude: frozenset[str] = frozenset()

    @property
    def strict_allowed(self) -> frozenset[str]:
        """The warning types a strict run lets pass."""
        return (STRICT_ALLOWED - self.strict_include) | self.strict_exclude

    @property
    def failing_warnings(self) -> list[Issue]:
        """The warnings that fail the run: none unless ``strict``."""
        if not self.strict:
            return []
        allowed = self.strict_allowed
        return [w for w in self.warnings if w.type not in allowed]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors and not self.unlisted and not self.failing_warnings

    def extend(self, issues: list[Issue], check: str | None = None) -> None:
        self.issues.extend(issues)
        if check is not None and check not in self.checks:
            self.checks.append(check)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "valid": self.valid,
            "target": self.target,
            "partial": self.partial,
            "checks": list(self.checks),
            "stats": dict(self.stats),
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }
        if self.strict:
            out["strict"] = True
            out["strict_allowed"] = sorted(self.strict_allowed)
        if self.unlisted:
            out["unlisted_errors"] = self.unlisted
        return out
