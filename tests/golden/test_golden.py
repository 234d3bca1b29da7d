"""Golden files for every command's ``--json`` output: the contract CI scripts parse.

Each case runs one command as a user would and compares its stdout, parsed,
with ``tests/golden/<case>.json``. Temporary folders become ``<tmp>``; for the
cases built from this project's own figure files, sha256 digests become
``<sha256>`` (they change with every data change; their presence and place do
not). Regenerate after an intended change with ``STATPUB_GOLDEN=update`` and
review the diff like code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "tests" / "versioning" / "fixtures"
SHA = re.compile(r"\b[0-9a-f]{64}\b")


@dataclass
class Case:
    args: Callable[[Path], list[str]]  # given a scratch folder
    exit_code: int
    project_data: bool = False  # built from figures/: digests are not pinned


def _copy(src: Path, tmp: Path, name: str) -> Path:
    dest = tmp / name
    shutil.copytree(src, dest)
    return dest


def _invalid_trade(tmp: Path) -> list[str]:
    pkg = _copy(FIXTURES / "trade-v1", tmp, "trade")
    csv = pkg / "data" / "flows.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("2023", "20x3", 1), encoding="utf-8")
    return ["validate", str(pkg), "--json", "-q"]


def _texts() -> str:
    """The captured source texts: a release always checks its quotes."""
    from services import SOURCES, require_service, sources_location

    texts = sources_location()
    why = f"no folder {texts} (set STATPUB_SOURCES to the captured source texts)"
    require_service("source texts", texts.is_dir(), why, required_by=SOURCES)
    return str(texts)


def _last_release_date() -> str:
    """The date of the repository's last release: a correction released on the same day
    is never dated before it, whatever the history has become."""
    import yaml

    releases = yaml.safe_load((ROOT / "figures/releases.yml").read_text(encoding="utf-8"))
    return str(releases["releases"][-1]["date"])


def _repo(tmp: Path) -> Path:
    """A scratch repository layout: figures/, schemas/, releases/ and a built package."""
    for name in ("figures", "schemas", "releases"):
        shutil.copytree(ROOT / name, tmp / name)
    return tmp


def _release(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    source = repo / "figures" / "sources" / "fixyanet-2025-06.yml"
    text = source.read_text(encoding="utf-8")
    # A correction that keeps the figure coherent with its quote: "6.9 million" read
    # as rounded to the nearest 0.1 million reaches up to 6,950,000 included.
    old = "    upper_bound: 6949999\n"
    new = "    upper_bound: 6950000\n    reason: A test correction.\n"
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")
    return [
        "release", "--figures", str(repo / "figures"), "--schemas", str(repo / "schemas"),
        "--out", str(repo / "datapackage"), "--releases", str(repo / "releases"),
        "--date", _last_release_date(), "--sources", _texts(), "--json",
    ]  # fmt: skip


def _build(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    return [
        "build", "--figures", str(repo / "figures"), "--schemas", str(repo / "schemas"),
        "--out", str(tmp / "built"), "--sources", _texts(), "--json",
    ]  # fmt: skip


def _site(tmp: Path) -> list[str]:
    pkg = _copy(ROOT / "releases" / "1.0.0", tmp, "pkg")
    (pkg / "SHA256SUMS").unlink()
    return ["site", "--package", str(pkg), "--out", str(tmp / "site"), "--json"]


CASES: dict[str, Case] = {
    "validate-valid": Case(
        lambda t: ["validate", str(_copy(FIXTURES / "trade-v1", t, "trade")), "--json", "-q"], 0
    ),
    "validate-invalid": Case(_invalid_trade, 1),
    "diff-different": Case(
        lambda t: ["diff", str(FIXTURES / "trade-v1"), str(FIXTURES / "trade-v2"), "--json"], 1
    ),
    "diff-same": Case(
        lambda t: ["diff", str(FIXTURES / "trade-v1"), str(FIXTURES / "trade-v1"), "--json"], 0
    ),
    "catalog-dcat": Case(
        lambda t: ["catalog", str(ROOT / "releases" / "1.0.0"), "--format", "dcat"], 0
    ),
    "catalog-schemaorg": Case(
        lambda t: ["catalog", str(ROOT / "releases" / "1.0.0"), "--format", "schemaorg"], 0
    ),
    "checkout": Case(
        lambda t: [
            "checkout",
            "1.0.0",
            str(t / "v1"),
            "--releases",
            str(ROOT / "releases"),
            "--json",
        ],  # fmt: skip
        0,
    ),
    "vintage": Case(
        lambda t: [
            "vintage",
            "--releases",
            str(ROOT / "releases"),
            "--where",
            "indicator_id=family-support-centres",
            "--json",
        ],  # fmt: skip
        0,
    ),
    "build": Case(_build, 0, project_data=True),
    "release": Case(_release, 0, project_data=True),
    "site": Case(_site, 0, project_data=True),
    "docs-dictionary": Case(
        lambda t: [
            "docs",
            "dictionary",
            "--schemas",
            str(ROOT / "schemas"),
            "--out",
            str(ROOT / "docs" / "data-dictionary.md"),
            "--check",
            "--json",
        ],
        0,
    ),  # fmt: skip
}


def normalise(value: Any, tmp: Path, project_data: bool) -> Any:
    if isinstance(value, dict):
        return {k: normalise(v, tmp, project_data) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, tmp, project_data) for v in value]
    if isinstance(value, str):
        value = value.replace(str(tmp), "<tmp>").replace(str(ROOT), "<repo>")
        return SHA.sub("<sha256>", value) if project_data else value
    return value


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_output_matches_its_golden_file(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    args = case.args(tmp_path)
    result = CliRunner().invoke(main, args, env={"STATPUB_SOURCES": None})
    assert result.exit_code == case.exit_code, result.output
    got = normalise(json.loads(result.stdout), tmp_path, case.project_data)
    golden = HERE / f"{name}.json"
    if os.environ.get("STATPUB_GOLDEN") == "update":
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with STATPUB_GOLDEN=update"
    assert got == json.loads(golden.read_text(encoding="utf-8"))
