"""A table the fast CSV path gives up on part-way is read on by the slow path, each row once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statpub.package import parsed_batches, read_package
from statpub.tables import reader
from statpub.tables.csvslow import open_csv_slow


def test_rows_given_before_the_slow_path_takes_over_are_not_given_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 60_000
    lines = ["id,v"]
    for i in range(rows):
        lines.append(f"{i},{2 * i}")
        if i == rows - 10:
            # One quoted empty cell in a row of two: a short row, which only the csv module
            # numbers exactly (an unquoted empty line stays on the fast path).
            lines.append('""')
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "v", "type": "integer"}]}
    descriptor = {"name": "x", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    # Small pieces, so that the fast path has given some batches before it meets the line.
    monkeypatch.setattr(reader, "FIRST_CHUNK_BYTES", 1 << 14)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 1 << 15)
    slow: list[int] = []

    def spy(*args: Any) -> Any:
        slow.append(1)
        return open_csv_slow(*args)

    monkeypatch.setattr(reader, "open_csv_slow", spy)
    batches = list(parsed_batches(read_package(tmp_path).resources[0]))
    assert slow and len(batches) > 2
    ids = [v for pb in batches for v in pb.columns[0].values.to_pylist()]
    numbers = [n for pb in batches for n in pb.batch.rows().to_pylist()]
    assert len(ids) == rows + 1  # every record once, the empty one included
    assert [v for v in ids if v is not None] == list(range(rows))
    assert numbers == list(range(2, rows + 3))
