"""The adapters: one object per ``adapter:`` setting, asked by everything, its name tested
by nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from statpub.errors import StatpubError
from statpub.project import load_project
from statpub.project.adapters import ADAPTERS, adapter_of

SRC = Path(__file__).resolve().parents[2] / "src" / "statpub"
REPO = SRC.parents[1]
INTERFACE = ("configure", "lock_dir", "read_log", "source", "build", "sdmx")


def test_every_adapter_has_the_interface() -> None:
    assert set(ADAPTERS) == {"tables", "figures"}
    for name, adapter in ADAPTERS.items():
        assert adapter.name == name
        assert isinstance(adapter.release_flags, frozenset)
        for method in INTERFACE:
            assert callable(getattr(adapter, method)), (name, method)


def test_no_module_tests_an_adapters_name() -> None:
    """``project.adapter == "tables"`` and the like: the adapter object is asked instead."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            named = any(isinstance(s, ast.Attribute) and s.attr == "adapter" for s in sides)
            literal = any(
                isinstance(s, ast.Constant)
                and s.value in ADAPTERS
                or isinstance(s, ast.Tuple | ast.List | ast.Set)
                and any(isinstance(e, ast.Constant) and e.value in ADAPTERS for e in s.elts)
                for s in sides
            )
            if (
                named
                or literal
                and any(isinstance(s, ast.Name) and s.id == "adapter" for s in sides)
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_this_repository_is_a_figures_project() -> None:
    project = load_project(REPO)
    assert adapter_of(project) is ADAPTERS["figures"]
    assert project.figures == REPO / "figures"
    assert project.lock_dir == REPO / "figures"
    assert project.tables == []


def test_a_tables_project_holds_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "statpub.yml").write_text(
        "name: p\ntables:\n  - name: a\n    path: a.csv\n", encoding="utf-8"
    )
    project = load_project(tmp_path)
    assert adapter_of(project) is ADAPTERS["tables"]
    assert project.lock_dir == tmp_path and project.figures is None
    assert [t.name for t in project.tables] == ["a"]


@pytest.mark.parametrize("value", ["nope", ["tables"], 3])
def test_an_unknown_adapter_is_refused_naming_the_known_ones(tmp_path: Path, value: object) -> None:
    (tmp_path / "statpub.yml").write_text(f"name: p\nadapter: {value}\n", encoding="utf-8")
    with pytest.raises(StatpubError) as caught:
        load_project(tmp_path)
    assert caught.value.code == "project-invalid"
    assert "adapter:" in str(caught.value) and "tables" in str(caught.value)
    assert "figures" in str(caught.value)
