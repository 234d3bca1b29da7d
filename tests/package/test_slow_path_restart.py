"""A table the fast CSV path gives up on part-way is read on by the slow path, each row once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statpub.package import parsed_batches, read_package
from statpub.tables import reader


def test_rows_given_before_the_slow_path_takes_over_are_not_given_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 60_000
    lines = ["id,v"]
    for i in range(rows):
        lines.append(f"{i},{2 * i}")
        if i == rows - 10:
            lines.append("")  # an empty line: only the csv module tells it from empty cells
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "v", "type": "integer"}]}
    descriptor = {"name": "x", "resources": [{"name": "t", "path": "t.csv", "schema": schema}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    # Small pieces, so that the fast path has given some batches before it meets the line.
    monkeypatch.setattr(reader, "FIRST_CHUNK_BYTES", 1 << 14)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 1 << 15)
    batches = list(parsed_batches(read_package(tmp_path).resources[0]))
    assert len(batches) > 2
    ids = [v for pb in batches for v in pb.columns[0].values.to_pylist()]
    numbers = [n for pb in batches for n in pb.batch.rows().to_pylist()]
    assert len(ids) == rows + 1  # every record once, the empty one included
    assert [v for v in ids if v is not None] == list(range(rows))
    assert numbers == list(range(2, rows + 3))
