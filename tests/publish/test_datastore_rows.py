"""A table's rows to and from the DataStore in batches: the source they are read from,
and the comparison by key spilled into buckets, against a comparison held in memory."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import statpub.publish.datastore_rows as rows_module
from statpub.package import Package, read_table, typed_batches
from statpub.package.copies import copy_pairs
from statpub.publish.datastore_rows import compare, count_rows, iter_rows, read_rows, row_source
from statpub.publish.local import publishable

FIELDS = [
    {"id": "k", "type": "int8", "info": {}},
    {"id": "region", "type": "text", "info": {}},
    {"id": "value", "type": "numeric", "info": {}},
]
SCHEMA = {
    "fields": [
        {"name": "k", "type": "integer"},
        {"name": "region", "type": "string"},
        {"name": "value", "type": "number"},
    ],
    "primaryKey": ["k"],
}


def one_table(folder: Path, rows: list[tuple[int, str, str]]) -> Package:
    """A package of one CSV table (no Parquet copy) holding ``rows``, in their order."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "k,region,value\n" + "".join(f"{k},{r},{v}\n" for k, r, v in rows)
    data = text.encode()
    (folder / "t.csv").write_bytes(data)
    resource = {
        "name": "t", "path": "t.csv", "format": "csv", "mediatype": "text/csv",
        "schema": SCHEMA, "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
    }  # fmt: skip
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "one", "version": "1.0.0", "resources": [resource],
    }  # fmt: skip
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return publishable(folder)


class Pages:
    """datastore_search over ``held`` ([_id, *values] as CKAN answers them), by offset."""

    url = "http://portal.invalid"

    def __init__(self, held: list[list[Any]], rows_max: int = 3) -> None:
        self.held, self.rows_max, self.pages = held, rows_max, 0

    def call(self, action: str, data: dict[str, Any], **_: Any) -> Any:
        assert action == "datastore_search" and data["sort"] == "_id"
        self.pages += 1
        start = int(data["offset"])
        page = self.held[start : start + min(int(data["limit"]), self.rows_max)]
        return {"total": len(self.held), "records": page}


def in_memory(local: list[list[Any]], held: list[list[Any]]) -> tuple[list[Any], int, list[int]]:
    """The comparison as a dictionary of every held row by key: the oracle."""
    by_key = {r[1]: (r[0], [r[1], r[2], float(r[3])]) for r in held}
    upsert, revised = [], 0
    for row in local:
        have = by_key.pop(row[0], None)
        if have is None or have[1] != [row[0], row[1], float(row[2])]:
            upsert.append(row)
            revised += have is not None
    return upsert, revised, sorted(i for i, _ in by_key.values())


key = st.integers(-50, 50)
a_row = st.tuples(st.sampled_from(["R1", "R2", "Ä"]), st.sampled_from(["0.5", "2", "1e3", "7"]))


@given(
    local=st.dictionaries(key, a_row, max_size=40),
    held=st.dictionaries(key, a_row, max_size=40),
    shuffle=st.randoms(use_true_random=False),
    bucket_rows=st.sampled_from([1, 3, 1000]),
)
@settings(max_examples=60, deadline=None)
@example(local={}, held={1: ("R1", "2")}, shuffle=None, bucket_rows=1)
@example(local={}, held={k: ("R1", "0.5") for k in range(10)}, shuffle=None, bucket_rows=1)
@example(local={1: ("R1", "2"), 2: ("R2", "7")}, held={}, shuffle=None, bucket_rows=1)
def test_the_spilled_comparison_equals_the_comparison_in_memory(
    local: dict[int, tuple[str, str]],
    held: dict[int, tuple[str, str]],
    shuffle: Any,
    bucket_rows: int,
) -> None:
    """In whatever order either side comes and however many buckets it takes."""
    rows = [(k, r, v) for k, (r, v) in local.items()]
    portal = [[i + 1, k, r, v] for i, (k, (r, v)) in enumerate(held.items())]
    if shuffle is not None:
        shuffle.shuffle(rows)
        shuffle.shuffle(portal)
        portal = [[i + 1, *r[1:]] for i, r in enumerate(portal)]
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(rows_module, "BUCKET_ROWS", bucket_rows)
        res = one_table(Path(tmp), rows).resources[0]
        sent = read_rows(res, FIELDS)
        diff = compare(
            Pages(portal),
            "rid",
            "t.csv",
            FIELDS,
            ["k"],
            res,
            len(rows),
            len(portal),  # type: ignore[arg-type]
        )
    upsert, revised, delete = in_memory(sent, portal)
    assert not diff.duplicate and diff.total == len(rows)
    assert sorted(diff.upsert) == sorted(upsert)
    assert (diff.revised, diff.delete) == (revised, delete)


def test_a_key_held_twice_is_found_in_its_bucket(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(rows_module, "BUCKET_ROWS", 1)
    res = one_table(tmp_path, [(k, "R1", "1") for k in range(20)]).resources[0]
    held = [[i + 1, k, "R1", "1"] for i, k in enumerate(range(20))] + [[21, 7, "R2", "2"]]
    diff = compare(Pages(held), "rid", "t.csv", FIELDS, ["k"], res, 20, 21)  # type: ignore[arg-type]
    assert diff.duplicate
    same = compare(Pages(held[:-1]), "rid", "t.csv", FIELDS, ["k"], res, 20, 20)  # type: ignore[arg-type]
    assert (same.duplicate, same.upsert, same.delete) == (False, [], [])


def test_rows_come_from_the_parquet_copy_with_the_csv_values(package: Package) -> None:
    """The project's tables: each is read from its Parquet copy, and sends what its CSV holds."""
    pairs = copy_pairs(package)
    assert pairs
    for csv_res, pq_res in pairs:
        assert row_source(package, csv_res) is pq_res
        fields = [{"id": f["name"]} for f in (csv_res.schema or {})["fields"]]
        sent = [row for batch in iter_rows(pq_res, fields, 7) for row in batch]
        assert sent == read_rows(csv_res, fields)
        assert count_rows(pq_res) == count_rows(csv_res) == len(sent)


def test_a_table_without_a_copy_is_read_from_its_csv(tmp_path: Path) -> None:
    pkg = one_table(tmp_path, [(1, "R1", "2")])
    assert row_source(pkg, pkg.resources[0]) is pkg.resources[0]


def test_batches_are_at_most_the_size_asked(tmp_path: Path) -> None:
    res = one_table(tmp_path, [(k, "R1", "1") for k in range(23)]).resources[0]
    sizes = [len(b) for b in iter_rows(res, FIELDS, 5)]
    assert sizes == [5, 5, 5, 5, 3]


def test_typed_batches_make_the_table_read_whole(package: Package) -> None:
    for res in package.resources:
        if res.format in ("csv", "parquet") and res.spec is not None:
            batches = list(typed_batches(res))
            whole = read_table(res)
            assert sum(n for n, _ in batches) == whole.num_rows
            columns = [[v for _, arrays in batches for v in arrays[i].to_pylist()]
                       for i in range(whole.num_columns)]  # fmt: skip
            assert columns == [whole.column(i).to_pylist() for i in range(whole.num_columns)]


def test_a_parquet_file_is_read_in_batches_of_the_rows_asked(package: Package) -> None:
    _, pq_res = copy_pairs(package)[0]
    batches = list(typed_batches(pq_res, parquet_rows=3))
    whole = read_table(pq_res)
    assert whole.num_rows > 3 and {n for n, _ in batches[:-1]} == {3}
    assert [v for _, arrays in batches for v in arrays[0].to_pylist()] == whole.column(
        0
    ).to_pylist()
