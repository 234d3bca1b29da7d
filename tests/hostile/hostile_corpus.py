"""A corpus of hostile and broken Data Packages, generated rather than committed.

Each :class:`Case` writes one package folder. Most start from a copy of the
package statpub builds (so every command gets as far as it can: the page needs
its tables, the publishers need intact files) and then break one thing, the
way a stranger's pull request would; the hashes and sizes are then made to
match again (:func:`seal`), since a hostile author would do that too.

Secrets are planted outside the packages (:class:`Outside`): a file holding
``FILE_SECRET`` beside the corpus, and ``ENV_SECRET`` in the environment of
every command. No output of any command may contain either.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

FILE_SECRET = "statpub-file-secret-7f3c9e1d"
ENV_SECRET = "statpub-env-secret-2b8a6d4f"
ENV_NAME = "STATPUB_HOSTILE_SECRET"
EVIL_HREF = "javascript:alert(document.domain)"


@dataclass(frozen=True)
class Outside:
    """Files outside every package, which no command may read or quote."""

    root: Path  # the corpus folder; packages are in root/cases/<name>

    @property
    def secret_txt(self) -> Path:
        return self.root / "secret.txt"

    @property
    def secret_csv(self) -> Path:
        return self.root / "secret.csv"

    @property
    def secret_json(self) -> Path:
        return self.root / "secret.json"

    @property
    def secret_dir(self) -> Path:
        return self.root / "secret-dir"

    def plant(self) -> None:
        self.secret_txt.write_text(f"{FILE_SECRET}\nroot:x:0:0\n", encoding="utf-8")
        self.secret_csv.write_text(f"id,name\n1,{FILE_SECRET}\n", encoding="utf-8")
        # Valid JSON of a schema's and a dialect's shape: read, it would be used.
        self.secret_json.write_text(
            json.dumps({"fields": [{"name": FILE_SECRET, "type": "string"}], "delimiter": ","}),
            encoding="utf-8",
        )
        self.secret_dir.mkdir(exist_ok=True)
        (self.secret_dir / "observations.csv").write_text(f"id\n{FILE_SECRET}\n", encoding="utf-8")


Build = Callable[[Path, Outside], None]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # the class of the issue it covers
    build: Build
    expect: frozenset[str] = frozenset()  # issue types `validate --json` must report
    valid: bool = False  # validate must exit 0 (a nasty but valid package)
    base: bool = True  # start from the built package
    git: bool = False  # the package is committed in a git repository: diff HEAD:pkg too
    notes: dict[str, Any] = field(default_factory=dict, compare=False)


# Helpers


def descriptor(pkg: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    return data


def write_descriptor(pkg: Path, data: Any) -> None:
    (pkg / "datapackage.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def edit(pkg: Path, change: Callable[[dict[str, Any]], None]) -> None:
    d = descriptor(pkg)
    change(d)
    write_descriptor(pkg, d)


def resource(d: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in d["resources"] if r.get("name") == name)
    return found


def seal(pkg: Path) -> None:
    """Make every declared hash and size match its (local, regular) file again."""
    d = descriptor(pkg)
    for res in d.get("resources", []):
        if not isinstance(res, dict) or not isinstance(res.get("path"), str):
            continue
        path = pkg / res["path"]
        if "hash" not in res and "bytes" not in res:
            continue
        if ".." in res["path"] or path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if isinstance(res.get("hash"), str) and res["hash"].startswith("sha256:"):
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        if isinstance(res.get("bytes"), int):
            res["bytes"] = len(data)
    write_descriptor(pkg, d)


def add_table(
    pkg: Path,
    name: str,
    path: str,
    fields: list[Any] | None = None,
    content: bytes | None = None,
    **props: Any,
) -> None:
    """Add a resource (a table, unless ``props`` say otherwise) to the package."""
    if content is not None:
        (pkg / path).parent.mkdir(parents=True, exist_ok=True)
        (pkg / path).write_bytes(content)
    entry: dict[str, Any] = {"name": name, "path": path, **props}
    if fields is not None and "schema" not in props:
        entry["schema"] = {"fields": fields}
    if "format" not in entry and path.endswith(".csv"):
        entry["format"] = "csv"
    edit(pkg, lambda d: d["resources"].append(entry))


def string_fields(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "type": "string"} for n in names]


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def simple(extra: dict[str, Any] | None = None) -> Build:
    """A package of one small CSV table, with ``extra`` merged into its resource."""

    def build(pkg: Path, out: Outside) -> None:
        (pkg / "data.csv").write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
        res: dict[str, Any] = {
            "name": "t",
            "path": "data.csv",
            "schema": {"fields": [{"name": "id", "type": "integer"}, string_fields("name")[0]]},
        }
        res.update(extra or {})
        write_descriptor(pkg, {"name": "t", "version": "1.0.0", "resources": [res]})

    return build


def raw_descriptor(text: str | bytes) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (pkg / "datapackage.json").write_bytes(data)

    return build


def change(fn: Callable[[dict[str, Any]], None]) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        edit(pkg, fn)

    return build


def set_resource(target: str, /, **props: Any) -> Build:
    def fn(d: dict[str, Any]) -> None:
        resource(d, target).update(props)

    return change(fn)


def in_schema(path: str, fn: Callable[[dict[str, Any]], None]) -> Build:
    """Edit a schema file of the built package."""

    def build(pkg: Path, out: Outside) -> None:
        schema_path = pkg / path
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        fn(schema)
        schema_path.write_text(json.dumps(schema), encoding="utf-8")

    return build


def field_of(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in schema["fields"] if f["name"] == name)
    return found


# Path escapes


def _symlink_out(pkg: Path, out: Outside) -> None:
    (pkg / "data" / "link.csv").symlink_to(out.secret_csv)
    add_table(pkg, "link", "data/link.csv", string_fields("id", "name"))


def _symlink_dir_out(pkg: Path, out: Outside) -> None:
    (pkg / "more").symlink_to(out.secret_dir, target_is_directory=True)
    add_table(pkg, "more", "more/observations.csv", string_fields("id"))


def _symlink_relative_out(pkg: Path, out: Outside) -> None:
    (pkg / "data" / "up.csv").symlink_to(Path("..") / ".." / ".." / "secret.csv")
    add_table(pkg, "up", "data/up.csv", string_fields("id", "name"))


def _schema_symlink_out(pkg: Path, out: Outside) -> None:
    (pkg / "schemas" / "evil.json").symlink_to(out.secret_json)
    add_table(pkg, "evil", "data/extra.csv", content=b"id\n1\n", schema="schemas/evil.json")


def _descriptor_symlink_out(pkg: Path, out: Outside) -> None:
    (pkg / "datapackage.json").unlink()
    (pkg / "datapackage.json").symlink_to(out.secret_json)


def _datacard_symlink_out(pkg: Path, out: Outside) -> None:
    for name in ("README.md", "CHANGELOG.md"):
        (pkg / name).unlink()
        (pkg / name).symlink_to(out.secret_txt)


def _symlink_loop(pkg: Path, out: Outside) -> None:
    (pkg / "data" / "loop.csv").symlink_to("loop.csv")
    add_table(pkg, "loop", "data/loop.csv", string_fields("id"))


# Non-regular files


def _fifo(pkg: Path, out: Outside) -> None:
    os.mkfifo(pkg / "data" / "pipe.csv")
    add_table(pkg, "pipe", "data/pipe.csv", string_fields("id"))


def _fifo_everywhere(pkg: Path, out: Outside) -> None:
    for name in ("README.md", "CHANGELOG.md"):
        (pkg / name).unlink()
        os.mkfifo(pkg / name)
    os.mkfifo(pkg / "schemas" / "pipe.json")
    add_table(pkg, "pipe", "data/extra.csv", content=b"id\n1\n", schema="schemas/pipe.json")


def _fifo_descriptor(pkg: Path, out: Outside) -> None:
    (pkg / "datapackage.json").unlink()
    os.mkfifo(pkg / "datapackage.json")


def _dev_zero(pkg: Path, out: Outside) -> None:
    (pkg / "data" / "zero.csv").symlink_to("/dev/zero")
    add_table(pkg, "zero", "data/zero.csv", string_fields("id"))
    (pkg / "schemas" / "zero.json").symlink_to("/dev/zero")
    add_table(pkg, "zero2", "data/extra.csv", content=b"id\n1\n", schema="schemas/zero.json")


def _directory(pkg: Path, out: Outside) -> None:
    add_table(pkg, "folder", "data", string_fields("id"))
    add_table(pkg, "folder2", "schemas/", string_fields("id"))


# Zip-slip and writes outside the output folder


def _identity(**props: Any) -> Build:
    def fn(d: dict[str, Any]) -> None:
        d.update(props)

    return change(fn)


# Pathological patterns


def _pattern(pattern: Any, cells: list[str], **more: Any) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        text = "id,code\n" + "".join(f'{i},"{c}"\n' for i, c in enumerate(cells, start=1))
        constraints = {"pattern": pattern, **more}
        fields = [
            {"name": "id", "type": "integer"},
            {"name": "code", "type": "string", "constraints": constraints},
        ]
        add_table(pkg, "codes", "data/codes.csv", fields, text.encode("utf-8"))

    return build


EVIL_CELL = "a" * 40 + "\u00e9"  # 41 characters, not ASCII: no fast path before RE2


# Size


def _wide_csv(columns: int, fields: int | None = None) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        header = ",".join(f"c{i}" for i in range(columns))
        row = ",".join("1" for _ in range(columns))
        content = f"{header}\n{row}\n".encode()
        add_table(
            pkg,
            "wide",
            "data/wide.csv",
            string_fields(*(f"c{i}" for i in range(fields or 1))),
            content,
        )

    return build


def _wide_parquet(pkg: Path, out: Outside) -> None:
    n = 12_000
    table = pa.table({f"c{i}": pa.array([1], pa.int64()) for i in range(n)})
    add_table(
        pkg,
        "wide",
        "data/wide.parquet",
        [{"name": "c0", "type": "integer"}],
        parquet_bytes(table),
        format="parquet",
    )


def _huge_cell(size: int, quoted: bool) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        cell = "x" * size
        if quoted:
            cell = '"' + cell[: size // 2] + "\n" + cell[size // 2 + 1 :] + '"'
        content = f"id,text\n1,{cell}\n2,short\n".encode()
        fields = [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}]
        add_table(pkg, "big", "data/big.csv", fields, content, schema={
            "fields": fields, "primaryKey": ["id"]})  # fmt: skip

    return build


def _long_line(pkg: Path, out: Outside) -> None:
    content = b"id\n" + b"7" * (80 << 20)  # one line of 80 MB, no newline
    add_table(pkg, "line", "data/line.csv", [{"name": "id", "type": "string"}], content)


# Dialects and encodings


def _dialect(dialect: Any, content: bytes = b"id,name\n1,a\n") -> Build:
    def build(pkg: Path, out: Outside) -> None:
        add_table(pkg, "d", "data/d.csv", string_fields("id", "name"), content, dialect=dialect)

    return build


def _encoding(encoding: Any, content: bytes = "id,name\n1,\u00e9\n".encode()) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        add_table(pkg, "e", "data/e.csv", string_fields("id", "name"), content, encoding=encoding)

    return build


# Parquet


def _parquet(table: pa.Table | bytes, fields: list[Any], **schema: Any) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        content = table if isinstance(table, bytes) else parquet_bytes(table)
        add_table(
            pkg, "pq", "data/pq.parquet", content=content, format="parquet",
            schema={"fields": fields, **schema},
        )  # fmt: skip

    return build


def _truncated_parquet() -> bytes:
    whole = parquet_bytes(pa.table({"id": pa.array(range(1000), pa.int64())}))
    return whole[: len(whole) // 2]


def _bad_utf8_parquet() -> pa.Table:
    data = b"ok\xff\xfe"
    offsets = pa.py_buffer(bytes([0, 0, 0, 0, len(data), 0, 0, 0]))
    arr = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(data)])
    return pa.table({"name": arr.view(pa.string())})


# Descriptors of the wrong shape


def _deep(depth: int) -> str:
    return '{"resources": ' + "[" * depth + "]" * depth + "}"


def _yaml_deep(pkg: Path, out: Outside) -> None:
    (pkg / "datapackage.yaml").write_text("resources: " + "[" * 100_000 + "]" * 100_000)


def _deep_schema(pkg: Path, out: Outside) -> None:
    (pkg / "schemas" / "deep.json").write_text(_deep(100_000), encoding="utf-8")
    add_table(pkg, "deep", "data/extra.csv", content=b"id\n1\n", schema="schemas/deep.json")


def _surrogate_schema(pkg: Path, out: Outside) -> None:
    (pkg / "schemas" / "s.json").write_text('{"fields": [{"name": "\\udc80"}]}', encoding="utf-8")
    add_table(pkg, "s", "data/extra.csv", content=b"id\n1\n", schema="schemas/s.json")


def _sparse_descriptor(pkg: Path, out: Outside) -> None:
    with (pkg / "datapackage.json").open("wb") as fh:
        fh.truncate(65 << 20)  # over the cap: refused before it is read


def _gzip_bomb(pkg: Path, out: Outside) -> None:
    member = gzip.compress(b"0" * (16 << 20), compresslevel=9)
    content = gzip.compress(b"id\n") + member * 16  # 256 MiB of zeros in 16 gzip members
    add_table(pkg, "bomb", "data/bomb.csv.gz", [{"name": "id", "type": "string"}], content)


# Links on the page


def _links(pkg: Path, out: Outside) -> None:
    def fn(d: dict[str, Any]) -> None:
        d["licenses"][0]["path"] = EVIL_HREF
        d["sources"] = [
            {"title": "tab", "path": "java\tscript:alert(1)"},
            {"title": "upper", "path": " JaVaScRiPt:alert(1)"},
            {"title": "data", "path": "data:text/html,<script>alert(1)</script>"},
            {"title": "<script>alert(1)</script>", "path": "vbscript:msgbox"},
        ]
        d["title"] = "</title><script>alert(1)</script>"
        d["description"] = '"><img src=x onerror=alert(1)>'
        d["contributors"] = [{"title": "<b onmouseover=alert(1)>x</b>", "roles": ["creator"]}]

    edit(pkg, fn)
    with (pkg / "CHANGELOG.md").open("a", encoding="utf-8") as fh:
        fh.write(
            f"\n- [click]({EVIL_HREF})\n- [data](data:text/html,x) <javascript:alert(1)>\n"
            '- <img src=x onerror=alert(1)> [ok](https://example.org/"onmouseover="x)\n'
        )


# A package committed to git with a symlink that leaves it


def _git(pkg: Path, out: Outside) -> None:
    (pkg / "data" / "passwd.csv").symlink_to("/etc/passwd")
    (pkg / "data" / "up.csv").symlink_to(Path("..") / ".." / ".." / "secret.csv")
    add_table(pkg, "passwd", "data/passwd.csv", string_fields("id"))
    add_table(pkg, "up", "data/up.csv", string_fields("id", "name"))


def commit(folder: Path) -> None:
    """Make ``folder`` (holding ``pkg/``) a git repository with one commit."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(folder), *args],
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org",
            },
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "hostile")


# Integers and numbers beyond float64/int64


def _big_integers(pkg: Path, out: Outside) -> None:
    big = 2**70
    rows = [(big, big), (big + 1, 2**64), (-big, 0), (2**63, 2**63), (f"+0{big}", -big)]
    text = "id,n\n" + "".join(f"{a},{b}\n" for a, b in rows)
    fields = [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {
            "name": "n",
            "type": "integer",
            "constraints": {"minimum": 0, "maximum": 2**80, "enum": [0, big, 2**64, 2**63]},
        },
    ]
    add_table(pkg, "big", "data/big.csv", content=text.encode(), schema={
        "fields": fields, "primaryKey": ["id"]})  # fmt: skip


def _uint64(pkg: Path, out: Outside) -> None:
    values = pa.array([0, 2**63, 2**64 - 1], pa.uint64())
    _parquet(
        pa.table({"id": values}),
        [{"name": "id", "type": "integer", "constraints": {"minimum": 0, "unique": True}}],
        primaryKey=["id"],
    )(pkg, out)


def _timestamp_ns(pkg: Path, out: Outside) -> None:
    ts = pa.array([1_700_000_000_123_456_789, None], pa.timestamp("ns"))
    _parquet(
        pa.table({"at": ts, "d": pa.array([1, 2], pa.duration("ns"))}),
        [{"name": "at", "type": "datetime"}, {"name": "d", "type": "duration"}],
        primaryKey=["at"],
    )(pkg, out)


def _odd_parquet(pkg: Path, out: Outside) -> None:
    table = pa.table(
        {
            "l": pa.array([[1, 2], None], pa.list_(pa.int64())),
            "dec": pa.array([1, 2], pa.decimal128(38, 0)),
            "u8": pa.array([1, 2], pa.uint8()),
            "b": pa.array([b"\x00", b"\xff"], pa.binary()),
        }
    )
    fields = [
        {"name": "l", "type": "integer"},
        {"name": "dec", "type": "integer"},
        {"name": "u8", "type": "number"},
        {"name": "b", "type": "string"},
    ]
    _parquet(table, fields, primaryKey=["l", "dec"], uniqueKeys=[["b"]])(pkg, out)


def _number_keys(pkg: Path, out: Outside) -> None:
    text = "x\n0.1\n0.10000000000000001\n1e400\n-0\n0\n"
    fields = [{"name": "x", "type": "number"}]
    add_table(pkg, "nums", "data/nums.csv", content=text.encode(), schema={
        "fields": fields, "primaryKey": ["x"]})  # fmt: skip


def _hex_integer(pkg: Path, out: Outside) -> None:
    text = "n\n0x10\n1_000\n\u0661\n+5\n"
    add_table(pkg, "hex", "data/hex.csv", [{"name": "n", "type": "integer"}], text.encode())


C = Case
F = frozenset
OBS = "schemas/observations.json"

CASES: list[Case] = [
    # path escapes
    C(
        "path-dotdot",
        "path",
        set_resource("observations", path="../../secret.csv"),
        F({"path-unsafe"}),
    ),
    C(
        "path-absolute",
        "path",
        set_resource("observations", path="/etc/passwd"),
        F({"path-unsafe"}),
    ),
    C(
        "path-proc-environ",
        "path",
        set_resource("observations", path="/proc/self/environ"),
        F({"path-unsafe"}),
    ),
    C(
        "path-backslash",
        "path",
        set_resource("observations", path="..\\..\\secret.csv"),
        F({"path-unsafe"}),
    ),
    C("path-drive", "path", set_resource("observations", path="C:/secret.csv"), F({"path-unsafe"})),
    C(
        "path-nul",
        "path",
        set_resource("observations", path="data/observations.csv\x00.txt"),
        F({"path-unsafe"}),
    ),
    C(
        "path-list-escape",
        "path",
        set_resource("observations", path=["data/observations.csv", "../../secret.csv"]),
        F({"path-unsafe"}),
    ),
    C("path-file-url", "path", set_resource("observations", path="file:///etc/passwd")),
    C("path-symlink-out", "path", _symlink_out, F({"path-unsafe"})),
    C("path-symlink-relative-out", "path", _symlink_relative_out, F({"path-unsafe"})),
    C("path-symlink-dir-out", "path", _symlink_dir_out, F({"path-unsafe"})),
    C("path-symlink-loop", "path", _symlink_loop, F({"path-unsafe"})),
    C(
        "schema-path-out",
        "path",
        set_resource("observations", schema="../../secret.json"),
        F({"path-unsafe"}),
    ),
    C(
        "schema-path-absolute",
        "path",
        set_resource("observations", schema="/etc/passwd"),
        F({"path-unsafe"}),
    ),
    C("schema-symlink-out", "path", _schema_symlink_out, F({"path-unsafe"})),
    C(
        "dialect-path-out",
        "path",
        set_resource("observations", dialect="../../secret.json"),
        F({"path-unsafe"}),
    ),
    C(
        "dialect-path-proc",
        "path",
        set_resource("observations", dialect="/proc/self/environ"),
        F({"path-unsafe"}),
    ),
    C("descriptor-symlink-out", "path", _descriptor_symlink_out, F({"path-unsafe"})),
    C("datacard-symlink-out", "path", _datacard_symlink_out),
    # zip-slip: names and versions that are paths
    C("zip-name-dotdot", "zip", _identity(name="../../../escaped")),
    C("zip-name-absolute", "zip", _identity(name="/tmp/escaped")),
    C("zip-name-backslash", "zip", _identity(name="..\\..\\escaped")),
    C("zip-version-dotdot", "zip", _identity(version="../../1.0.0"), F({"version-not-semver"})),
    C("zip-name-dots", "zip", _identity(name="..", version=".")),
    C("zip-name-number", "zip", _identity(name=5, version=["1"])),
    C("zip-name-unicode", "zip", _identity(name="\u202e/\u2215..\u2215x", version="1.0.0+\u0000")),
    # non-regular files
    C("fifo-resource", "nonregular", _fifo, F({"file-not-regular"})),
    C("fifo-everywhere", "nonregular", _fifo_everywhere, F({"file-not-regular"})),
    C("fifo-descriptor", "nonregular", _fifo_descriptor),
    C("dev-zero", "nonregular", _dev_zero, F({"path-unsafe"})),
    C("directory-resource", "nonregular", _directory, F({"file-not-regular", "path-unsafe"})),
    # patterns
    C(
        "pattern-redos-nonascii",
        "pattern",
        _pattern("(a+)+$", [EVIL_CELL] * 3),
        F({"constraint-error"}),
    ),
    C(
        "pattern-redos-newline",
        "pattern",
        _pattern("(a+)+$", ["a" * 40 + "\n!"]),
        F({"constraint-error"}),
    ),
    C(
        "pattern-redos-nested",
        "pattern",
        _pattern("(a|aa)*c", ["\u00e9" + "a" * 60]),
        F({"constraint-error"}),
    ),
    C("pattern-backreference", "pattern", _pattern("(a)\\1", ["aa"]), F({"schema-error"})),
    C("pattern-lookahead", "pattern", _pattern("(?=a)a", ["\u00e9"]), F({"schema-error"})),
    C("pattern-invalid", "pattern", _pattern("(", ["a"]), F({"schema-error"})),
    C("pattern-huge", "pattern", _pattern("((a{100}){100}){100}", ["a"]), F({"schema-error"})),
    C("pattern-not-string", "pattern", _pattern(5, ["a"]), F({"schema-error"})),
    # size
    C("csv-100k-columns", "size", _wide_csv(100_000), F({"table-too-wide"})),
    C("csv-100k-fields", "size", _wide_csv(100_000, 100_000), F({"table-too-wide"})),
    C("parquet-12k-columns", "size", _wide_parquet, F({"table-too-wide"})),
    C("cell-10mb", "size", _huge_cell(10 << 20, False), valid=True),
    C("cell-10mb-quoted", "size", _huge_cell(10 << 20, True), valid=True),
    C("cell-40mb", "size", _huge_cell(40 << 20, False), F({"cell-too-large"})),
    C("line-80mb", "size", _long_line, F({"cell-too-large"})),
    # dialects
    C("dialect-empty-delimiter", "dialect", _dialect({"delimiter": ""}), F({"dialect-error"})),
    # Table Dialect allows a longer delimiter; statpub does not read one.
    C(
        "dialect-long-delimiter",
        "dialect",
        _dialect({"delimiter": ",,"}),
        F({"dialect-not-supported"}),
    ),
    C("dialect-newline-delimiter", "dialect", _dialect({"delimiter": "\n"}), F({"dialect-error"})),
    C(
        "dialect-quote-is-delimiter",
        "dialect",
        _dialect({"delimiter": '"', "quoteChar": '"'}),
        F({"dialect-error"}),
    ),
    C(
        "dialect-escape-is-delimiter",
        "dialect",
        _dialect({"escapeChar": ","}),
        F({"dialect-error"}),
    ),
    C(
        "dialect-wrong-types",
        "dialect",
        _dialect(
            {"delimiter": 5, "header": "yes", "quoteChar": [], "doubleQuote": 1, "commentChar": 5}
        ),
        F({"dialect-error"}),
    ),
    C("dialect-array", "dialect", _dialect([","]), F({"dialect-error"})),
    C("dialect-number", "dialect", _dialect(5), F({"dialect-error"})),
    C("dialect-no-header-no-fields", "dialect", _dialect({"header": False}, b"")),
    C("dialect-nul-delimiter", "dialect", _dialect({"delimiter": "\x00"}, b"id\x00name\n1\x00a\n")),
    # encodings
    C("encoding-unknown", "encoding", _encoding("klingon"), F({"encoding-error"})),
    C("encoding-bytes-codec", "encoding", _encoding("base64"), F({"encoding-error"})),
    C("encoding-rot13", "encoding", _encoding("rot13"), F({"encoding-error"})),
    C("encoding-utf16-mismatch", "encoding", _encoding("utf-16"), F({"encoding-error"})),
    C("encoding-wrong-type", "encoding", _encoding(["utf-8"])),
    C(
        "encoding-latin1-lie",
        "encoding",
        _encoding("utf-8", b"id,name\n1,\xe9\n"),
        F({"encoding-error"}),
    ),
    # parquet
    C(
        "parquet-truncated",
        "parquet",
        _parquet(_truncated_parquet(), [{"name": "id", "type": "integer"}]),
        F({"source-error"}),
    ),
    C(
        "parquet-empty",
        "parquet",
        _parquet(b"", [{"name": "id", "type": "integer"}]),
        F({"source-error"}),
    ),
    C(
        "parquet-is-csv",
        "parquet",
        _parquet(b"id\n1\n", [{"name": "id", "type": "integer"}]),
        F({"source-error"}),
    ),
    C("parquet-timestamp-ns", "parquet", _timestamp_ns),
    C("parquet-uint64", "parquet", _uint64, valid=True),
    C("parquet-odd-types", "parquet", _odd_parquet, F({"type-error"})),
    C(
        "parquet-bad-utf8",
        "parquet",
        _parquet(_bad_utf8_parquet(), string_fields("name")),
        F({"encoding-error"}),
    ),
    # schemas of the wrong shape
    C(
        "fields-as-strings",
        "shape",
        in_schema(OBS, lambda s: s.update(fields=[f["name"] for f in s["fields"]])),
        F({"schema-error"}),
    ),
    C(
        "fields-not-list",
        "shape",
        in_schema(OBS, lambda s: s.update(fields={"a": 1})),
        F({"schema-error"}),
    ),
    C(
        "constraints-not-dict",
        "shape",
        in_schema(OBS, lambda s: [f.update(constraints=[1, "x"]) for f in s["fields"]]),
        F({"schema-error"}),
    ),
    C(
        "constraints-string",
        "shape",
        in_schema(OBS, lambda s: field_of(s, "value").update(constraints="required")),
        F({"schema-error"}),
    ),
    C(
        "constraint-values-wrong",
        "shape",
        in_schema(
            OBS,
            lambda s: field_of(s, "value").update(
                constraints={
                    "minimum": [1],
                    "maximum": "x",
                    "enum": "abc",
                    "minLength": 10**30,
                    "required": "yes",
                    "unique": 5,
                    "exclusiveMinimum": {"a": 1},
                }
            ),
        ),
        F({"schema-error"}),
    ),  # fmt: skip
    C(
        "field-props-wrong",
        "shape",
        in_schema(
            OBS,
            lambda s: [
                field_of(s, "value").update(
                    type=5, format=[1], trueValues=5, missingValues=5, groupChar=5, bareNumber="no"
                ),
                field_of(s, "unit").update(type="boolean", trueValues=[1, None], falseValues="no"),
            ],
        ),
        F({"schema-error"}),
    ),  # fmt: skip
    C(
        "field-list-empty-delimiter",
        "shape",
        in_schema(OBS, lambda s: field_of(s, "note").update(type="list", delimiter="", itemType=5)),
        F({"schema-error"}),
    ),
    C(
        "field-names-wrong",
        "shape",
        in_schema(OBS, lambda s: s["fields"].append({"name": 5})),
        F({"schema-error"}),
    ),
    C(
        "keys-wrong",
        "shape",
        in_schema(
            OBS,
            lambda s: s.update(
                primaryKey=5,
                uniqueKeys="x",
                foreignKeys=[
                    5,
                    {"fields": 5, "reference": "x"},
                    {"fields": "unit", "reference": {"resource": 5, "fields": [None]}},
                ],
                missingValues=5,
                fieldsMatch=["x"],
            ),
        ),
    ),  # fmt: skip
    C(
        "categories-wrong",
        "shape",
        in_schema(
            OBS,
            lambda s: [
                field_of(s, "unit").update(categories=[[1], {"value": {}}, None]),
                field_of(s, "qualifier").update(categories="x"),
            ],
        ),
        F({"schema-error"}),
    ),
    C("schema-number", "shape", set_resource("observations", schema=5), F({"schema-error"})),
    C("schema-array-file", "shape", in_schema(OBS, lambda s: s.clear()), F({"schema-error"})),
    # resources of the wrong shape
    C("resources-number", "shape", _identity(resources=5), F({"descriptor-error"})),
    C(
        "resources-mixed",
        "shape",
        change(lambda d: d["resources"].extend([5, "x", None, [], True, {}])),
        F({"descriptor-error"}),
    ),
    C("path-empty", "shape", set_resource("observations", path=""), F({"path-unsafe"})),
    C("path-number", "shape", set_resource("observations", path=5), F({"path-unsafe"})),
    C("path-object", "shape", set_resource("observations", path={"a": 1}), F({"path-unsafe"})),
    C("path-empty-list", "shape", set_resource("observations", path=[]), F({"path-unsafe"})),
    C(
        "resource-props-wrong",
        "shape",
        set_resource(
            "observations",
            name=5,
            format=5,
            mediatype=[],
            compression=5,
            encoding={},
            type=5,
            profile=5,
            bytes=1e300,
        ),
        F({"descriptor-error"}),
    ),
    C(
        "resource-names-wrong",
        "shape",
        change(lambda d: [r.update(name="observations") for r in d["resources"]]),
        F({"resource-name-duplicate"}),
    ),
    C(
        "hash-shake",
        "shape",
        set_resource("observations", hash="shake_128:abcd"),
        F({"hash-invalid"}),
    ),
    C("hash-number", "shape", set_resource("observations", hash=5, bytes=-1), F({"hash-invalid"})),
    C(
        "package-props-wrong",
        "shape",
        _identity(
            licenses="x",
            sources=5,
            contributors=[5, "x", {"title": 5, "roles": "creator"}],
            keywords=5,
            spatialCoverage="x",
            temporalCoverage=[1],
            created=5,
            id=[],
            title={},
            description=5,
            versionNote=[],
        ),
        F({"descriptor-error"}),
    ),  # fmt: skip
    # The official profile wants at least one item in each (minItems 1).
    C(
        "licences-empty",
        "shape",
        _identity(licenses=[], sources=[], contributors=[]),
        F({"descriptor-error"}),
    ),
    # JSON that is not a descriptor
    C("json-deep", "json", raw_descriptor(_deep(100_000)), base=False),
    C(
        "json-deep-objects",
        "json",
        raw_descriptor('{"a":' * 100_000 + "1" + "}" * 100_000),
        base=False,
    ),
    C("yaml-deep", "json", _yaml_deep, base=False),
    C("json-deep-schema", "json", _deep_schema, F({"schema-error"})),
    C(
        "json-lone-surrogate",
        "json",
        raw_descriptor('{"name": "\\ud800", "resources": []}'),
        base=False,
    ),
    C("json-lone-surrogate-schema", "json", _surrogate_schema, F({"schema-error"})),
    C(
        "json-nan",
        "json",
        raw_descriptor(
            '{"name": NaN, "resources": [{"name": "x", "path": "x.csv", "bytes": Infinity}]}'
        ),
        base=False,
    ),
    C("json-invalid-utf8", "json", raw_descriptor(b'{"name": "\xff"}'), base=False),
    C(
        "json-utf16",
        "json",
        raw_descriptor('{"name": "x", "resources": []}'.encode("utf-16")),
        base=False,
    ),
    C("json-empty", "json", raw_descriptor(b""), base=False),
    C("json-null", "json", raw_descriptor("null"), base=False),
    C("json-array", "json", raw_descriptor("[1, 2]"), base=False),
    C(
        "json-huge-number",
        "json",
        raw_descriptor('{"name": "x", "version": 1' + "0" * 5000 + ', "resources": []}'),
        base=False,
    ),
    C("json-sparse-65mb", "json", _sparse_descriptor, base=False),
    # links on the page
    C("links-javascript", "links", _links),
    # integers and numbers
    C(
        "integers-beyond-int64",
        "numbers",
        _big_integers,
        F({"primary-key", "unique-error", "constraint-error"}),
    ),
    C("number-keys-as-written", "numbers", _number_keys, F({"primary-key"})),
    C("integer-non-decimal", "numbers", _hex_integer, F({"type-error"})),
    # compressed resources
    C("gzip-bomb", "compression", _gzip_bomb, notes={"capped": True}),
    # git
    C("git-symlink", "git", _git, F({"path-unsafe"}), git=True),
    # small packages, for the commands to reach every resource
    C("simple-valid", "baseline", simple(), valid=True, base=False),
    C("simple-inline-data", "shape", simple({"path": None, "data": 5}), base=False),
]


def build_case(case: Case, corpus: Path, built: Path, out: Outside) -> Path:
    """Write ``case`` under ``corpus/cases/<name>``; return the package folder."""
    holder = corpus / "cases" / case.name
    pkg = holder / "pkg"
    if case.base:
        shutil.copytree(built, pkg, symlinks=True)
    else:
        pkg.mkdir(parents=True)
    case.build(pkg, out)
    if (
        case.base
        and (pkg / "datapackage.json").is_file()
        and not (pkg / "datapackage.json").is_symlink()
    ):
        try:
            seal(pkg)
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a descriptor that is not of a package's shape stays as it is
    if case.git:
        commit(holder)
    return pkg
