"""The primary key `statpub init` finds in a table read in several batches.

The key search hashes each text column by its cells' positions among the
column's distinct texts (one dictionary for the whole column, whatever its
batches): a set is unique exactly when its texts are, and a column with a
missing cell anywhere is never part of the key.
"""

from __future__ import annotations

from pathlib import Path

from statpub.project.init import init_project

ROWS = 150_000  # several batches of the CSV reader (its first is 1 MiB)


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _key(tmp_path: Path, source: Path) -> list[str] | None:
    result = init_project(tmp_path / "project", [str(source)])
    notes = [i for i in result.inferences if i.property == "primaryKey"]
    assert len(notes) == 1
    return notes[0].value


def test_a_duplicate_far_from_the_first_rows_is_found(tmp_path: Path) -> None:
    # ``code`` alone is unique in the first 100,000 rows, then repeats: the key needs the
    # date too; ``region`` repeats its codes from the first batch on.
    rows = ["code,region,day,value"]
    for i in range(ROWS):
        code = f"c{i:06d}" if i < 100_000 else f"c{i - 100_000:06d}"
        day = "2024-01-01" if i < 100_000 else "2024-01-02"
        rows.append(f"{code},r{i % 7:02d},{day},{i % 1000}")
    assert _key(tmp_path, _write(tmp_path / "t.csv", rows)) == ["code", "day"]


def test_a_column_with_a_missing_cell_late_is_not_in_the_key(tmp_path: Path) -> None:
    # ``id`` would be the key, but one cell is ``..`` near the end: ``code`` and ``year``
    # make it instead.
    rows = ["id,code,year,value"]
    for i in range(ROWS):
        ident = ".." if i == ROWS - 10 else f"{i:07d}"
        rows.append(f"{ident},k{i // 4:06d},{2000 + i % 4},{i % 1000}")
    assert _key(tmp_path, _write(tmp_path / "t.csv", rows)) == ["code", "year"]


def test_no_key_when_rows_repeat(tmp_path: Path) -> None:
    rows = ["code,year"] + [f"k{i % 1000:04d},{2000 + i % 3}" for i in range(ROWS)]
    assert _key(tmp_path, _write(tmp_path / "t.csv", rows)) is None


def test_integers_are_one_value_whatever_their_sign(tmp_path: Path) -> None:
    # ``n`` is unique as text but not as integers: "+7" is 7, and "-0" is 0.
    rows = ["n,code,year"]
    for i in range(1_000):
        rows.append(f"{i},k{i // 2:04d},{2000 + i % 2}")
    rows += ["+7,x0001,2000", "-0,x0002,2000"]
    assert _key(tmp_path, _write(tmp_path / "t.csv", rows)) == ["code", "year"]


def test_plain_integers_make_a_key(tmp_path: Path) -> None:
    rows = ["n,code"] + [f"{i * 3 - 500},k{i % 5}" for i in range(ROWS)]
    assert _key(tmp_path, _write(tmp_path / "t.csv", rows)) == ["n"]
