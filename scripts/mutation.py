"""Mutation testing: which small changes to a module do its tests not notice?

Usage (from the repository root, with the development environment's python)::

    python scripts/mutation.py src/statpub/versioning/keys.py [MODULE ...]
        [--tests PATH ...] [--jobs N] [--timeout S] [--match TEXT] [--list]
        [--json FILE] [--rerun FILE] [--write docs/mutation.md]

Each mutant is one change to the module's syntax tree: a comparison turned
(``==``/``!=``, ``<``/``<=``, ``in``/``not in``...), ``and``/``or`` swapped, a
``not`` or a call or ``+=`` statement dropped, an ``if`` test negated, a number
moved by one, ``True``/``False`` swapped, a short code string changed,
``+``/``-``, ``break``/``continue``, ``any``/``all`` and ``min``/``max`` swapped.
Docstrings, annotations, prose (strings with spaces, f-strings) and lines
marked ``# pragma: no mutate`` are left alone.

The tests (``--tests``, by default those of ``diff`` and key inference) run
once unchanged, in a child process, with a line tracer to learn which tests run
each line. Each mutant then runs in a child forked from this process once the
heavy imports are done: it swaps the mutated functions' code into the loaded
module and runs, in process, only the tests that run the mutated line, fastest
first, stopping at the first failure. The checkout is never written to. A
mutant is killed when a test fails, a module no longer imports, or the tests
time out; a mutant no test runs survives; any other pytest outcome is an
``error`` of the harness, reported apart. Mutants that no behaviour can tell
from the module (listed with why in ``scripts/mutation_equivalents.toml``) are
left out of the score.

The run is slow (a test run per mutant) and is not part of the test suite.
Linux and macOS only (it forks). ``--write FILE`` replaces the results section
of that page (between its ``mutation-results`` markers) with this run's scores;
docs/mutation.md says more.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FunctionType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.toml"
DEFAULT_TESTS = [
    "tests/versioning/test_diff.py",
    "tests/versioning/test_diff_action.py",
    "tests/versioning/test_diff_partial.py",
    "tests/versioning/test_diff_pinned.py",
    "tests/versioning/test_diff_realstyle.py",
    "tests/versioning/test_diff_reuse.py",
    "tests/versioning/test_diff_keys.py",
    "tests/versioning/test_diff_tables.py",
    "tests/project/test_unkeyed_release.py",
]
START, END = "<!-- mutation-results:start -->", "<!-- mutation-results:end -->"

COMPARE_SWAP: dict[type, type] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAP: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
CALL_SWAP = {"any": "all", "all": "any", "min": "max", "max": "min"}


@dataclass
class Mutant:
    module: str
    line: int
    function: str
    what: str  # "`old` -> `new`"
    index: int  # the node's place in ast.walk order
    kind: str
    status: str = ""  # killed, survived, timeout, not-run (no test runs the line), equivalent
    by: str = ""  # the first test that failed, or why it is equivalent
    tests: int = 0

    @property
    def key(self) -> str:
        return f"{self.function}: {self.what}"


@dataclass
class Result:
    module: str
    mutants: list[Mutant] = field(default_factory=list)

    def count(self, *status: str) -> int:
        return sum(m.status in status for m in self.mutants)

    @property
    def score(self) -> float:
        scored = len(self.mutants) - self.count("equivalent")
        return self.count("killed", "timeout") / scored if scored else 1.0


# ---------------------------------------------------------------- the mutants


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """Ids of nodes never mutated: annotations, docstrings, TYPE_CHECKING blocks, Protocols."""
    out: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            out.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign):
            drop(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            drop(node.returns)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                drop(body[0])
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id == "Protocol" for b in node.bases
        ):
            drop(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            drop(node)
        if isinstance(node, ast.ImportFrom | ast.Import | ast.JoinedStr):
            drop(node)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
        ):
            drop(node)  # regular expressions
    return out


def _functions(tree: ast.Module) -> dict[int, str]:
    """The qualified name of the function (or class, or module) each node is in."""
    where: dict[int, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = name
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{name}.{child.name}" if name != "<module>" else child.name
            where[id(child)] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return where


def _changes(node: ast.AST) -> Iterator[tuple[str, ast.AST | None]]:
    """(kind, replacement) for each mutation of ``node`` alone; None deletes a statement."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE_SWAP:
                new = copy.deepcopy(node)
                new.ops[i] = COMPARE_SWAP[type(op)]()
                yield "compare", new
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield "boolean", new
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not", copy.deepcopy(node.operand)
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in BINOP_SWAP:
        new = copy.deepcopy(node)
        new.op = BINOP_SWAP[type(node.op)]()
        yield "arithmetic", new
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "constant", ast.Constant(not value)
        elif isinstance(value, int):
            yield "constant", ast.Constant(value + 1)
            if value != 0:
                yield "constant", ast.Constant(value - 1)
        elif isinstance(value, str) and value and len(value) <= 30 and " " not in value:
            yield "constant", ast.Constant(f"X{value}X")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in CALL_SWAP:
            new = copy.deepcopy(node)
            assert isinstance(new.func, ast.Name)
            new.func.id = CALL_SWAP[node.func.id]
            yield "call", new
    elif isinstance(node, ast.If | ast.IfExp | ast.While):
        if not isinstance(node.test, ast.Compare | ast.BoolOp | ast.UnaryOp | ast.Constant):
            new = copy.deepcopy(node)
            new.test = ast.UnaryOp(ast.Not(), new.test)
            yield "negate", new
    elif isinstance(node, ast.Break):
        yield "loop", ast.Continue()
    elif isinstance(node, ast.Continue):
        yield "loop", ast.Break()
    if isinstance(node, ast.Expr | ast.AugAssign) and not isinstance(node.value, ast.Constant):
        yield "statement", None


def _show(node: ast.AST | None) -> str:
    if node is None:
        return "(removed)"
    if isinstance(node, ast.If | ast.While):
        return f"{type(node).__name__.lower()} {ast.unparse(node.test)}:"
    text = ast.unparse(node)
    return text if len(text) <= 90 else text[:87] + "..."


_SOURCES: dict[Path, str] = {}


def _source(path: Path) -> str:
    """The module's text as it was when the run began (an edit during a run changes nothing)."""
    if path not in _SOURCES:
        _SOURCES[path] = path.read_text(encoding="utf-8")
    return _SOURCES[path]


def mutants_of(path: Path) -> list[Mutant]:
    source = _source(path)
    lines = source.splitlines()
    tree = ast.parse(source)
    skipped, where = _skipped_nodes(tree), _functions(tree)
    out = []
    seen: dict[str, int] = defaultdict(int)
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped or not hasattr(node, "lineno"):
            continue
        if "pragma: no mutate" in lines[node.lineno - 1]:
            continue
        for kind, new in _changes(node):
            what = f"`{_show(node)}` -> `{_show(new)}`"
            function = where.get(id(node), "<module>")
            seen[f"{function}: {what}"] += 1
            if seen[f"{function}: {what}"] > 1:
                what += f" (#{seen[f'{function}: {what}']})"
            rel = path.resolve().relative_to(ROOT).as_posix()
            out.append(Mutant(rel, node.lineno, function, what, index, kind))
    return out


def mutated_source(path: Path, mutant: Mutant) -> str:
    tree = ast.parse(_source(path))
    for index, node in enumerate(ast.walk(tree)):
        if index == mutant.index:
            target = node
            break
    wanted = mutant.what.split(" (#")[0]
    for kind, new in _changes(target):
        if kind == mutant.kind and f"`{_show(target)}` -> `{_show(new)}`" == wanted:
            _replace(tree, target, new if new is not None else ast.Pass())
            return ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    raise SystemExit(f"mutant not found again: {mutant.module}:{mutant.line} {mutant.what}")


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[[v is old for v in value].index(True)] = new
                return
    raise AssertionError("node not found")


# ---------------------------------------------------------------- which tests run which line


class _Tracer:
    """A pytest plugin recording, per test, the lines it runs in the modules."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.current = ""
        self.lines: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.durations: dict[str, float] = defaultdict(float)
        self.failed: list[str] = []

    def _global(self, frame, event, arg):  # noqa: ANN001, ANN202
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame, event, arg):  # noqa: ANN001, ANN202
        if event == "line":
            self.lines[(frame.f_code.co_filename, frame.f_lineno)].add(self.current)
        return self._local

    def pytest_runtest_logstart(self, nodeid, location):  # noqa: ANN001, ANN201
        self.current = nodeid
        sys.settrace(self._global)
        threading.settrace(self._global)

    def pytest_runtest_logfinish(self, nodeid, location):  # noqa: ANN001, ANN201
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]

    def pytest_runtest_logreport(self, report):  # noqa: ANN001, ANN201
        self.durations[report.nodeid] += report.duration
        if report.failed:
            self.failed.append(report.nodeid)


def trace(modules: list[Path], tests: list[str]) -> tuple[dict[tuple[str, int], list[str]], dict]:
    """{(module, line): tests running it, fastest first}, and each test's duration."""
    import pytest

    os.environ["HYPOTHESIS_PROFILE"] = "ci"
    sys.path.insert(0, str(ROOT))  # as `python -m pytest` from the root has it
    files = {str(m.resolve()) for m in modules}
    tracer = _Tracer(files)
    code = pytest.main(["-q", "-p", "no:cacheprovider", *tests], plugins=[tracer])
    if code != 0 or tracer.failed:
        raise SystemExit(
            f"the tests fail before any mutation ({tracer.failed[:5]}): fix them first"
        )
    out = {}
    for (file, line), ids in tracer.lines.items():
        rel = Path(file).relative_to(ROOT).as_posix()
        out[(rel, line)] = sorted(ids, key=lambda t: (tracer.durations[t], t))
    return out, dict(tracer.durations)


def _traced(modules: list[Path], tests: list[str]) -> tuple[dict[tuple[str, int], list[str]], dict]:
    """:func:`trace` in a child process, so that this one has run nothing before it forks."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "trace.json"
        cmd = [sys.executable, __file__, "--trace-to", str(out), *map(str, modules), "--tests"]
        subprocess.run([*cmd, *tests], check=True, cwd=ROOT, stdout=sys.stderr)
        data = json.loads(out.read_text(encoding="utf-8"))
    lines = {(m, int(n)): ids for m, n, ids in data["lines"]}
    return lines, data["durations"]


def _covering(
    mutant: Mutant, lines: dict[tuple[str, int], list[str]], durations: dict[str, float]
) -> list[str]:
    """The tests running any line of the mutated node (a statement may span lines), fastest
    first; for a module-level value (read at import, before any test), every test that runs
    a line of the module."""
    if mutant.function == "<module>":
        found = {t for (m, _), ids in lines.items() if m == mutant.module for t in ids}
    else:
        tree = ast.parse(_source(ROOT / mutant.module))
        node = next(n for i, n in enumerate(ast.walk(tree)) if i == mutant.index)
        end = getattr(node, "end_lineno", None) or mutant.line
        if isinstance(node, ast.If | ast.While):
            end = node.test.end_lineno or mutant.line
        span = range(mutant.line, end + 1)
        found = {t for line in span for t in lines.get((mutant.module, line), [])}
    return sorted(found, key=lambda t: (durations.get(t, 0.0), t))


# ---------------------------------------------------------------- running


def _patch(name: str, source: str) -> None:
    """Put the mutated module's code in place of the loaded one's, in this process:
    function bodies are swapped (so every reference, imported or not, runs the mutant)
    and module-level values rebound; classes keep their identity."""
    module = importlib.import_module(name)
    ns: dict[str, Any] = {"__name__": name, "__file__": module.__file__}
    ns["__package__"] = module.__package__
    exec(compile(source, str(module.__file__), "exec"), ns)

    def swap(old: Any, new: Any) -> bool:
        if isinstance(old, FunctionType) and isinstance(new, FunctionType):
            old.__code__, old.__defaults__ = new.__code__, new.__defaults__
            old.__kwdefaults__ = new.__kwdefaults__
            return True
        return False

    for key, value in ns.items():
        old = module.__dict__.get(key)
        if key.startswith("__") or swap(old, value):
            continue
        if isinstance(old, type) and isinstance(value, type):
            for attr, member in vars(value).items():
                swap(vars(old).get(attr), member)
        else:
            module.__dict__[key] = value


def _child(module: str, source: str, tests: list[str], log: Path) -> int:
    import pytest

    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    _patch(module.removeprefix("src/").removesuffix(".py").replace("/", "."), source)
    return int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-rf", *tests]))


def _fork(module: str, source: str, tests: list[str], log: Path) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            code = _child(module, source, tests, log)
        finally:
            os._exit(code)
    return pid


def run_all(todo: list[tuple[Mutant, list[str], float]], jobs: int, logs: Path) -> None:
    """Each mutant in a child forked from this process (its imports done once): the
    child patches the module in memory and runs the tests; the checkout is never touched.
    A control child first runs every test with each module patched with its own code."""
    os.environ["HYPOTHESIS_PROFILE"] = "ci"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))  # as `python -m pytest` from the root has it
    for name in ("pytest", "statpub.cli", "statpub.versioning.diff", "numpy", "pyarrow"):
        importlib.import_module(name)
    everything = sorted({t for _, tests, _ in todo for t in tests})
    for module in sorted({m.module for m, _, _ in todo}):
        source = _source(ROOT / module)
        _, status = os.waitpid(_fork(module, source, everything, logs / "control.log"), 0)
        if os.waitstatus_to_exitcode(status) != 0:
            tail = (logs / "control.log").read_text(encoding="utf-8")[-2000:]
            raise SystemExit(f"the tests fail with {module} unchanged:\n{tail}")
    running: dict[int, tuple[Mutant, float, Path]] = {}
    queue = list(todo)
    try:
        while queue or running:
            while queue and len(running) < jobs:
                mutant, tests, timeout = queue.pop(0)
                log = logs / f"{len(queue)}.log"
                source = mutated_source(ROOT / mutant.module, mutant)
                pid = _fork(mutant.module, source, tests, log)
                running[pid] = (mutant, time.monotonic() + timeout, log)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                for pid, (mutant, deadline, _) in list(running.items()):
                    if time.monotonic() > deadline:
                        os.kill(pid, signal.SIGKILL)
                        mutant.by = "timed out"
                time.sleep(0.05)
                continue
            mutant, _, log = running.pop(pid)
            _judge(mutant, os.waitstatus_to_exitcode(status), log)
            print(f"{mutant.status:9} {mutant.module}:{mutant.line} {mutant.key}", file=sys.stderr)
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)


def _judge(mutant: Mutant, code: int, log: Path) -> None:
    """pytest's exit code: 1 a test failed, 2 collection failed (the mutant breaks an
    import): killed; 0 survived; anything else is the harness's fault, not a verdict."""
    out = log.read_text(encoding="utf-8", errors="replace").splitlines()
    failed = [ln for ln in out if ln.startswith(("FAILED", "ERROR"))]
    if mutant.by == "timed out":
        mutant.status = "timeout"
    elif code == 0:
        mutant.status = "survived"
    elif code in (1, 2):
        mutant.status = "killed"
        mutant.by = failed[0].split(" - ")[0].split(" ", 1)[-1] if failed else f"exit {code}"
    else:
        mutant.status = "error"
        mutant.by = f"exit {code}: " + " / ".join(out[-3:])


def _equivalents() -> dict[tuple[str, str], str]:
    if not EQUIVALENTS.exists():
        return {}
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {(e["module"], e["mutant"]): e["why"] for e in data.get("equivalent", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--timeout", type=float, default=0, help="per mutant (default: from the tests' time)"
    )
    parser.add_argument(
        "--match", default="", help="run only mutants whose 'function: change' has this"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--json", type=Path, help="write every mutant's result to this file")
    parser.add_argument("--write", type=Path, help="replace the results section of this page")
    parser.add_argument(
        "--rerun", type=Path, help="a --json file of an earlier run: run only what it did not kill"
    )
    parser.add_argument("--trace-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    modules = [m.resolve() for m in args.modules]
    tests = [t for t in args.tests if (ROOT / t.split("::")[0]).exists()]
    if args.trace_to:
        lines, durations = trace(modules, tests)
        found = [[m, n, ids] for (m, n), ids in sorted(lines.items())]
        args.trace_to.write_text(json.dumps({"lines": found, "durations": durations}))
        return 0
    equivalent = _equivalents()
    before = {}
    if args.rerun:
        for rel, found in json.loads(args.rerun.read_text(encoding="utf-8")).items():
            for x in found:
                if x["status"] in ("killed", "timeout"):
                    before[(rel, f"{x['function']}: {x['what']}")] = (x["status"], x["by"])
    results = {}
    for m in modules:
        rel = m.relative_to(ROOT).as_posix()
        found = [x for x in mutants_of(m) if args.match in x.key]
        for x in found:
            if (rel, x.key) in equivalent:
                x.status, x.by = "equivalent", equivalent[(rel, x.key)]
            elif (rel, x.key) in before:
                x.status, x.by = before[(rel, x.key)]
        results[rel] = Result(rel, found)
    if args.list:
        for r in results.values():
            for x in r.mutants:
                print(f"{x.module}:{x.line} [{x.kind}] {x.key} {x.status}")
        return 0
    started = time.monotonic()
    lines, durations = _traced(modules, tests)
    todo = []
    for r in results.values():
        for x in r.mutants:
            if x.status:
                continue
            covering = _covering(x, lines, durations)
            x.tests = len(covering)
            if not covering:
                x.status = "survived"
                x.by = "no test runs this line"
            else:
                todo.append((x, covering))
    print(f"{len(todo)} mutants to run", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        run_all(
            [
                (x, covering, args.timeout or 60 + 5 * sum(durations.get(t, 1.0) for t in covering))
                for x, covering in todo
            ],
            args.jobs,
            Path(tmp),
        )
    elapsed = time.monotonic() - started
    report = render(results.values())
    print(f"{elapsed:.0f}s", file=sys.stderr)
    print(report)
    if args.json:
        args.json.write_text(
            json.dumps({k: [asdict(x) for x in r.mutants] for k, r in results.items()}, indent=1)
            + "\n",
            encoding="utf-8",
        )
    if args.write:
        page = args.write.read_text(encoding="utf-8")
        head, _, rest = page.partition(START)
        _, _, tail = rest.partition(END)
        args.write.write_text(f"{head}{START}\n{report}{END}{tail}", encoding="utf-8")
    return 0


def render(results: Any) -> str:
    out = [
        "| module | mutants | killed | survived | equivalent | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        killed = r.count("killed", "timeout")
        out.append(
            f"| `{r.module}` | {len(r.mutants)} | {killed} | {r.count('survived')} | "
            f"{r.count('equivalent')} | {r.score:.0%} |"
        )
    out.append("")
    for r in results:
        left = [x for x in r.mutants if x.status in ("survived", "equivalent", "error")]
        if not left:
            continue
        out.append(f"`{r.module}`, not killed:")
        out.append("")
        for x in sorted(left, key=lambda x: x.line):
            out.append(f"- line {x.line}, {x.key}: {x.status}" + (f" ({x.by})" if x.by else ""))
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
