"""Messages quote at most a short piece of the cell they are about, however long it is."""

from __future__ import annotations

import json
from pathlib import Path

from statpub.validate import validate

LONG = "9" * 20 + "x" * 1_000_000  # a megabyte-long bad cell


def test_long_cells_and_labels_are_cut_in_messages(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text(f"n,{LONG}\n{LONG},1\n", encoding="utf-8")
    fields = [
        {"name": "n", "type": "integer"},
        {"name": "m", "type": "string", "constraints": {"pattern": "[0-9]", "maxLength": 1}},
    ]
    resource = {"name": "t", "path": "data.csv", "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    report = validate(tmp_path)
    kinds = {i.type for i in report.errors}
    assert {"type-error", "incorrect-label"} <= kinds
    assert all(len(i.message) < 400 for i in report.issues), [len(i.message) for i in report.issues]
    assert all("x" * 100 not in i.message for i in report.issues)
