"""The second round of hostile packages: what sits beside a package, what reaches a terminal
or a CI log, crashes from package content, and inputs small on disk and huge in errors.

Each case is a :class:`~hostile_corpus.Case` like the first round's; the corpus test runs
every command on them, and also holds every output to the terminal and CI-log rules (no
escape character, no line a runner would read as a workflow command).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hostile_corpus import (
    FILE_SECRET,
    Build,
    Case,
    Outside,
    add_table,
    simple,
    string_fields,
    write_descriptor,
)

C = Case
F = frozenset

INJECTED = "x\n::add-mask::" + FILE_SECRET[:6] + "\r\x1b[2J\x1b]8;;https://evil.example/\x1b\\"


def _field_format(ftype: str, fmt: str, cell: str) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        fields = [{"name": "id", "type": "integer"}, {"name": "d", "type": ftype, "format": fmt}]
        add_table(pkg, "dated", "data/dated.csv", fields, f"id,d\n1,{cell}\n".encode())

    return build


def _pattern(pattern: str, cells: list[str]) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        fields: list[Any] = [
            {"name": "id", "type": "integer"},
            {"name": "code", "type": "string", "constraints": {"pattern": pattern}},
        ]
        rows = "".join(f"{i},{c}\n" for i, c in enumerate(cells, start=1))
        add_table(pkg, "codes", "data/codes.csv", fields, f"id,code\n{rows}".encode())

    return build


def _deep_cell(pkg: Path, out: Outside) -> None:
    cell = '"{""a"": ' + "[" * 100_000 + "]" * 100_000 + '}"'
    fields = [{"name": "id", "type": "integer"}, {"name": "o", "type": "object"}]
    add_table(pkg, "deep", "data/deep.csv", fields, f"id,o\n1,{cell}\n".encode())


def _deep_ndjson(pkg: Path, out: Outside) -> None:
    line = '{"id": 1, "o": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    fields = [{"name": "id", "type": "integer"}, {"name": "o", "type": "array"}]
    add_table(pkg, "deep", "data/deep.ndjson", fields, line.encode(), format="ndjson")


def _many_errors(pkg: Path, out: Outside) -> None:
    """Two bytes a bad cell: 2 MB of errors; every one was kept before the cap."""
    fields = [{"name": c, "type": "integer"} for c in "abcde"]
    add_table(pkg, "bad", "data/bad.csv", fields, b"a,b,c,d,e\n" + b"x,x,x,x,x\n" * 200_000)


def _blank_lines(pkg: Path, out: Outside) -> None:
    fields = [{"name": "a", "type": "integer"}]
    add_table(pkg, "blank", "data/blank.csv", fields, b"a\n" + b"\n" * 1_000_000)


def _dictionary_bomb(pkg: Path, out: Outside) -> None:
    """A 129 kB Parquet file whose dictionary column decodes to 46.6 GiB: one 10 kB value,
    the same index five million times (run-length encoded)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 5_000_000
    value = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(rows, np.int32)), pa.array(["x" * 10_000 + "y"])
    )
    table = pa.table({"id": pa.array(np.arange(rows, dtype=np.int64) % 7), "v": value})
    (pkg / "data").mkdir(exist_ok=True)
    pq.write_table(table, pkg / "data" / "bomb.parquet", store_schema=False)
    fields = [{"name": "id", "type": "integer"}, *string_fields("v")]
    add_table(pkg, "bomb", "data/bomb.parquet", fields, format="parquet")


def _header_amplified(pkg: Path, out: Outside) -> None:
    """A 190 kB CSV whose 500 header rows joined by 100,000 characters made 2.5 GB of labels."""
    rows = [",".join(f"h{r}c{c}" for c in range(50)) for r in range(500)] + ["1," * 49 + "1"]
    dialect = {"headerRows": list(range(1, 501)), "headerJoin": "x" * 100_000}
    content = ("\n".join(rows) + "\n").encode()
    add_table(pkg, "amplified", "data/amplified.csv", None, content, dialect=dialect)


def _injected_text(pkg: Path, out: Outside) -> None:
    """Names, a title and cells that would drive a terminal or inject a workflow command."""
    names = [f"n{i}{INJECTED}" for i in range(3)]
    fields = [{"name": n, "type": "integer"} for n in names]
    header = ",".join('"' + n.replace('"', '""') + '"' for n in names)
    cell = '"' + INJECTED.replace('"', '""') + '"'
    add_table(
        pkg, "inject", "data/inject.csv", fields, f"{header}\n{cell},{cell},{cell}\n".encode()
    )

    def retitle(d: dict[str, Any]) -> None:
        d["title"] = INJECTED

    from hostile_corpus import edit

    edit(pkg, retitle)


def _yaml_injection(pkg: Path, out: Outside) -> None:
    """A YAML descriptor whose parse error PyYAML reports with the raw line."""
    (pkg / "datapackage.yaml").write_text(
        f"name: p\nresources: [\n::add-mask::\t{FILE_SECRET}\n::stop-commands::x\n",
        encoding="utf-8",
    )


def _figures(pkg: Path) -> Path:
    figures = pkg.parent / "figures"
    figures.mkdir(exist_ok=True)
    return figures


def _sources_setting(where: str) -> Build:
    def build(pkg: Path, out: Outside) -> None:
        target = {"root": str(out.root), "secret-dir": str(out.secret_dir)}.get(where, where)
        (_figures(pkg) / "package.yml").write_text(f"sources: {target}\n", encoding="utf-8")

    return build


def _figures_link(pkg: Path, out: Outside) -> None:
    (_figures(pkg) / "package.yml").symlink_to(out.secret_txt)


def _figures_fifo(pkg: Path, out: Outside) -> None:
    os.mkfifo(_figures(pkg) / "package.yml")


def _releases_link(pkg: Path, out: Outside) -> None:
    (pkg.parent / "releases").symlink_to(out.secret_dir)


def _manifest_link(pkg: Path, out: Outside) -> None:
    version = pkg.parent / "releases" / "0.0.1"
    version.mkdir(parents=True)
    (version / "SHA256SUMS").symlink_to(out.secret_txt)
    (version / "datapackage.json").symlink_to(out.secret_json)


def _version_link(pkg: Path, out: Outside) -> None:
    releases = pkg.parent / "releases"
    releases.mkdir()
    (releases / "0.0.1").symlink_to(out.secret_dir)


def _shared_file(count: int) -> Build:
    """``count`` resources naming one file: the file is read once a resource."""

    def build(pkg: Path, out: Outside) -> None:
        (pkg / "data.csv").write_text("id,name\n1,a\n", encoding="utf-8")
        fields = [{"name": "id", "type": "integer"}, *string_fields("name")]
        res = [
            {"name": f"r{i}", "path": "data.csv", "format": "csv", "schema": {"fields": fields}}
            for i in range(count)
        ]
        write_descriptor(pkg, {"name": "t", "version": "1.0.0", "resources": res})

    return build


ROUND2: list[Case] = [
    # crashes from package content
    C(
        "format-directive-twice",
        "crash",
        _field_format("date", "%d%d", "1212"),
        F({"schema-error"}),
    ),
    C("format-bad-directive", "crash", _field_format("datetime", "%Q", "x"), F({"schema-error"})),
    C("format-stray-percent", "crash", _field_format("time", "%H%", "10%"), F({"schema-error"})),
    C("pattern-nested-groups", "crash", _pattern("(" * 4_900 + ")" * 4_900, ["", "abc"])),
    C(
        "pattern-unicode-category",
        "crash",
        _pattern(r"\p{L}+", ["abc", "\u00c4rger", "x1"]),
        F({"constraint-error"}),
    ),
    C("json-cell-nested-100k", "crash", _deep_cell, F({"type-error"})),
    C("ndjson-line-nested-100k", "crash", _deep_ndjson),
    # small inputs, many errors
    C("type-errors-1m", "memory", _many_errors, F({"type-error"})),
    C("blank-lines-1m", "memory", _blank_lines, F({"blank-row"})),
    C("header-rows-amplified", "memory", _header_amplified, F({"cell-too-large"})),
    C("parquet-dictionary-bomb", "memory", _dictionary_bomb, F({"table-too-large"})),
    C("resources-sharing-one-file-2k", "hang", _shared_file(2_000), valid=True, base=False),
    C(
        "resources-sharing-one-file-100k",
        "hang",
        _shared_file(100_000),
        F({"too-many-resources"}),
        base=False,
    ),
    # what reaches a terminal or a CI log
    C("text-injection", "injection", _injected_text),
    C("yaml-error-injection", "injection", _yaml_injection, base=False),
    # what sits beside a package
    C("sources-setting-root", "beside", _sources_setting("root"), F({"source-text-missing"})),
    C("sources-setting-etc", "beside", _sources_setting("/etc"), F({"source-text-missing"})),
    C("sources-setting-proc", "beside", _sources_setting("/proc/self")),
    C("sources-setting-dotdot", "beside", _sources_setting("../..")),
    C("figures-package-yml-link", "beside", _figures_link),
    C("figures-package-yml-fifo", "beside", _figures_fifo),
    C("releases-folder-link", "beside", _releases_link),
    C("release-manifest-link", "beside", _manifest_link),
    C("release-version-link", "beside", _version_link),
    C("simple-beside", "baseline", simple(), valid=True, base=False),
]
