"""Benchmark table validation: statpub against frictionless-py and a plain pyarrow read;
``statpub diff`` against a polars full join (``benchmark_diff.py``); ``statpub
init`` against a typed pyarrow read and ``frictionless describe``, and ``statpub
build`` of a 10M-row project (``benchmark_project.py``).

Run through ``scripts/benchmark``. Every tool runs in its own child process on
the same files in the same run; wall time includes start-up, peak memory is the
child's maximum resident set size. statpub and pyarrow run ``--repeat`` times,
half before frictionless and half after it, and their median is kept (a shared
machine's speed drifts by tens of percent over minutes); frictionless runs once,
for minutes, which averages the drift over its run.
Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import benchmark_diff
import benchmark_keys
import benchmark_project
import benchmark_publish
import benchmark_release
import benchmark_tables as tables

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "20m": 20_000_000}
PYARROW_READ = """
import json, sys, time
import pyarrow as pa, pyarrow.csv as pacsv
types = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}
schema = json.load(open(sys.argv[2]))
columns = {f["name"]: types.get(f["type"], pa.string()) for f in schema["fields"]}
if sys.argv[3] == "strings":
    columns = {name: pa.string() for name in columns}
start = time.perf_counter()
table = pacsv.read_csv(sys.argv[1], convert_options=pacsv.ConvertOptions(column_types=columns))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": table.num_rows}))
"""
# The library call alone: imports done first (pandas too, when installed), then timed.
STATPUB_CALL = """
import json, sys, time
import pyarrow.compute, pyarrow.csv
try:
    import pandas
except ImportError:
    pass
from statpub.validate import _checks, validate
from statpub.validate.engine import run
from statpub.package import read_package
_checks()  # imports every check's module
start = time.perf_counter()
report = validate(sys.argv[1], schema=sys.argv[2])
seconds = time.perf_counter() - start
target = read_package(sys.argv[1], schema=sys.argv[2])
start = time.perf_counter()
run(target)
engine = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "engine": engine, "errors": len(report.errors)}))
"""


@dataclass
class Run:
    tool: str
    table: str
    rows: int
    seconds: float
    peak_mib: float
    errors: set[tuple[int | None, str | None, str]] | None
    note: str = ""
    inner_seconds: float | None = None  # the work alone, imports excluded
    engine_seconds: float | None = None  # statpub's row checks alone
    samples: list[float] | None = None  # wall seconds of each run, when repeated


def measure(cmd: list[str]) -> tuple[float, float, str, int]:
    """(wall seconds, peak MiB, stdout, exit status) of ``cmd`` run as a child process.

    Peak memory comes from GNU time when it is there: a child forked straight
    from this process would count this process's own pages in its high-water mark.
    """
    gnu_time = Path("/usr/bin/time")
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        if gnu_time.is_file():
            cmd = [str(gnu_time), "-f", "%M", "-o", str(peak_file), *cmd]
        out_file = Path(tmp) / "out"
        with out_file.open("wb") as out:
            start = time.perf_counter()
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
            seconds = time.perf_counter() - start
        text = out_file.read_text(encoding="utf-8", errors="replace")
        if peak_file.is_file():
            peak_kib = int(peak_file.read_text().split()[-1])
        else:
            peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kib / 1024, text, proc.returncode


def _rel(path: Path) -> str:
    """Paths relative to the repository: frictionless refuses absolute ones unless trusted."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time, carrying every run's time as its samples."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    median = ordered[len(ordered) // 2]
    median.samples = [r.seconds for r in ordered]
    median.seconds = statistics.median(median.samples)
    return median


def statpub_run(folder: Path, rows: int) -> Run:
    statpub = shutil.which("statpub") or str(Path(sys.executable).parent / "statpub")
    cmd = [
        statpub,
        "validate",
        _rel(folder / "table.csv"),
        "--schema",
        _rel(folder / "schema.json"),
    ]
    seconds, peak, out, _ = measure([*cmd, "--json", "--quiet"])
    report = json.loads(out)
    errors = {(e.get("row"), e.get("field"), e["type"]) for e in report["errors"]}
    return Run("statpub validate", folder.name, rows, seconds, peak, errors)


def frictionless_run(folder: Path, rows: int) -> Run:
    frictionless = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    table, schema = _rel(folder / "table.csv"), _rel(folder / "schema.json")
    cmd = [frictionless, "validate", table, "--schema", schema, "--trusted"]
    seconds, peak, out, _ = measure([*cmd, "--json", "--limit-errors", "100000000"])
    report = json.loads(out)
    errors = {(None, None, e["type"]) for e in report["errors"]}
    for task in report["tasks"]:
        for e in task["errors"]:
            if e["type"] in ("hash-count", "byte-count"):
                continue
            errors.add((e.get("rowNumber"), e.get("fieldName") or None, e["type"]))
    return Run("frictionless validate", folder.name, rows, seconds, peak, errors)


def pyarrow_run(folder: Path, rows: int) -> Run:
    table, schema = _rel(folder / "table.csv"), _rel(folder / "schema.json")
    seconds, peak, out, status = measure(
        [sys.executable, "-c", PYARROW_READ, table, schema, "typed"]
    )
    note = "typed read only, no checks"
    if status != 0:
        # A typed read stops at the first bad cell: read every column as text instead.
        cmd = [sys.executable, "-c", PYARROW_READ, table, schema, "strings"]
        seconds, peak, out, status = measure(cmd)
        note = "the typed read fails on the planted errors: every column read as text"
    inner = json.loads(out)["seconds"]
    return Run("pyarrow read_csv", folder.name, rows, seconds, peak, None, note, inner)


def statpub_call(folder: Path) -> tuple[float, float]:
    """Seconds of ``validate()`` and of the row checks alone, imports excluded."""
    table, schema = _rel(folder / "table.csv"), _rel(folder / "schema.json")
    _, _, out, _ = measure([sys.executable, "-c", STATPUB_CALL, table, schema])
    data = json.loads(out)
    return float(data["seconds"]), float(data["engine"])


NO_PANDAS = """
import sys

class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoPandas())
sys.argv = ["statpub", *sys.argv[1:]]
from statpub.cli import main
main()
"""


def own_package_runs() -> list[Run]:
    """statpub validate on this project's own package, built into a temporary folder.

    Twice: as in this dev environment, and as a user's install has it, without
    pandas (a dev-only dependency that pyarrow imports whenever it is present).
    """
    statpub = shutil.which("statpub") or str(Path(sys.executable).parent / "statpub")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "datapackage"
        built = subprocess.run(
            [statpub, "build", "--out", str(out)], cwd=ROOT, capture_output=True, text=True
        )
        if built.returncode != 0:
            print(
                f"benchmark: cannot build the project's package:\n{built.stderr}", file=sys.stderr
            )
            return []
        rows = sum(
            max(0, len(p.read_text(encoding="utf-8").splitlines()) - 1) for p in out.rglob("*.csv")
        )
        commands = {
            "statpub validate (dev environment, pandas installed)": [statpub],
            "statpub validate (as installed, no pandas)": [sys.executable, "-c", NO_PANDAS],
        }
        for tool, prefix in commands.items():
            measure([*prefix, "validate", str(out), "--quiet"])  # warm the file cache
            seconds, peak, _, status = measure([*prefix, "validate", str(out), "--quiet"])
            runs.append(
                Run(tool, "own package", rows, seconds, peak, None, f"exit status {status}")
            )
    return runs


def machine() -> list[str]:
    import importlib.metadata as md

    versions = ", ".join(
        f"{name} {md.version(name)}" for name in ("pyarrow", "numpy", "frictionless", "statpub")
    )
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(meminfo.read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return [
        f"- CPU: {os.cpu_count()} cores ({cpu or platform.machine()}){mem}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {versions}",
    ]


def render(
    runs: list[Run],
    args: argparse.Namespace,
    own: list[Run],
    diffs: list[benchmark_diff.DiffRun] | None = None,
    project: dict[str, object] | None = None,
    releases: list[benchmark_diff.DiffRun] | None = None,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `scripts/benchmark` (do not edit by hand): every tool validates",
        "the same seeded files in the same run, each in its own process. Wall time",
        "includes start-up; peak memory is the process's maximum resident set size.",
        f"statpub and pyarrow ran {args.repeat} times each (after a first run that warms",
        "the file cache), half before frictionless and half after it: the median is",
        "shown, with the fastest and slowest run in brackets. frictionless ran once.",
        "The tables have 10 columns (a uri field, enums, a minimum, a pattern, a date)",
        "and a three-field primary key; the `errors` tables have errors planted in",
        "0.1% of the rows (see `scripts/benchmark_tables.py`).",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Results",
        "",
        "| table | rows | tool | wall (s) | rows/s | peak memory (MiB) | errors "
        "| same errors as frictionless |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    by_table: dict[str, dict[str, Run]] = {}
    for r in runs:
        by_table.setdefault(r.table, {})[r.tool] = r
    for table, tools in by_table.items():
        reference = tools.get("frictionless validate")
        for r in tools.values():
            same = ""
            if r.errors is not None and reference is not None and r is not reference:
                same = "yes" if r.errors == reference.errors else "**no**"
            errors = "" if r.errors is None else f"{len(r.errors):,}"
            rate = f"{r.rows / r.seconds:,.0f}"
            wall = f"{r.seconds:.2f}"
            if r.samples:
                wall += f" ({min(r.samples):.2f}–{max(r.samples):.2f})"
            lines.append(
                f"| {table} | {r.rows:,} | {r.tool} | {wall} | {rate} | "
                f"{r.peak_mib:,.0f} | {errors} | {same or r.note} |"
            )
    for r in own:
        lines.append(
            f"| own package | {r.rows:,} | {r.tool} | {r.seconds:.2f} | | "
            f"{r.peak_mib:,.0f} | | {r.note} |"
        )
    lines += [
        "",
        "### The work alone",
        "",
        "The same files, timed inside the process once its imports are done:",
        "`statpub.validate.validate()` (every check of `statpub validate`),",
        "statpub's row checks alone (`statpub.validate.engine.run`), and",
        "`pyarrow.csv.read_csv`.",
        "",
        "| table | validate() (s) | row checks (s) | pyarrow read_csv (s) "
        "| validate() / read | row checks / read |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for table, tools in by_table.items():
        s_run, p_run = tools.get("statpub validate"), tools.get("pyarrow read_csv")
        if s_run and p_run and s_run.inner_seconds and p_run.inner_seconds:
            full, engine, read = (
                s_run.inner_seconds,
                s_run.engine_seconds or 0.0,
                p_run.inner_seconds,
            )
            cells = [f"{full:.2f}", f"{engine:.2f}", f"{read:.2f}"]
            cells += [f"{full / read:.1f}×", f"{engine / read:.1f}×"]
            lines.append(f"| {table} | " + " | ".join(cells) + " |")
    lines += ["", "## Against the targets", "", *verdicts(by_table, own), "", "## Per table", ""]
    for table, tools in by_table.items():
        s, f, p = (
            tools.get(k) for k in ("statpub validate", "frictionless validate", "pyarrow read_csv")
        )
        if s is None:
            continue
        parts = []
        if f is not None:
            parts.append(f"{f.seconds / s.seconds:,.0f}× faster than frictionless")
        if p is not None:
            parts.append(f"{s.seconds / p.seconds:.1f}× the wall time of the pyarrow read process")
            if s.inner_seconds and p.inner_seconds:
                parts.append(f"{s.inner_seconds / p.inner_seconds:.1f}× its in-process time")
            if s.engine_seconds and p.inner_seconds:
                parts.append(f"row checks alone {s.engine_seconds / p.inner_seconds:.1f}×")
        parts.append(f"peak {s.peak_mib:,.0f} MiB")
        lines.append(f"- {table}: statpub is " + "; ".join(parts) + ".")
    for r in own:
        lines.append(
            f"- own package, {r.tool[len('statpub validate (') : -1]}: {r.seconds:.2f} s wall."
        )
    skipped = sorted(
        {r.table.split("-")[0] for r in runs}
        - {r.table.split("-")[0] for r in runs if r.tool.startswith("frictionless")}
    )
    diff_lines = benchmark_diff.render(diffs or [], args.repeat)
    if diff_lines:
        lines += ["", *diff_lines]
    project_lines = benchmark_project.render(project or {})
    if project_lines:
        lines += ["", *project_lines]
    release_lines = benchmark_release.render(releases or [], args.repeat)
    if release_lines:
        lines += ["", *release_lines]
    lines += ["", "## Notes", ""]
    rates = [r.rows / r.seconds for r in runs if r.tool.startswith("frictionless")]
    if skipped and rates:
        rate = sum(rates) / len(rates)
        minutes = max(SIZES[name] for name in skipped) / rate / 60
        lines.append(
            f"- frictionless was not run on the {', '.join(skipped)} tables: at its rate "
            f"measured above (about {rate:,.0f} rows/s) it would take about {minutes:.0f} "
            "minutes a file."
        )
    lines += NOTES
    return "\n".join(lines) + "\n"


NOTES = [
    "- statpub's wall time includes about 0.2 s of start-up (Python, click, pyarrow",
    "  with NumPy, and the checks' modules); on small tables that is most of it.",
    "  statpub's modules are byte-compiled first, as pip does on install.",
    "- statpub runs every check of `statpub validate` on the file, not only the row",
    "  checks. A bare table has no descriptor, so there is no declared hash or size",
    "  to check and the file is read once.",
    "- pyarrow imports pandas, when it is installed, the first time a Python value",
    "  becomes an Arrow value (about 0.3 s), and on some calls such as",
    "  `pyarrow.parquet.read_table` and `combine_chunks`. statpub's checks avoid all of",
    "  them (a test asserts that validating a package never imports pandas). pandas is",
    "  a dev-only dependency of statpub, so the own-package row is measured both ways.",
    "- statpub calls Arrow's compute kernels through their registry rather than",
    "  importing `pyarrow.compute`, whose import builds a Python wrapper and a",
    "  docstring for every kernel (about 0.1 s); a test asserts that it stays unloaded.",
    "- The pyarrow row is a typed `pyarrow.csv.read_csv` of the same file (the schema's",
    "  types, no checks): the floor for reading the CSV at all.",
    "- The machine was shared with other jobs during the run, so times vary by some",
    "  tens of percent between runs.",
]


def verdicts(by_table: dict[str, dict[str, Run]], own: list[Run]) -> list[str]:
    """One line per target of the "Validation at scale" issue: met, or missed by how much."""

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    out = []
    for table in ("1m-clean", "1m-errors"):
        tools = by_table.get(table, {})
        s, f = tools.get("statpub validate"), tools.get("frictionless validate")
        if s and f:
            speedup = f.seconds / s.seconds
            same = s.errors == f.errors
            out.append(
                f"- {table}, at least 100× faster than `frictionless validate`, same errors: "
                f"{mark(speedup >= 100 and same)}: {speedup:.0f}× (wall, start-up included), "
                f"{'the same' if same else 'different'} errors."
            )
    for table in ("1m-clean", "1m-errors", "10m-clean", "10m-errors"):
        tools = by_table.get(table, {})
        s, p = tools.get("statpub validate"), tools.get("pyarrow read_csv")
        if s and p and s.inner_seconds and p.inner_seconds:
            wall = s.seconds / p.seconds
            inner = s.inner_seconds / p.inner_seconds
            out.append(
                f"- {table}, within 3× of a plain pyarrow read: {mark(wall <= 3)} as whole "
                f"processes ({wall:.1f}×), {mark(inner <= 3)} in-process ({inner:.1f}×; row "
                f"checks alone {(s.engine_seconds or 0) / p.inner_seconds:.1f}×)."
            )
    for table in ("10m-clean", "10m-errors"):
        s = by_table.get(table, {}).get("statpub validate")
        if s:
            out.append(
                f"- {table}, peak memory under 1 GB: {mark(s.peak_mib < 1024)}: "
                f"{s.peak_mib:,.0f} MiB."
            )
    for r in own:
        out.append(
            f"- This project's own package, start-up included, under 1 second "
            f"({r.tool[len('statpub validate (') : -1]}): {mark(r.seconds < 1)}: {r.seconds:.2f} s."
        )
    return out


def _save(path: Path, runs: list[Run], own: list[Run]) -> None:
    def encode(r: Run) -> dict[str, object]:
        errors = None if r.errors is None else sorted(map(list, r.errors), key=str)
        return {**r.__dict__, "errors": errors}

    data = {"runs": [encode(r) for r in runs], "own": [encode(r) for r in own]}
    path.write_text(json.dumps(data), encoding="utf-8")


def _load(path: Path) -> tuple[list[Run], list[Run]]:
    def decode(d: dict[str, object]) -> Run:
        errors = d["errors"]
        d = {**d, "errors": None if errors is None else {tuple(e) for e in errors}}  # type: ignore[union-attr]
        return Run(**d)  # type: ignore[arg-type]

    data = json.loads(path.read_text(encoding="utf-8"))
    return [decode(d) for d in data["runs"]], [decode(d) for d in data["own"]]


def _keep_publish(out: Path, page: str) -> str:
    """``page`` with the sections other runs wrote, kept: the publishing section of
    scripts/benchmark_publish.py, and the key check's (``--only keys``)."""
    begin = "<!-- publish:begin -->"
    old = out.read_text(encoding="utf-8") if out.is_file() else ""
    if keys := benchmark_keys.kept(old):
        page = benchmark_keys.splice(page, keys)
    if begin not in old:
        return page
    return page.rstrip("\n") + "\n\n" + old[old.index(begin) :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100k,1m,10m", type=lambda s: s.split(","))
    parser.add_argument("--frictionless-max", default="1m", choices=sorted(SIZES))
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--repeat", type=int, default=5, help="Runs of statpub and pyarrow (the median is kept)."
    )
    parser.add_argument(
        "--render-only", action="store_true", help="Rewrite the page from the last run's results."
    )
    parser.add_argument(
        "--only",
        choices=("validate", "diff", "project", "release", "keys", "publish"),
        help="Run one benchmark; the others' last results are kept on the page. 'keys' (the "
        "key check on --key-rows rows) runs only when asked for; publish needs the CKAN test "
        "stack (scripts/ckan-stack start).",
    )
    parser.add_argument(
        "--publish-rows",
        default=[100_000, 1_000_000],
        type=lambda s: [int(n) for n in s.split(",")],
        help="Table sizes of the publish benchmark (comma-separated row counts).",
    )
    parser.add_argument("--key-rows", default="20m", choices=sorted(SIZES))
    parser.add_argument("--diff-sizes", default="100k,1m,10m", type=lambda s: s.split(","))
    parser.add_argument(
        "--diff-context-max",
        default="100k",
        choices=sorted(SIZES),
        help="The largest pair csv-diff and daff run on (both are pure Python).",
    )
    args = parser.parse_args()
    results = args.data / "results.json"
    diff_results = args.data / "diff-results.json"
    project_results = args.data / "project-results.json"
    release_results = args.data / "release-results.json"
    if args.render_only:
        runs, own = _load(results)
        project = benchmark_project.load(project_results)
        releases = benchmark_release.load(release_results)
        page = render(runs, args, own, benchmark_diff.load(diff_results), project, releases)
        args.out.write_text(_keep_publish(args.out, page), encoding="utf-8")
        return 0
    # pip byte-compiles an installed package; an editable install (or
    # PYTHONDONTWRITEBYTECODE) would compile statpub's modules on every start.
    compileall.compile_dir(ROOT / "src" / "statpub", quiet=1)
    args.data.mkdir(parents=True, exist_ok=True)
    if args.only == "publish":
        runs = benchmark_publish.measure_sizes(args.publish_rows)
        benchmark_publish.write_section(args.out, benchmark_publish.render(runs))
        client = benchmark_publish.measure_client([*args.publish_rows, 10_000_000])
        section = benchmark_publish.render_client(client)
        markers = (benchmark_publish.CLIENT_BEGIN, benchmark_publish.CLIENT_END)
        benchmark_publish.write_section(args.out, section, *markers)
        print(f"benchmark: wrote {args.out}", file=sys.stderr)
        return 0
    if args.only == "keys":
        keys = benchmark_keys.run(measure, args.data, SIZES[args.key_rows], args.seed, args.repeat)
        benchmark_keys.save(args.data / "keys-results.json", keys)
        page = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        args.out.write_text(benchmark_keys.splice(page, benchmark_keys.render(keys)), "utf-8")
        print(f"benchmark: wrote {args.out}", file=sys.stderr)
        return 0
    if args.only == "release":
        # Only this section of the page changes: the others' results may not be at hand.
        releases = benchmark_release.run(measure, args.data, args.seed, args.repeat)
        benchmark_release.save(release_results, releases)
        page = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        section = benchmark_release.render(releases, args.repeat)
        args.out.write_text(benchmark_release.replace_section(page, section), encoding="utf-8")
        print(f"benchmark: wrote {args.out}", file=sys.stderr)
        return 0
    if args.only in (None, "project"):
        project = benchmark_project.run(measure, args.data, args.seed, args.repeat, PYARROW_READ)
        benchmark_project.save(project_results, project)
    else:
        project = benchmark_project.load(project_results)
    if args.only == "project":
        # Only this section of the page changes: the others' results may not be at hand.
        page = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        section = benchmark_project.render(project)
        args.out.write_text(
            benchmark_project.splice(page, section, benchmark_project.SECTION), encoding="utf-8"
        )
        print(f"benchmark: wrote {args.out}", file=sys.stderr)
        return 0
    if args.only == "diff":
        runs, own = _load(results) if results.is_file() else ([], [])
    else:
        runs, own = validation_runs(args), own_package_runs()
        _save(results, runs, own)
    if args.only == "validate":
        diffs = benchmark_diff.load(diff_results)
    else:
        diffs = benchmark_diff.run(
            measure,
            args.diff_sizes,
            args.data,
            args.seed,
            args.repeat,
            SIZES[args.diff_context_max],
        )
        benchmark_diff.save(diff_results, diffs)
    if args.only in ("validate", "diff"):
        releases = benchmark_release.load(release_results)
    else:
        releases = benchmark_release.run(measure, args.data, args.seed, args.repeat)
        benchmark_release.save(release_results, releases)
    page = render(runs, args, own, diffs, project, releases)
    args.out.write_text(_keep_publish(args.out, page), encoding="utf-8")
    print(f"benchmark: wrote {args.out}", file=sys.stderr)
    return 0


def validation_runs(args: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    for name in args.sizes:
        rows = SIZES[name]
        for kind in ("clean", "errors"):
            folder = args.data / f"{name}-{kind}"
            if not (folder / "table.csv").is_file():
                print(f"benchmark: generating {folder}", file=sys.stderr)
                tables.generate(rows, kind == "errors", folder, seed=args.seed)
            fast = [statpub_run, pyarrow_run]
            for tool in fast:
                tool(folder, rows)  # warms the file cache; not counted
            # The fast tools run half their times before frictionless and half
            # after it, so that their median sees the machine as it ran.
            samples: dict[Callable[[Path, int], Run], list[Run]] = {t: [] for t in fast}
            first = (args.repeat + 1) // 2
            for tool in fast:
                samples[tool] += [tool(folder, rows) for _ in range(first)]
            table_runs = []
            if rows <= SIZES[args.frictionless_max]:
                table_runs.append(frictionless_run(folder, rows))
            for tool in fast:
                samples[tool] += [tool(folder, rows) for _ in range(args.repeat - first)]
            table_runs[:0] = [median_run(samples[tool]) for tool in fast]
            table_runs[0].inner_seconds, table_runs[0].engine_seconds = statpub_call(folder)
            for run in table_runs:
                print(
                    f"benchmark: {folder.name} {run.tool}: {run.seconds:.2f} s, "
                    f"{run.peak_mib:.0f} MiB",
                    file=sys.stderr,
                )
            runs += table_runs
    return runs


if __name__ == "__main__":
    sys.exit(main())
