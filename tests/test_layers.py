"""The library's packages form layers that only point down, function-local imports included.

A newcomer reads the folders bottom-up: ``tables`` reads and writes Arrow
tables, ``package`` is a Data Package on disk, ``figures`` the maintainer's
figure files, ``versioning`` compares packages, ``validate`` checks them,
``inputs`` reads a project's table files (CSV, Excel, Parquet), ``builder``
writes a package from any source of tables, ``project`` is a statpub project
(statpub.yml) built and scaffolded, its tables from one of ``project/adapters``
(``tables``: any files; ``figures``: the figure model),
``release`` versions it,
``publish`` and ``site`` send it out, ``cli`` is the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "statpub"

LAYERS = [
    {"errors", "report", "safetext", "semver", "__init__"},
    {"tables"},
    {"package"},
    {"figures"},
    {"versioning"},
    {"validate"},
    {"inputs"},
    {"builder"},
    {"project"},
    {"release"},
    {"publish"},
    {"site"},
    {"cli"},
]


def layer(part: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if part in names)


def top(module: str) -> str:
    """The top-level part of ``statpub.x.y``; a name defined in ``statpub/__init__.py``
    (``__version__``) belongs to it."""
    parts = module.split(".")
    if len(parts) < 2 or not ((SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").is_file()):
        return "__init__"
    return parts[1]


def imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "statpub":
                out += [(node.lineno, f"statpub.{a.name}") for a in node.names]
            elif node.module.startswith("statpub."):
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("statpub.")]
    return out


def test_every_module_belongs_to_a_layer() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        layer(rel.parts[0].removesuffix(".py"))


def test_layers_only_point_down() -> None:
    upward = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        own = rel.parts[0].removesuffix(".py")
        for line, module in imports(path):
            if layer(top(module)) > layer(own):
                upward.append(f"{rel}:{line} imports {module}")
    assert upward == []


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(module: str, name: str | None) -> str | None:
    """The statpub module an import loads: ``from statpub.x import y`` is ``statpub.x.y``
    when y is a module, else ``statpub.x``."""
    for candidate in ([f"{module}.{name}"] if name else []) + [module]:
        parts = candidate.split(".")[1:]
        base = SRC.joinpath(*parts) if parts else SRC
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return candidate
    return None


def _runtime_imports(path: Path) -> set[str]:
    """The statpub modules ``path`` imports when it runs, function-local imports included;
    not those under ``if TYPE_CHECKING:``, which never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "statpub":
                out.update(t for a in node.names if (t := _target(node.module, a.name)))
        elif isinstance(node, ast.Import):
            out.update(
                t
                for a in node.names
                if a.name.startswith("statpub.") and (t := _target(a.name, None))
            )
    return out


def test_no_import_cycle_within_a_layer() -> None:
    """A cycle hidden by a function-local import is still a cycle: two modules that need
    each other are one module, or share a third below them."""
    graph = {_module(p): _runtime_imports(p) for p in sorted(SRC.rglob("*.py"))}
    graph = {m: {t for t in deps if t != m and t in graph} for m, deps in graph.items()}
    # A folder's __init__ gathering its own modules is how a package is imported, not a
    # cycle of those modules: the search does not pass through one. Sorted, so that the
    # search is the same in every run.
    graph = {m: {t for t in deps if not _is_folder(t)} for m, deps in graph.items()}
    cycles = []
    for start in sorted(m for m in graph if not _is_folder(m)):
        # Is start reachable from itself, through modules of its own layer?
        own = top(start)
        seen: set[str] = set()
        stack = [(t, [start, t]) for t in sorted(graph[start]) if top(t) == own]
        while stack:
            node, trail = stack.pop()
            if node == start:
                cycles.append(" -> ".join(trail))
                break
            if node in seen:
                continue
            seen.add(node)
            stack += [(t, [*trail, t]) for t in sorted(graph[node]) if top(t) == own]
    assert cycles == []


def _is_folder(module: str) -> bool:
    return SRC.joinpath(*module.split(".")[1:], "__init__.py").is_file()
