"""Writing a release, once everything is known to be good.

The heavy work (building, validating, sealing the archive folder with its
checksums) is done before anything is replaced, in a staging folder beside the
archive; the journal (:mod:`statpub.release.journal`) then records the end
state, and each file is swapped in by a rename. An interrupted release is
completed or rolled back by the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.release import journal
from statpub.versioning import archive
from statpub.versioning.log import REVISIONS_FILE, appended

if TYPE_CHECKING:
    from statpub.figures.records import Release
    from statpub.release import Paths

RELEASES_FILE = "releases.yml"


def written_paths(paths: Paths, version: str) -> list[str]:
    """What a release writes, as the result lists it."""
    return [
        str(paths.releases / version),
        str(paths.figures / REVISIONS_FILE),
        str(paths.figures / RELEASES_FILE),
        str(paths.out),
    ]


def release_writes(
    paths: Paths, entry: Release, rows: list[dict[str, Any]]
) -> list[journal.FileWrite]:
    """What a release of the figure model replaces in the figures folder: the revisions
    log with ``rows`` appended, releases.yml with ``entry`` (and the sources released with
    --unchecked-quotes) appended."""
    releases_text = appended_release(
        paths.figures / RELEASES_FILE, entry.version, entry.date, entry.note, entry.unchecked_quotes
    )
    log_bytes = appended(paths.figures / REVISIONS_FILE, rows)
    return [
        journal.FileWrite.of(paths.figures / REVISIONS_FILE, log_bytes),
        journal.FileWrite.of(paths.figures / RELEASES_FILE, releases_text.encode("utf-8")),
    ]


def commit_archive(paths: Paths, workspace: Path, package: Path, version: str) -> None:
    """Archive ``package`` as ``version`` and publish it; the figure files stay as they are."""
    run_plan(
        (paths.figures, paths.releases, paths.out),
        workspace,
        package,
        version,
        "archive",
        [],
        {"version": version, "archived": True},
    )


def run_plan(
    folders: tuple[Path, Path, Path],
    workspace: Path,
    package: Path,
    version: str,
    operation: str,
    writes: list[journal.FileWrite],
    result: dict[str, Any],
) -> None:
    """Seal ``package`` and journal its release. ``folders``: the state folder (holding the
    history and the log ``writes`` replace, and the journal), the archive, the package folder."""
    state, releases, out = folders
    manifest = archive.seal(package, releases)
    plan = journal.Plan(
        operation, version, state, releases, out, workspace, package, manifest, writes, result
    )
    journal.run(plan)


def appended_release(
    path: Path, version: str, date: dt.date, note: str, unchecked: tuple[str, ...] = ()
) -> str:
    """releases.yml with one entry appended, its comments and layout kept."""
    import yaml

    text = path.read_text(encoding="utf-8") if path.is_file() else "releases:\n"
    m = re.search(r"^([ \t]*)- version:", text, flags=re.MULTILINE)
    indent = m.group(1) if m else "  "
    if not text.endswith("\n"):
        text += "\n"
    # A JSON string is a valid YAML double-quoted scalar: any note text survives.
    text += (
        f"{indent}- version: {version}\n{indent}  date: {date.isoformat()}\n"
        f"{indent}  note: {json.dumps(note, ensure_ascii=False)}\n"
    )
    if unchecked:  # a JSON list is a YAML flow sequence
        text += f"{indent}  unchecked_quotes: {json.dumps(list(unchecked))}\n"
    entries = (yaml.safe_load(text) or {}).get("releases") or []
    last = entries[-1] if entries else {}
    if str(last.get("version")) != version or str(last.get("note")) != note:
        raise StatpubError(
            f"{path}: cannot append the release entry; check the file's layout",
            code="releases-file-layout",
            path=path,
        )
    return text
