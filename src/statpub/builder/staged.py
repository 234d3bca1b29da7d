"""The checks every build makes before and after it swaps a package in: the staged folder
validated as ``statpub validate`` would, and the history check against the release archive."""

from __future__ import annotations

from pathlib import Path

from statpub.report import Issue, Report


def validate_staged(folder: Path, *, label: str) -> Report:
    """Validate the staged build, reported under the name of the folder it will replace."""
    from statpub.package import read_package
    from statpub.validate import Options, validate_package

    pkg = read_package(folder, label=label)
    # The package promises v1 readers too (see builder/schemas.py): hold it to that.
    return validate_package(pkg, Options(sources_dir=None, compat="v1"))


def history_issues(out_dir: Path, sources_dir: Path | None = None) -> list[Issue]:
    """The history check ``statpub validate`` makes of the package in place (against the
    release archive beside it), so that build and validate give one verdict."""
    from statpub.package import read_package
    from statpub.validate import Options
    from statpub.validate.history import check_history

    pkg = read_package(out_dir, label=str(out_dir))
    return check_history(pkg, Options(sources_dir=sources_dir), Report(str(out_dir))) or []
