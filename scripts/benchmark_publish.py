"""Benchmark loading a large table into CKAN's DataStore, three ways, in the same run.

1. ``statpub publish ckan`` of a package holding one table as CSV and its Parquet copy
   (uploads, DataStore load, row-count check, digest record); then the same package
   with 1% of its rows revised, published onto it (the rows read back, compared by
   key, the revised ones upserted).
2. A plain ckanapi script: the CSV read with the csv module and sent with
   ``datastore_upsert`` (``method: insert``) 5,000 rows at a time, into a table made
   by ``datastore_create`` with the same fields and primary key.
3. PostgreSQL ``COPY`` (psql ``\\copy``) straight into a DataStore table of the same
   layout (made by ``datastore_create``), bypassing CKAN: the floor.

Each runs as a child process; its wall time and peak resident memory (the child's
``ru_maxrss``) are measured. The table is seeded and generated under
benchmarks/data/ (git-ignored). Needs the stack of scripts/ckan-stack (its
``$STATPUB_CKAN_HOME/env``). Writes the section between the publish markers of
docs/benchmarks.md, or prints it with --print.

    python scripts/benchmark_publish.py --rows 1000000
    python scripts/benchmark_publish.py --rows 100000,1000000 --ways statpub
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- publish:begin -->", "<!-- publish:end -->"
CLIENT_BEGIN, CLIENT_END = "<!-- publish-client:begin -->", "<!-- publish-client:end -->"
FIELDS = [
    ("id", "integer", "int8"),
    ("region", "string", "text"),
    ("period", "date", "date"),
    ("value", "number", "numeric"),
]


def stack() -> dict[str, str]:
    home = Path(os.environ.get("STATPUB_CKAN_HOME") or Path.home() / ".cache/statpub-ckan")
    env: dict[str, str] = {}
    for line in (home / "env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    ini = Path(env["CKAN_INI"]).read_text()
    env["WRITE_URL"] = re.search(r"^ckan\.datastore\.write_url\s*=\s*(\S+)", ini, re.M)[1]  # type: ignore[index]
    return env


def make_package(rows: int, *, revised: bool = False) -> Path:
    """A package of one table (CSV and Parquet copy); ``revised``: version 1.0.1, with
    the value of every hundredth row changed."""
    folder = ROOT / "benchmarks" / "data" / f"publish-{rows}{'-revised' if revised else ''}"
    csv_path = folder / "table.csv"
    if not csv_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(23)
        regions = [f"R{i:02d}" for i in range(40)]
        start = dt.date(2000, 1, 1)
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f for f, _, _ in FIELDS])
            for i in range(rows):
                day = start + dt.timedelta(days=rng.randrange(9000))
                value = rng.uniform(0, 1e6) + (1 if revised and i % 100 == 0 else 0)
                w.writerow([i, rng.choice(regions), day.isoformat(), f"{value:.2f}"])
    schema = {"fields": [{"name": f, "type": t} for f, t, _ in FIELDS], "primaryKey": ["id"]}
    resources = [_resource(folder, "table", "table.csv", "csv", "text/csv", schema)]
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "benchmark-publish",
        "title": "Benchmark table",
        "version": "1.0.1" if revised else "1.0.0",
        "licenses": [{"name": "CC-BY-4.0"}],
        "resources": resources,
    }
    pq_path = folder / "table.parquet"
    if not pq_path.exists():
        sys.path.insert(0, str(ROOT / "src"))
        from statpub.package import read_package, read_table
        from statpub.tables.parquetio import write_parquet

        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        pkg = read_package(folder)
        write_parquet(read_table(pkg.resources[0]), schema, pq_path)
    resources.append(
        _resource(folder, "table-pq", "table.parquet", "parquet", "application/parquet", schema)
    )
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return folder


def _resource(
    folder: Path, name: str, path: str, fmt: str, mediatype: str, schema: dict[str, Any]
) -> dict[str, Any]:
    # hashed in pieces: the children's peak memory (ru_maxrss) starts from this process's
    digest = hashlib.sha256()
    with (folder / path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {
        "name": name, "path": path, "format": fmt, "mediatype": mediatype,
        "bytes": (folder / path).stat().st_size, "hash": "sha256:" + digest.hexdigest(),
        "schema": schema,
    }  # fmt: skip


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    began = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - began
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[:4]} failed:\n{err.decode()[-2000:]}\n{out.decode()[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime  # the client's own work, not the portal's
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": usage.ru_maxrss / 1024}


CKANAPI_SCRIPT = r"""
import csv, sys
from ckanapi import RemoteCKAN
url, token, org, name, path = sys.argv[1:6]
fields = [{"id": "id", "type": "int8"}, {"id": "region", "type": "text"},
          {"id": "period", "type": "date"}, {"id": "value", "type": "numeric"}]
ckan = RemoteCKAN(url, apikey=token)
ds = ckan.action.package_create(name=name, owner_org=org)
res = ckan.action.resource_create(package_id=ds["id"], name="table.csv", url="")
ckan.action.datastore_create(resource_id=res["id"], fields=fields, primary_key=["id"], force=True)
with open(path, newline="", encoding="utf-8") as fh:
    chunk = []
    for row in csv.DictReader(fh):
        chunk.append(row)
        if len(chunk) == 5000:
            ckan.action.datastore_upsert(
                resource_id=res["id"], records=chunk, method="insert", force=True)
            chunk = []
    if chunk:
        ckan.action.datastore_upsert(
            resource_id=res["id"], records=chunk, method="insert", force=True)
print(res["id"])
"""


CLIENT_SCRIPT = r"""
import json, sys
from pathlib import Path
from statpub.publish.ckan_fields import resource_specs
from statpub.publish.datastore import INSERT_ROWS, _records, datastore_tables
from statpub.publish.datastore_rows import compare, count_rows, iter_rows
from statpub.publish.local import publishable

folder, part = Path(sys.argv[1]), sys.argv[2]
pkg = publishable(folder)
((name, (table, source)),) = datastore_tables(pkg, resource_specs(pkg)).items()
total = count_rows(source)


class Portal:
    # datastore_search pages as CKAN answers them, of the same rows with every
    # hundredth value changed: what the portal holds before a 1% revision
    url = "http://stub.invalid"

    def __init__(self):
        self.rows = (r for b in iter_rows(source, table.fields, 10_000) for r in b)
        self.at = 0

    def call(self, action, data, **_):
        assert data["offset"] == self.at
        page = []
        for row in self.rows:
            self.at += 1
            value = float(row[3]) + (1 if self.at % 100 == 1 else 0)
            page.append([self.at, row[0], row[1], row[2] + "T00:00:00", value])
            if len(page) == data["limit"]:
                break
        return {"total": total, "records": page}


if part == "load":  # every row as sent: Python values, then the JSON of each call
    sent = sum(
        len(json.dumps({"records": _records(table, b)}))
        for b in iter_rows(source, table.fields, INSERT_ROWS)
    )
    print(json.dumps({"rows": total, "bytes": sent}))
else:
    diff = compare(Portal(), "rid", name, table.fields, table.primary_key, source, total, total)
    print(json.dumps({"rows": diff.total, "revised": diff.revised, "deleted": len(diff.delete)}))
"""


def client(rows: int) -> dict[str, Any]:
    """The client's side of a publish, without a portal: a table's rows read and encoded
    as they are sent (load), and compared with a portal's pages served in-process
    (update, 1% revised)."""
    folder = make_package(rows)
    child = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out: dict[str, Any] = {"rows": rows, "csv_mb": (folder / "table.csv").stat().st_size / 2**20}
    for part in ("load", "update"):
        out[part] = measure([sys.executable, "-c", CLIENT_SCRIPT, str(folder), part], child)
    return out


def render_client(runs: list[dict[str, Any]]) -> str:
    lines = [
        CLIENT_BEGIN,
        "### The client's side alone",
        "",
        "The same tables without a portal (`python scripts/benchmark_publish.py --client`), "
        "one child process per line of the table below: the table's rows read from its "
        "Parquet copy and encoded as the insert calls send them (load), and compared by key "
        "with the pages of a portal served in the same process (read from the same file, "
        "every hundredth value changed), as an update of 1% of the rows compares them "
        "(update). The served pages are read by a second reader of the file in that process, "
        "so its peak includes both readers.",
        "",
        "| rows | part | time | peak memory |",
        "| --- | --- | --- | --- |",
    ]
    for r in runs:
        for part in ("load", "update"):
            m = r[part]
            lines.append(
                f"| {r['rows']:,} | {part} | {m['seconds']:.1f} s | {m['peak_mb']:.0f} MB |"
            )
    lines += ["", CLIENT_END]
    return "\n".join(lines)


def copy_table(env: dict[str, str], name: str) -> str:
    """A resource with an empty DataStore table of the same layout, for COPY to fill."""
    sys.path.insert(0, str(ROOT / "src"))
    from statpub.publish.portal import Portal

    portal = Portal(env["CKAN_URL"], env["CKAN_API_TOKEN"])
    ds = portal.call("package_create", {"name": name, "owner_org": env["CKAN_ORG"]})
    res = portal.call("resource_create", {"package_id": ds["id"], "name": "table.csv", "url": ""})
    fields = [{"id": f, "type": d} for f, _, d in FIELDS]
    portal.call(
        "datastore_create",
        {"resource_id": res["id"], "fields": fields, "primary_key": ["id"], "force": True},
    )
    return str(res["id"])


WAYS = ("statpub", "ckanapi", "copy")


def run(rows: int, ways: tuple[str, ...] = WAYS) -> dict[str, Any]:
    env = stack()
    folder = make_package(rows)
    child = {**os.environ, "CKAN_API_TOKEN": env["CKAN_API_TOKEN"],
             "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    tag = secrets.token_hex(3)
    results: dict[str, Any] = {
        "rows": rows,
        "csv_mb": (folder / "table.csv").stat().st_size / 2**20,
    }
    results["load_before"] = os.getloadavg()[0]
    if "statpub" in ways:
        revised = make_package(rows, revised=True)
        for key, pkg in (("statpub", folder), ("statpub_update", revised)):
            results[key] = measure(
                [sys.executable, "-c", "from statpub.cli import main; main()", "publish",
                 "ckan", str(pkg), "--url", env["CKAN_URL"], "--org", env["CKAN_ORG"],
                 "--dataset", f"bench-statpub-{tag}", "--json"],
                child,
            )  # fmt: skip
    if "ckanapi" in ways:
        results["ckanapi"] = measure(
            [sys.executable, "-c", CKANAPI_SCRIPT, env["CKAN_URL"], env["CKAN_API_TOKEN"],
             env["CKAN_ORG"], f"bench-ckanapi-{tag}", str(folder / "table.csv")],
            child,
        )  # fmt: skip
    if "copy" in ways:
        rid = copy_table({**env}, f"bench-copy-{tag}")
        cols = ", ".join(f'"{f}"' for f, _, _ in FIELDS)
        source = folder / "table.csv"
        copy = f"\\copy \"{rid}\" ({cols}) FROM '{source}' WITH (FORMAT csv, HEADER true)"
        results["copy"] = measure(
            ["psql", env["WRITE_URL"], "-v", "ON_ERROR_STOP=1", "-c", copy], child
        )
    results["load_after"] = os.getloadavg()[0]
    return results


NAMES = {
    "statpub": "`statpub publish ckan`, first publish (uploads, load, row-count check, record)",
    "statpub_update": "`statpub publish ckan`, 1% of the rows revised (read back, compare, upsert)",
    "ckanapi": "ckanapi script: `datastore_upsert` insert, 5,000 rows a call",
    "copy": "PostgreSQL `COPY` into the same DataStore table (bypasses CKAN)",
}


def render(runs: list[dict[str, Any]]) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    sizes = " and of ".join(f"{r['rows']:,} rows ({r['csv_mb']:.1f} MiB of CSV)" for r in runs)
    loads = "; ".join(
        f"{r['rows']:,} rows: {r['load_before']:.1f} at the start, {r['load_after']:.1f} at the end"
        for r in runs
    )
    lines = [
        BEGIN,
        "## Publishing to CKAN",
        "",
        f"A table of {sizes}: an integer key, a text, a date and a number column, as CSV "
        "and its Parquet copy, loaded into the DataStore of the CKAN 2.11 test stack "
        f"(scripts/ckan-stack) on this machine ({machine}); for each size the ways below "
        "ran one after the other in one run (`python scripts/benchmark_publish.py`). "
        "Peak memory is the "
        "process's own (its `ru_maxrss`), not CKAN's or PostgreSQL's; client CPU time is the "
        "process's user and system time, the rest of the time is the portal's. The machine's "
        f"load average ({loads}) shows other jobs ran beside it, so the times compare with "
        "each other, not with other runs.",
        "",
        "| rows | way | time | client CPU time | peak memory |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        for key, label in NAMES.items():
            if key in r:
                m = r[key]
                lines.append(
                    f"| {r['rows']:,} | {label} | {m['seconds']:.1f} s | "
                    f"{m['cpu_seconds']:.1f} s | {m['peak_mb']:.0f} MB |"
                )
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", default=[1_000_000], type=lambda s: [int(n) for n in s.split(",")],
        help="table sizes, comma-separated",
    )  # fmt: skip
    parser.add_argument(
        "--ways", default=WAYS, type=lambda s: tuple(s.split(",")),
        help=f"which of {','.join(WAYS)} to run",
    )  # fmt: skip
    parser.add_argument(
        "--client", action="store_true", help="measure the client's side alone, without CKAN"
    )
    parser.add_argument("--print", action="store_true", help="print the section only")
    parser.add_argument(
        "--render-only", action="store_true", help="write the section from the last results"
    )
    args = parser.parse_args()
    data = ROOT / "benchmarks" / "data"
    if args.render_only and args.client:
        section = render_client(json.loads((data / "publish-client.json").read_text()))
        markers: tuple[str, str] = (CLIENT_BEGIN, CLIENT_END)
    elif args.render_only:
        runs = [json.loads((data / f"publish-{n}.json").read_text()) for n in args.rows]
        section, markers = render(runs), (BEGIN, END)
    elif args.client:
        section = render_client(measure_client(args.rows))
        markers = (CLIENT_BEGIN, CLIENT_END)
    else:
        section, markers = render(measure_sizes(args.rows, args.ways)), (BEGIN, END)
    if not args.print:
        write_section(DOC, section, *markers)
    print(section)


def measure_client(sizes: list[int]) -> list[dict[str, Any]]:
    runs = [client(rows) for rows in sizes]
    raw = ROOT / "benchmarks" / "data" / "publish-client.json"
    raw.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return runs


def measure_sizes(sizes: list[int], ways: tuple[str, ...] = WAYS) -> list[dict[str, Any]]:
    runs = []
    for rows in sizes:
        results = run(rows, ways)
        raw = ROOT / "benchmarks" / "data" / f"publish-{rows}.json"
        raw.write_text(json.dumps(results, indent=2), encoding="utf-8")  # kept if rendering fails
        runs.append(results)
    return runs


def write_section(doc: Path, section: str, begin: str = BEGIN, end: str = END) -> None:
    """Put ``section`` between the markers of ``doc`` (at its end when absent)."""
    page = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    if begin in page:
        page = page[: page.index(begin)] + section + page[page.index(end) + len(end) :]
    else:
        page = page.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
