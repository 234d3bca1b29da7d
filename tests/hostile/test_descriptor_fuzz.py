"""Random JSON of a descriptor's shape never crashes validate or diff.

Hypothesis writes descriptors whose resources have random paths, schemas,
dialects and constraints (each part either of a plausible shape or any JSON
value) beside a few real data files, and runs ``validate`` and ``diff``
in-process. Each must exit 0, 1 or 2 and never hit the "please report" handler
(an unexpected exception), nor print a traceback. A watchdog alarm turns a
hang into a failure; the inputs are small, so an example that takes long is a
hang, not a slow machine.
"""

from __future__ import annotations

import json
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statpub.cli import main

HANG = 60  # seconds: far beyond what these few-row tables take

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
any_json = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    "data.csv", "data.parquet", "other.csv", "../data.csv", "/etc/passwd", "", "sub/../data.csv",
    "missing.csv", "data.csv\x00", "C:/x.csv", "..\\data.csv", "https://example.org/x.csv",
    "data", "link.csv",
]  # fmt: skip
TYPES = ["string", "integer", "number", "boolean", "date", "datetime", "time", "year",
         "yearmonth", "duration", "geopoint", "geojson", "object", "array", "list",
         "any"]  # fmt: skip
CONSTRAINTS = ["required", "unique", "minLength", "maxLength", "pattern", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum", "enum"]  # fmt: skip
PATTERNS = ["[a-z]+", "(a+)+$", "(a)\\1", "(", "\\d{2}", "(?=x)", ".*", "\\w+"]
DIALECT_KEYS = ["delimiter", "quoteChar", "escapeChar", "doubleQuote", "header",
                "skipInitialSpace", "commentChar", "lineTerminator"]  # fmt: skip


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the plausible shape, sometimes any JSON value at all."""
    return st.one_of(strategy, strategy, strategy, any_json)


constraint_value = st.one_of(any_json, st.sampled_from(PATTERNS), st.integers(-5, 5))
field = st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["a", "b", "c", "d"]))},
    optional={
        "type": maybe(st.sampled_from(TYPES)),
        "format": maybe(st.sampled_from(["default", "email", "uri", "%Y", "any", "array"])),
        "constraints": maybe(
            st.dictionaries(st.sampled_from(CONSTRAINTS), constraint_value, max_size=3)
        ),
        "missingValues": any_json,
        "trueValues": any_json,
        "categories": any_json,
        "groupChar": any_json,
        "decimalChar": any_json,
        "delimiter": any_json,
    },
)
schema = st.fixed_dictionaries(
    {"fields": maybe(st.lists(maybe(field), max_size=4))},
    optional={
        "primaryKey": maybe(st.sampled_from(["a", ["a", "b"], "z"])),
        "uniqueKeys": any_json,
        "foreignKeys": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "fields": maybe(st.sampled_from(["a", ["a"]])),
                        "reference": maybe(
                            st.fixed_dictionaries(
                                {
                                    "resource": maybe(st.sampled_from(["r0", "r1", ""])),
                                    "fields": maybe(st.sampled_from(["a", ["b"]])),
                                }  # fmt: skip
                            )
                        ),
                    }
                ),
                max_size=2,
            )
        ),
        "missingValues": any_json,
        "fieldsMatch": maybe(st.sampled_from(["exact", "equal", "subset", "partial", "x"])),
    },
)
dialect = st.dictionaries(
    st.sampled_from(DIALECT_KEYS),
    st.one_of(st.sampled_from([",", ";", '"', "\n", "", ",,", "\\"]), st.booleans(), any_json),
    max_size=3,
)
resource = st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["r0", "r1", "r2"]))},
    optional={
        "path": maybe(st.one_of(st.sampled_from(PATHS),
                                st.lists(st.sampled_from(PATHS), max_size=2))),
        "schema": maybe(st.one_of(schema, st.sampled_from(["schema.json", "../s.json", "x"]))),
        "dialect": maybe(st.one_of(dialect,
                                   st.sampled_from(["dialect.json", "/proc/self/environ"]))),
        "format": maybe(st.sampled_from(["csv", "tsv", "parquet", "json", "CSV"])),
        "encoding": maybe(st.sampled_from(["utf-8", "latin-1", "utf-16", "klingon", "rot13"])),
        "hash": maybe(st.sampled_from(["sha256:00", "shake_128:ab", "md5:" + "0" * 32])),
        "bytes": any_json,
        "compression": any_json,
        "data": any_json,
        "type": maybe(st.just("table")),
    },
)  # fmt: skip
descriptor = st.fixed_dictionaries(
    {"resources": maybe(st.lists(maybe(resource), max_size=3))},
    optional={
        "name": any_json,
        "version": maybe(st.sampled_from(["1.0.0", "2.0.0-rc.1", "x", "../1"])),
        "licenses": any_json,
        "contributors": any_json,
        "created": any_json,
    },
)

CSV = "a,b,c\n1,x,2024-01-01\n2,\u00e9,\n1,y,bad\n"


def write_files(folder: Path) -> None:
    (folder / "data.csv").write_text(CSV, encoding="utf-8")
    (folder / "other.csv").write_bytes(b"a;b\n\xff;1\n")
    table = pa.table({"a": [1, 2], "b": ["x", "y"], "c": [2**63 + 1, 0]}, schema=pa.schema(
        [("a", pa.int64()), ("b", pa.string()), ("c", pa.uint64())]))  # fmt: skip
    pq.write_table(table, folder / "data.parquet")
    (folder / "schema.json").write_text(
        json.dumps({"fields": [{"name": "a", "type": "integer"}]}), encoding="utf-8"
    )
    (folder / "dialect.json").write_text(json.dumps({"delimiter": ";"}), encoding="utf-8")
    (folder / "link.csv").symlink_to("/etc/passwd")
    (folder / "data").mkdir()


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    def hang(signum: int, frame: Any) -> None:
        raise AssertionError(f"still running after {seconds}s: a hang")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*args: str) -> tuple[int, str]:
    with watchdog(HANG):
        result = CliRunner().invoke(main, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    return result.exit_code, output


_FIELDS_TRUE = {"resources": [{"name": "r0", "path": "data.csv", "schema": {"fields": True}}]}


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(old=descriptor, new=descriptor)
# Found by this test: a schema whose fields are not a list crashed resolving it.
@example(old=_FIELDS_TRUE, new=_FIELDS_TRUE)
@example(old={"resources": []}, new=_FIELDS_TRUE)
def test_random_descriptors_never_crash_validate_or_diff(old: Any, new: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = []
        for name, d in (("old", old), ("new", new)):
            folder = root / name
            folder.mkdir()
            write_files(folder)
            (folder / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
            folders.append(str(folder))
        for args in (
            ("validate", folders[1], "--json", "-q"),
            ("diff", folders[0], folders[1], "--json"),
        ):
            code, output = run(*args)
            assert code in (0, 1, 2), output
            assert "please report" not in output, output
            assert "Traceback" not in output, output
