"""``statpub init``: scaffold a project from existing tables.

Each input (``FILE``, or ``FILE.xlsx#SHEET`` for one sheet of a workbook) is
copied into the project's ``data/`` folder, so the project holds everything
it is built from; a file already inside the project folder is used where it
is. Each table gets a Table Schema in ``schemas/NAME.json`` inferred from every
row (:mod:`statpub.project.infer`, :mod:`statpub.project.keys`), and an entry
in ``statpub.yml``. A rerun keeps what is there: an existing schema file is
never overwritten (so edits to it stay), an existing project file keeps its
metadata and tables and gains only the new tables.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.inputs import InputSpec, format_of, read_input
from statpub.project.config import PROJECT_FILE, RESERVED, load_project
from statpub.project.infer import Inference, Inferred, infer_table
from statpub.project.keys import add_foreign_keys, add_primary_key

SNIFFED = (",", ";", "\t", "|")


@dataclass
class InitResult:
    """What ``statpub init`` wrote and inferred."""

    project: Path
    tables: dict[str, str] = field(default_factory=dict)  # name -> input path in the project
    written: list[str] = field(default_factory=list)  # files written, relative to the project
    kept: list[str] = field(default_factory=list)  # schema files already there, left as they are
    inferences: list[Inference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": str(self.project),
            "tables": dict(self.tables),
            "written": list(self.written),
            "kept": list(self.kept),
            "inferences": [i.to_dict() for i in self.inferences],
        }


def split_source(text: str) -> tuple[Path, str | None]:
    """``FILE`` or ``FILE.xlsx#SHEET``."""
    path, sep, sheet = text.partition("#")
    return Path(path), (sheet if sep else None)


def table_name(path: Path, sheet: str | None) -> str:
    stem = path.stem if sheet is None else f"{path.stem}-{sheet}"
    name = re.sub(r"[^a-z0-9._-]+", "_", stem.lower()).strip("._-") or "table"
    return f"{name}_data" if name in RESERVED else name  # a name the build gives its log


def init_project(
    folder: Path,
    sources: list[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> InitResult:
    """Scaffold (or extend) the project in ``folder`` from ``sources``."""
    from statpub.package.atomic import staged_file, write_text

    existing = load_project(folder) if (folder / PROJECT_FILE).is_file() else None
    known = {t.name: t for t in existing.tables} if existing else {}
    result = InitResult(folder)
    specs: list[tuple[str, InputSpec, dict[str, Any]]] = []
    for text in sources:
        path, sheet = split_source(text)
        if not path.is_file():
            raise StatpubError(f"{text}: file not found", code="file-not-found", path=path)
        fmt = format_of(path)
        if sheet is not None and fmt != "xlsx":
            raise StatpubError(
                f"{text}: #SHEET names a sheet of an Excel workbook; {path.name} is {fmt}",
                code="bad-usage",
            )
        name = table_name(path, sheet)
        rel = _place(folder, path)
        entry: dict[str, Any] = {"name": name, "path": rel}
        if sheet is not None:
            entry["sheet"] = sheet
        spec = InputSpec(folder / rel, fmt, rel, sheet=sheet)
        if fmt in ("csv", "tsv"):
            spec.encoding = encoding or "utf-8"  # the reader refuses a file that is not
            if spec.encoding != "utf-8":
                entry["encoding"] = spec.encoding
            given = delimiter or _sniff(path, spec.encoding, fmt)
            if given != ("\t" if fmt == "tsv" else ","):
                spec.dialect = entry["dialect"] = {"delimiter": given}
        if name in known or any(n == name for n, _, _ in specs):
            if name in known and known[name].input.path.resolve() == (folder / rel).resolve():
                specs.append((name, spec, entry))
                continue
            raise StatpubError(
                f"{text}: a table named {name!r} is already in the project; rename the file",
                code="bad-usage",
            )
        specs.append((name, spec, entry))
    # Copy first: the schemas are inferred from the copies the project will build from.
    folder.mkdir(parents=True, exist_ok=True)
    for text, (name, spec, _) in zip(sources, specs, strict=True):
        source = split_source(text)[0]
        if not spec.path.exists():
            spec.path.parent.mkdir(parents=True, exist_ok=True)
            with staged_file(spec.path) as staged:
                shutil.copyfile(source, staged)  # the kernel copies: no bytes through Python
            result.written.append(spec.label)
        result.tables[name] = spec.label
    try:
        inferred = _infer(folder, specs, result)
        entries = [e for n, _, e in specs if n not in known]
        project_text = _project_file(folder, existing is not None, entries)
        _check_tables(folder / PROJECT_FILE, project_text, [*known, *(e["name"] for e in entries)])
    except BaseException:
        for rel in result.written:  # the inputs this run copied in: nothing half-written
            (folder / rel).unlink(missing_ok=True)
        raise
    files = {t.name: f"schemas/{t.name}.json" for t in inferred}
    for t in inferred:
        result.inferences += t.notes
        if files[t.name] in result.kept:
            continue
        (folder / "schemas").mkdir(exist_ok=True)
        text = json.dumps(t.schema, indent=2, ensure_ascii=False) + "\n"
        write_text(folder / files[t.name], text)
        result.written.append(files[t.name])
    write_text(folder / PROJECT_FILE, project_text)
    result.written.append(PROJECT_FILE)
    return result


def _infer(
    folder: Path, specs: list[tuple[str, InputSpec, dict[str, Any]]], result: InitResult
) -> list[Inferred]:
    """Each table's schema (an existing schema file is kept), keys and foreign keys."""
    inferred: list[Inferred] = []
    for name, spec, _ in specs:
        schema_rel = f"schemas/{name}.json"
        schema_path = folder / schema_rel
        table = infer_table(name, read_input(spec), schema_rel)
        if schema_path.is_file():
            from statpub.package.resolve import read_schema_file

            table.schema = read_schema_file(schema_path)
            table.notes = []
            result.kept.append(schema_rel)
        else:
            add_primary_key(table, schema_rel)
        table.codes.clear()  # only the search of a key reads them
        inferred.append(table)
    files = {t.name: f"schemas/{t.name}.json" for t in inferred}
    new = [t for t in inferred if files[t.name] not in result.kept]
    add_foreign_keys(new + [t for t in inferred if t not in new], files)
    return inferred


def _check_tables(path: Path, text: str, names: list[str]) -> None:
    """New tables are appended to the end of statpub.yml: refuse if that is not its tables: list."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = {}
    tables = data.get("tables") if isinstance(data, dict) else None
    found = [t.get("name") for t in tables or [] if isinstance(t, dict)]
    if found != names:
        raise StatpubError(
            f"{path}: new tables are added at the end of the file, but its last setting is not "
            "tables:; move tables: to the end, or add the tables to it by hand",
            code="project-invalid",
            path=path,
        )


def _place(folder: Path, path: Path) -> str:
    """Where the input lives in the project: where it is if inside, else data/NAME."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return f"data/{path.name}"


def _sniff(path: Path, encoding: str, fmt: str) -> str:
    """The delimiter of the header row: the most frequent of , ; TAB | outside quotes."""
    with path.open("rb") as fh:  # the delimiters are ASCII: a wrong encoding does not matter
        line = fh.readline(1 << 20)
    try:
        head = line.decode(encoding, errors="replace")
    except LookupError as exc:
        raise StatpubError(
            f"unknown text encoding {encoding[:40]!r}; give one Python knows (utf-8, cp1251, "
            "latin-1...)",
            code="encoding-error",
        ) from exc
    unquoted = re.sub(r'"[^"]*"', "", head)
    counts = {d: unquoted.count(d) for d in SNIFFED}
    best = max(SNIFFED, key=lambda d: counts[d])
    return best if counts[best] else ("\t" if fmt == "tsv" else ",")


def _project_file(folder: Path, exists: bool, entries: list[dict[str, Any]]) -> str:
    import yaml

    path = folder / PROJECT_FILE
    tables = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True) if entries else ""
    if exists:
        text = path.read_text(encoding="utf-8")
        if not tables:
            return text
        indented = "".join(f"  {line}\n" for line in tables.splitlines())
        return text.rstrip("\n") + "\n" + indented
    name = table_name(Path(folder.resolve().name), None)
    head = (
        "# The project file of a statpub project (see docs/projects.md).\n"
        "# Package metadata: fill in title, description, licenses, contributors, sources.\n"
        f"name: {name}\n"
        f"title: {json.dumps(folder.resolve().name)}\n"
        "# description: What the tables hold, where they come from.\n"
        "# licenses:\n"
        "#   - name: CC-BY-4.0\n"
        "#     path: https://creativecommons.org/licenses/by/4.0/\n"
        "# contributors:\n"
        "#   - title: Your organisation\n"
        "#     roles: [creator]\n"
        "# keywords: [population]\n"
        "# Languages, the default first; each translation beside its text (docs/languages.md):\n"
        "# languages: [kk, ru, en]\n"
        "# title@ru: ...\n"
        "# Tables: name, path (relative to this file); CSV: encoding, dialect; Excel: sheet.\n"
        "# Each table's Table Schema is schemas/NAME.json.\n"
        "tables:\n"
    )
    return head + "".join(f"  {line}\n" for line in tables.splitlines())
