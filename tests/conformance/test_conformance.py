"""The conformance corpus: one small Data Package per rule of the specs, and its verdict.

Each folder holds a package (``datapackage.json``, or ``datapackage.yaml``), its
data, and ``expected.json``: the errors statpub reports (type, resource, row,
field), the warnings (by type; ``hash-missing`` and ``bytes-missing`` only when
``hashes`` is true), optionally a JSON path an error's message must name, and
how frictionless-py judges it. A case of one table validated with its Table
Schema (``statpub validate TABLE --schema SCHEMA``) names both in ``expected.json``
(``"table"`` and ``"schema"``) instead of holding a descriptor; a case with
``"zipped": true`` is validated as the zip ``statpub bundle`` would write of it
(its files in one top folder). And
frictionless-py's verdict:

* ``same``: the same errors (rows, fields and types);
* ``verdict``: both say invalid, in their own words (most descriptor errors
  stop frictionless-py before it reads a row);
* ``differs``: the errors differ, for the reason ``why`` names in
  docs/validation.md, where the spec is cited;
* ``not-run``: frictionless-py is not run on it, for the reason ``why``.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from statpub.report import Issue
from statpub.validate import validate

CORPUS = Path(__file__).parent
DOC = CORPUS.parents[1] / "docs" / "validation.md"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())
HASH_WARNINGS = {"hash-missing", "bytes-missing"}
LABELS = {"missing-label", "extra-label", "blank-label", "duplicate-label", "incorrect-label"}

Verdict = set[tuple[str | None, int | None, str | None, str]]


def expected(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / case / "expected.json").read_text("utf-8"))
    return data


def _normal(issues: list[tuple[str, str | None, int | None, str | None]]) -> Verdict:
    return {
        (resource, None if kind in LABELS else row, field or None, kind)
        for kind, resource, row, field in issues
    }


def frictionless_errors(case: str) -> Verdict | None:
    """frictionless-py's errors on the case; None when it refuses the descriptor itself."""
    import frictionless

    folder = CORPUS / case
    want = expected(case)
    name = "datapackage.json" if (folder / "datapackage.json").is_file() else "datapackage.yaml"
    try:
        if "table" in want:
            resource = frictionless.Resource(
                path=want["table"], schema=want["schema"], basepath=str(folder)
            )
            report = resource.validate()
        else:
            report = frictionless.Package(str(folder / name)).validate()
    except Exception:  # FrictionlessException, or the error of a parser it calls
        return None
    found = [
        (e.type, task.name, getattr(e, "row_number", None), getattr(e, "field_name", None))
        for task in report.tasks
        for e in task.errors
        if e.type not in ("hash-count", "byte-count")
    ]
    found += [(e.type, None, None, None) for e in report.errors]
    return _normal(found)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """statpub never fetches: a connection attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("statpub tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def zipped(case: str, into: Path) -> Path:
    """The case's files in one top folder of a zip, as ``statpub bundle`` writes them."""
    import zipfile

    path = into / f"{case}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted((CORPUS / case).rglob("*")):
            if f.is_file() and f.name != "expected.json":
                zf.write(f, f"{case}-1.0.0/{f.relative_to(CORPUS / case).as_posix()}")
    return path


@pytest.mark.parametrize("case", CASES)
def test_statpub_verdict(case: str, tmp_path: Path) -> None:
    want = expected(case)
    if want.get("zipped"):
        report = validate(zipped(case, tmp_path))
    elif "table" in want:
        report = validate(CORPUS / case / want["table"], schema=CORPUS / case / want["schema"])
    else:
        report = validate(CORPUS / case)
    errors = sorted(([i.type, i.resource, i.row, i.field] for i in report.errors), key=str)
    assert errors == sorted(want["errors"], key=str)
    warnings = {i.type for i in report.warnings}
    if not want.get("hashes"):
        warnings -= HASH_WARNINGS
    assert sorted(warnings) == want["warnings"]
    assert report.valid is not bool(want["errors"])
    if "message_names" in want:
        assert any(want["message_names"] in i.message for i in report.errors)
    for issue in report.issues:
        _says_where(issue)


def _says_where(issue: Issue) -> None:
    assert issue.path, issue
    assert issue.message and not issue.message.startswith(":"), issue


# frictionless-py leaves compressed files open for the garbage collector to close.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("case", [c for c in CASES if expected(c)["frictionless"] != "not-run"])
def test_frictionless_verdict(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # frictionless-py itself is not under test here
    want = expected(case)
    ours = _normal([tuple(e) for e in want["errors"]])  # type: ignore[misc]
    theirs = frictionless_errors(case)
    valid = not ours
    if want["frictionless"] == "same":
        assert theirs == ours
    elif want["frictionless"] == "verdict":
        assert not valid and (theirs is None or bool(theirs))
    else:
        assert want["frictionless"] == "differs"
        assert theirs != ours


def test_every_difference_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    whys = {expected(c)["why"] for c in CASES if "why" in expected(c)}
    assert whys
    assert sorted(w for w in whys if f"`{w}`" not in doc) == []


def test_corpus_covers_every_rule() -> None:
    seen = {e[0] for c in CASES for e in expected(c)["errors"]}
    seen |= {w for c in CASES for w in expected(c)["warnings"]}
    assert {
        "descriptor-error", "schema-error", "dialect-error", "dialect-not-supported",
        "inline-data-invalid", "created-not-datetime", "resource-name-duplicate",
        "source-error", "type-error", "constraint-error", "missing-cell", "extra-cell",
        "blank-label", "duplicate-label", "blank-row", "primary-key",
        "resource-not-checked", "version-not-semver", "schema-missing", "hash-missing",
        "profile-not-checked",
    } <= seen  # fmt: skip
