"""Check the rows of one table, batch by batch.

Within a batch the columns are read and constrained in parallel threads
(pyarrow compute releases the GIL); issues are then built, in the main thread,
only for the rows that fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import pyarrow as pa

from statpub.report import Issue
from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.arrow import FALSE
from statpub.tables.header import layout
from statpub.tables.lexical import KNOWN_TYPES, Parsed, parse
from statpub.tables.reader import (
    Batch,
    Early,
    NeedsSlowPath,
    Prefetch,
    SourceError,
    open_table,
)
from statpub.tables.spec import FieldSpec, TableSpec
from statpub.tables.typed import parse_column
from statpub.validate.engine import keys, messages
from statpub.validate.engine.constraints import ORDER, Prepared, failures, prepare
from statpub.validate.engine.plans import RANK_PRIMARY, KeyPlans

# Rank of an issue among those of one row, in frictionless-py's order.
RANK_CELL, RANK_EXTRA, RANK_MISSING = 0, 1, 2
_CONSTRAINT_RANK = {name: i for i, name in enumerate((*ORDER, "categories"))}


@dataclass
class Found:
    issue: Issue
    key: tuple[int, int, int, int]  # (row, rank, field position, constraint position)


@dataclass
class TableResult:
    found: list[Found] = field(default_factory=list)
    rows: int = 0
    stopped: bool = False  # the error limit stopped the reading
    unlisted: int = 0  # issues found beyond ``Context.keep``: counted, not kept


@dataclass
class Context:
    limit: int | None  # errors still allowed (None: no limit)
    on_rows: Callable[[int], None]  # told how many rows were just read
    reference_keys: Callable[[str, list[str]], keys.KeySet | Issue]
    keep: int | None = None  # issues kept at most; the rest are counted (memory stays bounded)


def check_table(spec: TableSpec, ctx: Context, early: Early | None = None) -> TableResult:
    """Check one table; ``early``: its reading, if it already started."""
    reported = 0

    def count(n: int) -> None:
        nonlocal reported
        reported += n
        ctx.on_rows(n)

    def catch_up(n: int) -> None:
        # The second reading re-reads rows already reported: keep the count monotonic.
        nonlocal reported
        skipped = min(n, reported)
        reported -= skipped
        if n > skipped:
            ctx.on_rows(n - skipped)

    try:
        try:
            return _check(spec, replace(ctx, on_rows=count), fast=True, early=early)
        except NeedsSlowPath:
            return _check(spec, replace(ctx, on_rows=catch_up), fast=False)
    except SourceError as exc:
        result = TableResult()
        issue = Issue(exc.code, exc.message, spec.label, spec.name, exc.row)
        result.found.append(Found(issue, (exc.row or 0, 0, 0, 0)))
        return result


class _Emitter:
    """Builds the issues of one table, each with its sort key; beyond ``keep`` it counts
    them (``unlisted``) without building them, so memory does not grow with the errors."""

    def __init__(self, spec: TableSpec, out: list[Found], keep: int | None = None) -> None:
        self.spec = spec
        self.out = out
        self.keep = keep
        self.unlisted = 0

    def full(self) -> bool:
        return self.keep is not None and len(self.out) >= self.keep

    def skip(self, n: int) -> None:
        """``n`` issues found and not kept."""
        self.unlisted += n

    def found(self, issue: Issue, key: tuple[int, int, int, int]) -> None:
        if self.full():
            self.unlisted += 1
        else:
            self.out.append(Found(issue, key))

    def add(
        self,
        code: str,
        message: str,
        row: int | None,
        field: str | None = None,
        rank: tuple[int, int, int] = (0, 0, 0),
    ) -> None:
        if self.full():
            self.unlisted += 1
            return
        issue = Issue(code, message, self.spec.label, self.spec.name, row, field)
        self.out.append(Found(issue, (row or 0, *rank)))


def _check(spec: TableSpec, ctx: Context, *, fast: bool, early: Early | None = None) -> TableResult:
    result = TableResult()
    emit = _Emitter(spec, result.found, ctx.keep)
    source = early.source if early is not None else open_table(spec, fast=fast)
    lay = layout(spec, source.labels, source.width)
    result.found.extend(Found(issue, (0, 0, 0, 0)) for issue in lay.issues)
    columns = lay.columns
    position: dict[str, int] = {}
    for i, col in enumerate(columns):
        position.setdefault(col.name, i)
        if col.type not in KNOWN_TYPES:
            emit.add("schema-error", f"field {col.name!r} has an unknown type {col.type!r}; "
                     "use a Table Schema type", None, col.name)  # fmt: skip
    plans = KeyPlans(spec, position, {c.name: c for c in columns})
    with early.reading if early is not None else Prefetch(source.batches) as reading:
        # The reader thread parses the first batches while the rest starts up.
        prepared = [_prepare(col, emit) for col in columns]
        errors = 0
        workers = min(len(columns), os.cpu_count() or 1) or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for batch, checked in _checked_batches(iter(reading), columns, prepared, pool):
                before = len(result.found) + emit.unlisted
                _emit_batch(emit, batch, columns, checked, plans)
                result.rows += batch.num_rows
                ctx.on_rows(batch.num_rows)
                errors += len(result.found) + emit.unlisted - before
                if ctx.limit is not None and errors >= ctx.limit:
                    result.stopped = True
                    break
    for rank, issue in plans.finish(ctx):
        emit.found(issue, (issue.row or 0, rank, 0, 0))
    result.unlisted = emit.unlisted
    return result


def _prepare(col: FieldSpec, emit: _Emitter) -> Prepared:
    sample = parse(pa.nulls(0, pa.string()), col)
    prepared = prepare(col, sample.values.type)
    for problem in prepared.problems:
        emit.add("schema-error", f"field {col.name!r}: {problem}; fix the schema", None, col.name)
    return prepared


@dataclass
class Checked:
    """One column of a batch, checked in a worker thread: its cells, and the
    rows (with their text) that break each rule, ready to be reported."""

    parsed: Parsed
    # (the rule broken, None for the type; the rows; their cells)
    bad: list[tuple[str | None, list[int], list[str | None]]]


def _bad_cells(mask: pa.Array, strings: pa.Array) -> tuple[list[int], list[str | None]]:
    if not pc.any(mask).as_py():
        return [], []
    indices = pc.indices_nonzero(mask)
    return indices.to_pylist(), pc.take(strings, indices).to_pylist()


def _checked_batches(
    batches: Iterator[Batch],
    columns: list[FieldSpec],
    prepared: list[Prepared],
    pool: ThreadPoolExecutor,
) -> Iterator[tuple[Batch, list[Checked]]]:
    def work(batch: Batch, i: int) -> Checked:
        parsed = parse_column(batch.columns[i], columns[i])
        if batch.kinds is not None:
            parsed = wrong_kinds(parsed, batch.kinds[i], columns[i])
        checked = Checked(parsed, [])
        rules: list[tuple[str | None, pa.Array]] = [(None, parsed.invalid)]
        rules += [(f.name, f.mask) for f in failures(prepared[i], parsed)]
        for name, mask in rules:
            rows, cells = _bad_cells(mask, parsed.strings)
            if rows:
                checked.bad.append((name, rows, cells))
        return checked

    # One batch ahead: its columns are checked while the previous one's issues
    # are built.
    ahead: tuple[Batch, list[Future[Checked]]] | None = None
    try:
        for batch in batches:
            futures = [pool.submit(work, batch, i) for i in range(len(columns))]
            if ahead is not None:
                yield ahead[0], [f.result() for f in ahead[1]]
            ahead = (batch, futures)
        if ahead is not None:
            yield ahead[0], [f.result() for f in ahead[1]]
            ahead = None
    finally:
        if ahead is not None:  # the reading stopped early
            for future in ahead[1]:
                future.cancel()


def _emit_batch(
    emit: _Emitter,
    batch: Batch,
    columns: list[FieldSpec],
    checked: list[Checked],
    plans: KeyPlans,
) -> None:
    row_list: list[int] = []

    def row_at(k: int) -> int:
        if batch.row_numbers is None:
            return batch.first_row + k
        if not row_list:
            row_list.extend(batch.row_numbers.to_pylist())
        return row_list[k]

    parsed = [c.parsed for c in checked]
    blank = _all([p.missing for p in parsed], batch.num_rows)
    blank_rows = set(_where(blank))
    for n, k in enumerate(sorted(blank_rows)):
        if emit.full():
            emit.skip(len(blank_rows) - n)
            break
        emit.add("blank-row", "the row is empty; remove it", row_at(k))
    for i, (col, c) in enumerate(zip(columns, checked, strict=True)):
        for name, rows, cells in c.bad:
            if emit.full():  # counted, not built
                emit.skip(sum(1 for k in rows if k not in blank_rows))
                continue
            for k, cell in zip(rows, cells, strict=True):
                if k in blank_rows:
                    continue  # reported once, as a blank row
                if name is None:  # a cell of the wrong type is there: it has a text
                    message = messages.type_error(col, str(cell))
                    emit.add("type-error", message, row_at(k), col.name, (RANK_CELL, i, 0))
                    continue
                code = "category-error" if name == "categories" else "constraint-error"
                message = messages.constraint_error(col, name, cell)
                emit.add(code, message, row_at(k), col.name, (RANK_CELL, i, _CONSTRAINT_RANK[name]))
    if batch.cell_counts is not None:
        # A blank row (an empty line) is reported once, as such: not once a missing cell.
        # The column index is an Arrow scalar: a Python int makes pyarrow import pandas.
        not_blank = pc.invert(pc.fill_null(blank, FALSE))
        for i, col in enumerate(columns):
            short = pc.less_equal(batch.cell_counts, arrow.scalar(i, batch.cell_counts.type))
            for k in _where(pc.and_(short, not_blank)):
                message = f"the row has no cell for field {col.name!r} (column {i + 1}); add it"
                emit.add("missing-cell", message, row_at(k), col.name, (RANK_MISSING, i, 0))
    for k, count in batch.extra_cells or []:
        if k in blank_rows:
            continue
        for number in range(len(columns) + 1, count + 1):
            message = (
                f"the row has a cell in column {number}, beyond the {len(columns)} column(s) "
                "of the header; remove it or add a field for it"
            )
            emit.add("extra-cell", message, row_at(k), None, (RANK_EXTRA, number, 0))
    for issue in plans.collect(parsed, batch.rows, row_at):
        emit.found(issue, (issue.row or 0, RANK_PRIMARY, 0, 0))


def wrong_kinds(parsed: Parsed, kinds: pa.Array, col: FieldSpec) -> Parsed:
    """JSON cells of a kind the field cannot hold (a number in a string field) are invalid."""
    from statpub.tables.jsonrows import ACCEPTS, STRING

    if col.type == "any":
        return parsed
    accepted = ACCEPTS.get(col.type, {STRING})
    allowed = arrow.array(sorted(accepted), pa.uint8())
    bad = pc.and_(pc.is_valid(kinds), pc.invert(pc.is_in(kinds, value_set=allowed)))
    if not pc.any(bad).as_py():
        return parsed
    invalid = pc.or_(parsed.invalid, bad)
    values = pc.if_else(bad, arrow.null(parsed.values.type), parsed.values)
    return replace(parsed, invalid=invalid, values=values)


def _all(masks: list[pa.Array], n: int) -> pa.Array:
    if not masks:
        return pc.fill_null(pa.nulls(n, pa.bool_()), FALSE)
    out = masks[0]
    for m in masks[1:]:
        out = pc.and_(out, m)
    return out


def _where(mask: pa.Array) -> list[int]:
    """Indices where ``mask`` is true."""
    if not pc.any(mask).as_py():
        return []
    indices: list[int] = pc.indices_nonzero(mask).to_pylist()
    return indices
