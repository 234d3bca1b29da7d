"""Exceptions shared by the library.

Two families, because callers (and CI) must tell them apart:

* :class:`StatpubError` -- the operation could not run at all (missing file, bad
  arguments, unreachable portal). The CLI exits with status 2.
* :class:`InvalidInput` -- the operation ran and found the input data wrong. It
  carries the list of :class:`~statpub.report.Issue` found. The CLI exits with 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statpub.report import Issue


class StatpubError(Exception):
    """The requested operation could not run."""

    def __init__(self, message: str, *, code: str = "could-not-run") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidInput(Exception):
    """The input was read but is not valid; ``issues`` says where and why."""

    def __init__(self, issues: list[Issue], summary: str = "the input is invalid") -> None:
        super().__init__(summary)
        self.issues = issues
        self.summary = summary
