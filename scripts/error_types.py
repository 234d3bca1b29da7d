"""Every error ``type`` statpub can emit, found in its source: for docs/error-types.md.

Read from the code (Python's ``ast``), never listed by hand, so the page cannot
go stale: ``cog -r docs/error-types.md`` rewrites it, and the test suite fails
when it differs. Two kinds:

* **issue**: an entry of a report (``validate``, ``release``, ``publish`` ...),
  an error or a warning, by the ``type`` of an ``Issue``;
* **stop**: what makes a command stop with exit status 2 (or, for a refused
  release or publish, 1), the ``type`` of ``{"error": {"type", ...}}``.

Where a type is given: the first argument of ``Issue(...)`` and of the helpers
that build one, the ``code=`` of an exception, the rule tables (``RULES``), the
``PathProblem`` codes of the path policy and the constraint names the engine
reports. Diff's change types are listed in docs/versioning.md instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "statpub"
SHAPE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
# Callables whose argument at this position is an issue's type.
ISSUE_ARGS = {
    "Issue": 0,
    "SourceError": 0,
    "_source_error": 0,
    "PathProblem": 0,
    "label_issue": 0,
    "error": 0,
    "add": 0,
    "Rule": 0,
    "_issue": 2,
    "_at": 2,
}
STOP_ARGS = {"_error": 1, "error_document": 0}
# Built from a name rather than written out: the engine's constraint and key checks.
ENGINE = {"constraint-error", "category-error"}


def _where(path: Path) -> str:
    return path.relative_to(SRC.parent).with_suffix("").as_posix().replace("/", ".")


def _literals(node: ast.AST) -> list[str]:
    """The type a node gives: a string, or each branch of ``a if ... else b``."""
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and SHAPE.match(node.value):
        return [node.value]
    return []


def _rule_tables(tree: ast.Module) -> list[str]:
    """First items of the tuples of a module-level ``*RULES`` list."""
    found = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        named = [t.id for t in targets if isinstance(t, ast.Name)]
        if not any(n.endswith("RULES") for n in named) or not isinstance(node.value, ast.List):
            continue
        for item in node.value.elts:
            if isinstance(item, ast.Tuple) and item.elts:
                found += _literals(item.elts[0])
    return found


def error_types() -> dict[str, tuple[str, list[str]]]:
    """type -> (kind, modules), sorted by type."""
    found: dict[str, tuple[str, set[str]]] = {}

    def note(code: str, kind: str, where: str) -> None:
        was_kind, places = found.get(code, (kind, set()))
        found[code] = ("issue" if "issue" in (kind, was_kind) else kind, places | {where})

    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = _where(path)
        for code in _rule_tables(tree):
            note(code, "issue", where)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            for table, kind in ((ISSUE_ARGS, "issue"), (STOP_ARGS, "stop")):
                at = table.get(name)
                if at is not None and len(node.args) > at:
                    for code in _literals(node.args[at]):
                        note(code, kind, where)
            for keyword in node.keywords:
                for code in _literals(keyword.value) if keyword.arg == "code" else []:
                    note(code, "stop", where)
        for node in ast.walk(tree):  # (code, ...) tuples of a rule's findings
            if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.IfExp):
                for code in _literals(node.elts[0]):
                    note(code, "issue", where)
    for code in ENGINE:
        note(code, "issue", "statpub.validate.engine.table")
    return {code: (kind, sorted(places)) for code, (kind, places) in sorted(found.items())}


def markdown_rows() -> list[str]:
    rows = ["| type | kind | emitted in |", "| --- | --- | --- |"]
    for code, (kind, places) in error_types().items():
        rows.append(f"| `{code}` | {kind} | {', '.join(f'`{p}`' for p in places)} |")
    return rows


if __name__ == "__main__":
    print("\n".join(markdown_rows()))
