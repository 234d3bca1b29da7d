"""Exceptions shared by the library.

Two families, because callers (and CI) must tell them apart:

* :class:`StatpubError` -- the operation could not run at all (missing file, bad
  arguments, unreachable portal). The CLI exits with status 2.
* :class:`InvalidInput` -- the operation ran and found the input data wrong. It
  carries the list of :class:`~statpub.report.Issue` found. The CLI exits with 1.
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statpub.report import Issue


class StatpubError(Exception):
    """The requested operation could not run; ``path`` is the file or folder at fault, if any."""

    def __init__(
        self, message: str, *, code: str = "could-not-run", path: str | PathLike[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = None if path is None else str(path)


class InvalidInput(Exception):
    """The input was read but is not valid; ``issues`` says where and why.

    ``code`` names the failure as a whole (e.g. ``release-refused``), ``path`` the
    file or folder it concerns, when there is one.
    """

    def __init__(
        self,
        issues: list[Issue],
        summary: str = "the input is invalid",
        *,
        code: str = "invalid-input",
        path: str | PathLike[str] | None = None,
    ) -> None:
        super().__init__(summary)
        self.issues = issues
        self.summary = summary
        self.code = code
        self.path = None if path is None else str(path)
