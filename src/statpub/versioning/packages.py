"""Open any Data Package for comparison, and read its tables as canonical text.

A side of a comparison is a package folder, a descriptor path, or ``REF:PATH``
naming a package folder (or descriptor) in a commit of the git repository the
command runs in. Cells are read into one canonical text form per Table Schema
type, so ``1.0`` and ``1`` in a number field, or a Parquet date and its CSV
text, compare equal; the CSV form statpub writes is already canonical, so the
old and new values reported are the text a consumer sees in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import gzip
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.errors import StatpubError
from statpub.tables.csvio import format_number

TABULAR_FORMATS = ("csv", "tsv", "parquet")
_BATCH_ROWS = 65_536
_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_DEFAULT_FALSE = ("false", "False", "FALSE", "0")
_NOT_NUMERIC = re.compile(r"^[^\d+\-.]+|[^\d.]+$")

Row = tuple[str | None, ...]


@dataclass
class Package:
    descriptor: dict[str, Any]
    base_dir: Path
    label: str

    @property
    def version(self) -> str | None:
        v = self.descriptor.get("version")
        return v if isinstance(v, str) else None

    @property
    def resources(self) -> list[dict[str, Any]]:
        res = self.descriptor.get("resources")
        return [r for r in res if isinstance(r, dict)] if isinstance(res, list) else []

    def resource(self, name: str) -> dict[str, Any] | None:
        for res in self.resources:
            if res.get("name") == name:
                return res
        return None

    def schema(self, res: dict[str, Any]) -> dict[str, Any] | None:
        """The resource's Table Schema, inline or from its path; None when it has none."""
        schema = res.get("schema")
        if isinstance(schema, str):
            if "://" in schema:
                raise StatpubError(
                    f"{self.label}: resource {res.get('name')!r} has a remote schema {schema!r}; "
                    "download the package with its schemas first",
                    code="remote-resource",
                )
            try:
                schema = json.loads((self.base_dir / schema).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise StatpubError(
                    f"{self.label}: cannot read the Table Schema {schema!r} of resource "
                    f"{res.get('name')!r}: {exc}",
                    code="schema-error",
                ) from exc
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            return None
        return schema


def load_package(path: Path, label: str | None = None) -> Package:
    from statpub.validate.target import resolve

    target = resolve(path)
    return Package(
        descriptor=target.descriptor, base_dir=target.base_dir, label=label or target.label
    )


@contextmanager
def open_package(spec: str | Path, *, repo: Path | None = None) -> Iterator[Package]:
    """The package at ``spec``: a path, or ``REF:PATH`` in the git repository ``repo``."""
    path = Path(spec)
    if path.exists() or ":" not in str(spec):
        yield load_package(path, label=str(spec))
        return
    ref, _, inner = str(spec).partition(":")
    with git_checkout(ref, inner or ".", repo or Path.cwd()) as folder:
        yield load_package(folder, label=str(spec))


@contextmanager
def git_checkout(ref: str, inner: str, repo: Path) -> Iterator[Path]:
    """Extract ``inner`` as it is in commit ``ref`` of ``repo`` into a temporary folder."""

    def git(*args: str) -> bytes:
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
        except OSError as exc:
            raise StatpubError(f"cannot run git: {exc}", code="git-error") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise StatpubError(
                f"{ref}:{inner}: not a package in git ({message}); write REF:PATH with a commit, "
                "branch or tag of this repository and a path inside it",
                code="git-ref-not-found",
            )
        return done.stdout

    git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    prefix = git("rev-parse", "--show-prefix").decode().strip()
    inner_path = PurePosixPath(prefix) / inner if prefix else PurePosixPath(inner)
    # A descriptor needs the files beside it: take its whole folder.
    folder = inner_path.parent if inner_path.suffix == ".json" else inner_path
    archive = git("archive", "--format=tar", ref, "--", str(folder))
    tmp = Path(tempfile.mkdtemp(prefix="statpub-git-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield tmp / inner_path
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# Reading tables


def resource_format(res: dict[str, Any]) -> str | None:
    fmt = res.get("format")
    if isinstance(fmt, str):
        return fmt.lower()
    path = res.get("path")
    first = path[0] if isinstance(path, list) and path else path
    if not isinstance(first, str):
        return None
    p = PurePosixPath(first[:-3] if first.endswith(".gz") else first)
    return p.suffix.lower().lstrip(".") or None


def resource_paths(res: dict[str, Any]) -> list[str]:
    path = res.get("path")
    if isinstance(path, str):
        return [path]
    if isinstance(path, list):
        return [p for p in path if isinstance(p, str)]
    return []


def is_tabular(res: dict[str, Any]) -> bool:
    if "data" in res:
        return isinstance(res["data"], list)
    return resource_format(res) in TABULAR_FORMATS


def read_rows(pkg: Package, res: dict[str, Any], fields: list[dict[str, Any]]) -> Iterator[Row]:
    """Every row of ``res`` as canonical text, one cell per field of ``fields``."""
    if "data" in res:
        yield from _inline_rows(res["data"], fields, _missing(pkg.schema(res) or {}))
        return
    paths = resource_paths(res)
    for p in paths:
        if "://" in p:
            raise StatpubError(
                f"{pkg.label}: resource {res.get('name')!r} is remote ({p}); download it first",
                code="remote-resource",
            )
    files = [pkg.base_dir / p for p in paths]
    for f in files:
        if not f.is_file():
            raise StatpubError(
                f"{pkg.label}: resource {res.get('name')!r} points to {f.name}, "
                "which does not exist",
                code="file-not-found",
            )
    if resource_format(res) == "parquet":
        for f in files:
            yield from _parquet_rows(f, fields)
        return
    dialect = res.get("dialect")
    if isinstance(dialect, str):
        try:
            dialect = json.loads((pkg.base_dir / dialect).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StatpubError(f"{pkg.label}: cannot read dialect {dialect!r}: {exc}") from exc
    options = _csv_options(dialect if isinstance(dialect, dict) else {}, resource_format(res))
    encoding = str(res.get("encoding") or "utf-8")
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    schema = pkg.schema(res) or {}
    for f in files:
        yield from _csv_rows(f, encoding, options, fields, _missing(schema))


def _missing(schema: dict[str, Any]) -> list[str]:
    values = schema.get("missingValues", [""])
    return [v["value"] if isinstance(v, dict) else str(v) for v in values]


def _csv_options(dialect: dict[str, Any], fmt: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "delimiter": "\t" if fmt == "tsv" else ",",
        "quotechar": '"',
        "doublequote": True,
        "escapechar": None,
        "skipinitialspace": False,
    }
    keys = {
        "delimiter": "delimiter",
        "quoteChar": "quotechar",
        "doubleQuote": "doublequote",
        "escapeChar": "escapechar",
        "skipInitialSpace": "skipinitialspace",
    }
    for theirs, ours in keys.items():
        if theirs in dialect:
            out[ours] = dialect[theirs]
    header = dialect.get("header", True)
    rows = dialect.get("headerRows", [1] if header else [])
    out["header_rows"] = len(rows) if isinstance(rows, list) else 1
    out["comment"] = dialect.get("commentChar")
    return out


def _csv_rows(
    path: Path,
    encoding: str,
    options: dict[str, Any],
    fields: list[dict[str, Any]],
    missing: list[str],
) -> Iterator[Row]:
    opts = dict(options)
    header_rows = opts.pop("header_rows")
    comment = opts.pop("comment")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding=encoding, newline="") as fh:
            lines = (line for line in fh if not (comment and line.startswith(comment)))
            reader = csv.reader(lines, strict=False, **opts)
            header: list[str] = []
            for _ in range(header_rows):
                header = next(reader, [])
            index = _column_index(header, fields)
            plan = [
                (i, _field_missing(f, missing), text_converter(f))
                for i, f in zip(index, fields, strict=True)
            ]
            full = [(i, miss, c) for i, miss, c in plan if i is not None]
            width = max((i for i, _, _ in full), default=-1) + 1
            for record in reader:
                if not record:
                    continue
                if len(full) == len(plan) and len(record) >= width:
                    # The common case, kept to one comprehension: it runs for every row.
                    yield tuple(
                        [
                            None if (v := record[i]) in miss else (c(v) if c else v)
                            for i, miss, c in full
                        ]
                    )
                else:
                    yield _ragged(record, plan)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise StatpubError(
            f"{path.name}: cannot read as CSV ({exc}); check its encoding and dialect",
            code="source-error",
        ) from exc


Plan = list[tuple[int | None, frozenset[str], "Callable[[str], str] | None"]]


def _ragged(record: list[str], plan: Plan) -> Row:
    """A record with fewer cells than the header: the missing cells are empty."""
    return tuple(
        None
        if i is None or i >= len(record) or record[i] in miss
        else (c(record[i]) if c else record[i])
        for i, miss, c in plan
    )


def _field_missing(field: dict[str, Any], missing: list[str]) -> frozenset[str]:
    if "missingValues" in field:
        return frozenset(_missing({"missingValues": field["missingValues"]}))
    return frozenset(missing)


def _column_index(header: list[str], fields: list[dict[str, Any]]) -> list[int | None]:
    names = [f["name"] for f in fields]
    if header and any(n in header for n in names):
        return [header.index(n) if n in header else None for n in names]
    return list(range(len(names)))


def _parquet_rows(path: Path, fields: list[dict[str, Any]]) -> Iterator[Row]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    available = set(pf.schema_arrow.names)
    wanted = [f["name"] for f in fields if f["name"] in available]
    for batch in pf.iter_batches(batch_size=_BATCH_ROWS, columns=wanted):
        columns = {name: batch.column(name).to_pylist() for name in wanted}
        blank = [None] * batch.num_rows
        cols = [columns.get(f["name"], blank) for f in fields]
        for values in zip(*cols, strict=True):
            yield tuple(canonical_value(v, f) for v, f in zip(values, fields, strict=True))


def _inline_rows(
    data: list[Any], fields: list[dict[str, Any]], missing: list[str]
) -> Iterator[Row]:
    names = [f["name"] for f in fields]
    header: list[Any] | None = None
    for item in data:
        if isinstance(item, dict):
            values = [item.get(n) for n in names]
        elif isinstance(item, list):
            if header is None:
                header = item
                continue
            values = [
                item[header.index(n)] if n in header and header.index(n) < len(item) else None
                for n in names
            ]
        else:
            continue
        yield tuple(
            None if isinstance(v, str) and v in missing else canonical_value(v, f)
            for v, f in zip(values, fields, strict=True)
        )


def canonical_text(text: str, field: dict[str, Any]) -> str:
    """One lexical form per value: numbers, booleans and dates normalised, others as written."""
    convert = text_converter(field)
    return convert(text) if convert else text


def text_converter(field: dict[str, Any]) -> Callable[[str], str] | None:
    """The function giving a cell's canonical text for this field; None when it is the text.

    Built once per field, since it runs for every cell. Text that does not parse
    as the field's type is kept as written: it differs from any valid value.
    """
    ftype = field.get("type", "any")
    lexical = field.get("groupChar") or field.get("decimalChar", ".") != "."
    lexical = lexical or field.get("bareNumber") is False
    if ftype in ("number", "integer", "year"):
        parse: Callable[[str], str] = _number if ftype == "number" else _integer
        if not lexical:
            return parse
        return lambda t: parse(_numeric_text(t, field))
    if ftype == "boolean":
        true = set(field.get("trueValues", _DEFAULT_TRUE))
        false = set(field.get("falseValues", _DEFAULT_FALSE))
        return lambda t: "true" if t in true else ("false" if t in false else t)
    if field.get("format", "default") != "default":
        return None
    if ftype == "date":
        return lambda t: _or_text(lambda x: dt.date.fromisoformat(x).isoformat(), t)
    if ftype == "datetime":
        return lambda t: _or_text(
            lambda x: _datetime_text(dt.datetime.fromisoformat(x.replace("Z", "+00:00"))), t
        )
    return None


def _or_text(parse: Callable[[str], str], text: str) -> str:
    try:
        return parse(text)
    except ValueError:
        return text


def _plain_digits(text: str) -> bool:
    """Already canonical as a whole number: digits without a leading zero."""
    return text.isdigit() and (text[0] != "0" or text == "0") and text.isascii()


def _number(text: str) -> str:
    # Inlined for speed: this runs once per numeric cell.
    if _plain_digits(text):
        return text
    try:
        return format_number(float(text))
    except ValueError:
        return text


def _integer(text: str) -> str:
    if _plain_digits(text):
        return text
    try:
        return str(int(text))
    except ValueError:
        return text


def _numeric_text(text: str, field: dict[str, Any]) -> str:
    s = text.strip()
    if field.get("groupChar"):
        s = s.replace(field["groupChar"], "")
    if field.get("decimalChar", ".") != ".":
        s = s.replace(field["decimalChar"], ".")
    if field.get("bareNumber") is False:
        s = _NOT_NUMERIC.sub("", s)
    return s


def canonical_value(value: Any, field: dict[str, Any]) -> str | None:
    """The canonical text of a typed value (from Parquet or inline JSON data)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if field.get("type") != "number" else format_number(float(value))
    if isinstance(value, float):
        if field.get("type") in ("integer", "year") and value.is_integer():
            return str(int(value))
        return format_number(value)
    if isinstance(value, decimal.Decimal):
        return format_number(float(value))
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return canonical_text(value, field)
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()
