"""A release is a journaled transaction: completed or rolled back, whatever interrupts it.

Before anything visible is replaced, the release writes its journal,
``figures/.statpub-release.json`` (git-ignored): the version, the staged archive
folder and the sha256 of every file in it, the new ``figures/revisions.csv``
and ``figures/releases.yml`` (their text, and the sha256 of each before and
after), the package folder to replace, and the release's result. Then:

========================  ===============================================
step (fault point)        state on disk when the process dies there
========================  ===============================================
``release:built``         new version built and validated in
                          ``releases/.statpub-tmp-release.*/package``
``release:sealed``        its ``SHA256SUMS`` written: the staged archive
``write:<journal>``       the journal's temporary file written
``release:journaled``     the journal in place; nothing published yet
``release:archived``      staged folder renamed to ``releases/<version>/``
                          (the commit point)
``write:revisions.csv``,  the log's temporary file written, then the log
``release:revisions.csv``
``write:releases.yml``,   the same for the list of releases
``release:releases.yml``
``staged:<package>``,     the package folder copied from the archive, then
``swap:<package>``        the old one moved aside (no package folder)
``release:published``     the new package folder in place
``release:cleaned``       the scratch folder removed; the journal is removed
                          last
========================  ===============================================

The recovery rule, applied by the next ``statpub release`` or ``statpub build``
(:func:`recover`): once ``releases/<version>/`` is in place and holds exactly
the files the journal lists, the release is **completed** (the files not yet
written are written, the package folder is copied from the archive); before
that, it is **rolled back** (the staged folder is removed; nothing else had
changed). Either way the journal and every ``.statpub-tmp-*`` leftover go.
A file changed by hand since the interruption, or an archive folder that is
not the one staged, stops recovery with ``release-journal-conflict``.

Only one statpub process writes a figures folder at a time (an exclusive lock
on the folder, where the platform has ``flock``): ``release-busy`` otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package.atomic import fault_point, staged_folder, sweep, write_bytes, write_text
from statpub.package.files import MANIFEST, read_manifest, sha256_bytes, tree_digests
from statpub.versioning import archive

JOURNAL = archive.JOURNAL
FORMAT = 1
COMPLETED = "completed"
ROLLED_BACK = "rolled-back"


@dataclass(frozen=True)
class FileWrite:
    """A file of the figures folder the release replaces."""

    name: str
    before: str | None  # sha256 before the release; None when the file did not exist
    after: str  # sha256 of ``text``
    text: str

    @classmethod
    def of(cls, path: Path, data: bytes) -> FileWrite:
        before = sha256_bytes(path.read_bytes()) if path.is_file() else None
        return cls(path.name, before, sha256_bytes(data), data.decode("utf-8"))


@dataclass
class Plan:
    """What a release will have done once it is complete."""

    operation: str  # "release", or "archive" for `statpub release --archive-only`
    version: str
    figures: Path
    releases: Path
    out: Path
    workspace: Path  # the .statpub-tmp-release.* folder, in ``releases``
    staged: Path  # the sealed archive folder, in ``workspace``
    manifest: dict[str, str]  # path -> sha256 of every archived file
    writes: list[FileWrite] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def archive(self) -> Path:
        return self.releases / self.version

    @property
    def journal(self) -> Path:
        return self.figures / JOURNAL

    def to_json(self) -> dict[str, Any]:
        def rel(p: Path) -> str:
            return Path(os.path.relpath(p, self.figures)).as_posix()

        return {
            "statpub-journal": FORMAT,
            "operation": self.operation,
            "version": self.version,
            "releases": rel(self.releases),
            "archive": rel(self.archive),
            "out": rel(self.out),
            "workspace": rel(self.workspace),
            "staged": rel(self.staged),
            "manifest": dict(self.manifest),
            "writes": [
                {"file": w.name, "before": w.before, "after": w.after, "text": w.text}
                for w in self.writes
            ],
            "result": self.result,
        }

    @classmethod
    def from_json(cls, figures: Path, data: Any) -> Plan:
        def at(key: str) -> Path:
            return Path(os.path.normpath(figures / data[key]))

        try:
            if data.get("statpub-journal") != FORMAT:
                raise ValueError(f"format {data.get('statpub-journal')!r}")
            return cls(
                operation=str(data["operation"]),
                version=str(data["version"]),
                figures=figures,
                releases=at("releases"),
                out=at("out"),
                workspace=at("workspace"),
                staged=at("staged"),
                manifest={str(k): str(v) for k, v in data["manifest"].items()},
                writes=[
                    FileWrite(str(w["file"]), w["before"], str(w["after"]), str(w["text"]))
                    for w in data["writes"]
                ],
                result=dict(data["result"]),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise StatpubError(
                f"{figures / JOURNAL}: not a release journal statpub can read ({exc}); it is "
                "written by `statpub release`: if no release was interrupted, delete it",
                code="release-journal-invalid",
            ) from exc


@dataclass
class Recovery:
    """What the run did with a release it found interrupted."""

    action: str  # completed or rolled-back
    operation: str
    version: str
    journal: Path
    result: dict[str, Any] = field(default_factory=dict)  # the journaled release's result

    def message(self) -> str:
        what = "archiving" if self.operation == "archive" else "release"
        if self.action == COMPLETED:
            return (
                f"completed the interrupted {what} of {self.version}: its archive was in "
                "place, so the files it had not written yet were written"
            )
        return (
            f"rolled back the interrupted {what} of {self.version}: it had not reached the "
            "archive, so nothing of it was published"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "operation": self.operation,
            "version": self.version,
            "journal": str(self.journal),
            "message": self.message(),
        }


@contextmanager
def exclusive(figures: Path) -> Iterator[None]:
    """Hold the figures folder for one writer; refuse (``release-busy``) if another has it."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform
        yield
        return
    if not figures.is_dir():
        yield
        return
    fd = os.open(figures, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StatpubError(
                f"another statpub release or build is writing {figures}; wait for it to end",
                code="release-busy",
            ) from exc
        yield
    finally:
        os.close(fd)


def pending(figures: Path) -> bool:
    return (figures / JOURNAL).is_file()


def run(plan: Plan) -> None:
    """Journal ``plan``, then carry it out. The staged folder must be sealed."""
    fault_point("release:sealed")
    # One line: a release of a large table journals every revision it logs, and json's C
    # encoder, several times as fast as the Python one, writes no indentation.
    write_text(plan.journal, json.dumps(plan.to_json(), ensure_ascii=False) + "\n")
    fault_point("release:journaled")
    try:
        archive.place(plan.staged, plan.releases, plan.version)
        fault_point("release:archived")
        _finish(plan)
    except OSError as exc:
        raise StatpubError(
            f"the release of {plan.version} was interrupted ({exc}); the next `statpub "
            "release` or `statpub build` completes or rolls it back",
            code="release-interrupted",
        ) from exc


def recover(
    figures: Path, *, releases: Path | None = None, out: Path | None = None
) -> Recovery | None:
    """Complete or roll back a journaled release of ``figures``, then remove every leftover
    of an interrupted run; None when no release was pending. Call it holding
    :func:`exclusive`."""
    recovery: Recovery | None = None
    journal = figures / JOURNAL
    if journal.is_file():
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StatpubError(
                f"{journal}: the release journal cannot be read ({exc}); if no release was "
                "interrupted, delete it",
                code="release-journal-invalid",
            ) from exc
        plan = Plan.from_json(figures, data)
        if _committed(plan):
            _check_writes(plan)
            _finish(plan)
            action = COMPLETED
        else:
            shutil.rmtree(plan.workspace, ignore_errors=True)
            journal.unlink()
            action = ROLLED_BACK
        recovery = Recovery(action, plan.operation, plan.version, journal, plan.result)
        _sweep(figures, plan.releases, plan.out)
    _sweep(figures, releases, out)
    return recovery


def _sweep(figures: Path, releases: Path | None, out: Path | None) -> None:
    sweep(figures)
    if releases is not None:
        sweep(releases)
    if out is not None:
        sweep(out.parent, out.name)


def _committed(plan: Plan) -> bool:
    """Whether the archive folder is in place: the staged one, whole (the rename is atomic)."""
    folder = plan.archive
    if not folder.exists():
        return False
    if (
        (folder / MANIFEST).is_file()
        and read_manifest(folder) == plan.manifest
        and not archive.verify(folder)
    ):
        return True
    raise StatpubError(
        f"{folder} is not the archive the interrupted release of {plan.version} staged "
        f"(journal {plan.journal}): restore {folder} from git, or, if that version was "
        "released elsewhere, delete the journal",
        code="release-journal-conflict",
    )


def _check_writes(plan: Plan) -> None:
    for w in plan.writes:
        path = plan.figures / w.name
        now = sha256_bytes(path.read_bytes()) if path.is_file() else None
        if now not in (w.before, w.after):
            raise StatpubError(
                f"{path} changed since the release of {plan.version} was interrupted (it is "
                f"neither the file before the release nor after it); restore it from git "
                "and run again to complete the release",
                code="release-journal-conflict",
            )


def _finish(plan: Plan) -> None:
    """Every step after the commit point; each one is skipped when already done."""
    for w in plan.writes:
        path = plan.figures / w.name
        if not path.is_file() or sha256_bytes(path.read_bytes()) != w.after:
            write_bytes(path, w.text.encode("utf-8"))
        fault_point(f"release:{w.name}")
    published = {k: v for k, v in plan.manifest.items() if k not in (MANIFEST, archive.CHAIN)}
    if not plan.out.is_dir() or _differs(plan.out, plan.archive, published):
        with staged_folder(plan.out) as staging:
            archive.copy_package(plan.archive, staging)
    fault_point("release:published")
    shutil.rmtree(plan.workspace, ignore_errors=True)
    fault_point("release:cleaned")
    plan.journal.unlink()  # the last act: until then, a rerun finishes the release


def _differs(out: Path, archived: Path, published: dict[str, str]) -> bool:
    """Whether ``out`` is not the package ``published`` lists: a file missing, or of another
    size than its archived copy, tells at once (the previous version, after a release);
    else every file is hashed."""
    try:
        for rel in published:
            if (out / rel).stat().st_size != (archived / rel).stat().st_size:
                return True
    except OSError:
        return True
    return tree_digests(out) != published
