"""Writing a release, once everything is known to be good.

The heavy work (building, validating, archiving into a staged folder) is done
before anything is replaced; each file is then swapped in by a rename, so an
interrupted release leaves every file either old or new, never half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.package.atomic import staged_folder, write_bytes
from statpub.versioning import archive
from statpub.versioning.log import REVISIONS_FILE, appended

if TYPE_CHECKING:
    from statpub.release import Paths

RELEASES_FILE = "releases.yml"


def commit(
    paths: Paths, package: Path, version: str, date: dt.date, note: str, rows: list[dict[str, Any]]
) -> list[str]:
    releases_text = _appended_release(paths.figures / RELEASES_FILE, version, date, note)
    log_bytes = appended(paths.figures / REVISIONS_FILE, rows)
    archived = archive.archive(package, paths.releases, version)
    write_bytes(paths.figures / REVISIONS_FILE, log_bytes)
    write_bytes(paths.figures / RELEASES_FILE, releases_text.encode("utf-8"))
    replace_folder(package, paths.out)
    return [
        str(archived.folder),
        str(paths.figures / REVISIONS_FILE),
        str(paths.figures / RELEASES_FILE),
        str(paths.out),
    ]


def replace_folder(package: Path, out: Path) -> None:
    with staged_folder(out) as staging:
        archive.copy_package(package, staging)


def _appended_release(path: Path, version: str, date: dt.date, note: str) -> str:
    """releases.yml with one entry appended, its comments and layout kept."""
    import yaml

    text = path.read_text(encoding="utf-8")
    m = re.search(r"^([ \t]*)- version:", text, flags=re.MULTILINE)
    indent = m.group(1) if m else "  "
    if not text.endswith("\n"):
        text += "\n"
    # A JSON string is a valid YAML double-quoted scalar: any note text survives.
    text += (
        f"{indent}- version: {version}\n{indent}  date: {date.isoformat()}\n"
        f"{indent}  note: {json.dumps(note, ensure_ascii=False)}\n"
    )
    entries = (yaml.safe_load(text) or {}).get("releases") or []
    last = entries[-1] if entries else {}
    if str(last.get("version")) != version or str(last.get("note")) != note:
        raise StatpubError(
            f"{path}: cannot append the release entry; check the file's layout",
            code="releases-file-layout",
        )
    return text
