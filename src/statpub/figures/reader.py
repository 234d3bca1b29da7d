"""Typed, line-aware access to the entries of one figure file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from statpub.figures import yamlfile
from statpub.report import Issue

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(_\d{3})+$")
Key = tuple[str | int, ...]


class FieldReader:
    """One YAML file's entries, typed field by field; problems are collected with their lines."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.issues: list[Issue] = []
        self.data, self.lines = yamlfile.load(path, display, duplicates=self.issues)

    def line(self, *key: str | int) -> int | None:
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key)

    def error(self, code: str, message: str, key: Key, field: str | None) -> None:
        self.issues.append(
            Issue(code, message, path=self.display, row=self.line(*key), field=field)
        )

    def mapping(self, entry: Any, key: Key, allowed: set[str], what: str) -> dict[str, Any] | None:
        if not isinstance(entry, dict):
            self.error(
                "figures-structure", f"each {what} must be a mapping of field: value", key, None
            )
            return None
        for name in sorted(set(entry) - allowed):
            self.error(
                "figures-unknown-field",
                f"unknown field {name!r} in a {what}; allowed: {', '.join(sorted(allowed))}",
                (*key, name),
                name,
            )
        return entry

    def text(
        self, entry: dict[str, Any], key: Key, name: str, *, required: bool = True
    ) -> str | None:
        value = entry.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error("figures-missing-field", f"{name!r} is required", key, name)
            return None
        if not isinstance(value, str):
            self.error(
                "figures-structure",
                f"{name!r} must be a single value, not a list or mapping",
                (*key, name),
                name,
            )
            return None
        return value.strip()

    def number(self, entry: dict[str, Any], key: Key, name: str, *, required: bool) -> float | None:
        raw = self.text(entry, key, name, required=required)
        if raw is None:
            return None
        cleaned = raw.replace("_", "") if THOUSANDS.match(raw) else raw
        if not NUMBER.match(cleaned):
            self.error(
                "figures-not-a-number",
                f"{name} {raw!r} is not a number; write digits only, e.g. 6900000 or "
                "6_900_000 (no words, commas or %)",
                (*key, name),
                name,
            )
            return None
        return float(cleaned)

    def date(self, entry: dict[str, Any], key: Key, name: str, *, required: bool) -> dt.date | None:
        raw = self.text(entry, key, name, required=required)
        if raw is None:
            return None
        try:
            if not DATE.match(raw):
                raise ValueError(raw)
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.error(
                "figures-bad-date",
                f"{name} {raw!r} is not a real date in YYYY-MM-DD form",
                (*key, name),
                name,
            )
            return None

    def code(
        self,
        entry: dict[str, Any],
        key: Key,
        name: str,
        allowed: list[str],
        *,
        default: str | None = None,
    ) -> str | None:
        raw = self.text(entry, key, name, required=default is None)
        if raw is None:
            return default
        if raw not in allowed:
            self.error(
                "figures-unknown-code",
                f"{name} {raw!r} is not one of: {', '.join(allowed)}",
                (*key, name),
                name,
            )
            return None
        return raw
