"""Which resources are the CSV and Parquet copies of one table: one rule for validate and diff."""

from __future__ import annotations

import json
from pathlib import Path

from statpub.package import read_package
from statpub.package.copies import copy_pairs


def pairs(tmp_path: Path, *paths: str) -> list[tuple[str, str]]:
    resources = [{"name": f"r{i}", "path": p} for i, p in enumerate(paths)]
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": resources}), encoding="utf-8"
    )
    return [(str(a.name), str(b.name)) for a, b in copy_pairs(read_package(tmp_path))]


def test_csv_first_whatever_the_descriptor_order(tmp_path: Path) -> None:
    got = pairs(tmp_path, "data/b.parquet", "data/a.csv", "data/b.csv", "data/a.parquet")
    assert got == [("r2", "r0"), ("r1", "r3")]  # ordered by each pair's first resource


def test_the_extension_case_does_not_matter(tmp_path: Path) -> None:
    assert pairs(tmp_path, "x.CSV", "x.Parquet") == [("r0", "r1")]


def test_no_pair_when_it_would_be_a_guess(tmp_path: Path) -> None:
    assert pairs(tmp_path, "x.csv", "x.parquet", "x.CSV") == []  # two CSVs for one Parquet
    assert pairs(tmp_path, "x.csv.gz", "x.parquet") == []  # compressed: not a copy
    assert pairs(tmp_path, "x.csv", "y.parquet") == []
    assert pairs(tmp_path, "x.csv", "sub/x.parquet") == []
