"""The library's packages form layers that only point down, function-local imports included.

A newcomer reads the folders bottom-up: ``tables`` reads and writes Arrow
tables, ``package`` is a Data Package on disk, ``figures`` the maintainer's
figure files, ``versioning`` compares packages, ``validate`` checks them,
``builder`` builds this project's package, ``release`` versions it,
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
    {"builder"},
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
