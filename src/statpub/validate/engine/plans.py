"""Which keys a table has (primary, unique, foreign), collected batch by batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyarrow as pa

from statpub.report import Issue
from statpub.tables import compute as pc
from statpub.tables.arrow import FALSE
from statpub.tables.spec import FieldSpec, TableSpec
from statpub.validate.engine import keys, messages

if TYPE_CHECKING:
    from statpub.tables.lexical import Parsed
    from statpub.validate.engine.table import Context

RANK_UNIQUE, RANK_PRIMARY, RANK_FOREIGN = 3, 4, 5


@dataclass
class _Key:
    names: list[str]
    positions: list[int]
    keyset: keys.KeySet
    as_float: bool = False


def _nan(values: pa.Array) -> pa.Array | None:
    """Where a float key is NaN (never equal to anything); None for other types."""
    if pa.types.is_floating(values.type):
        return pc.fill_null(pc.is_nan(values), FALSE)
    return None


def _skip(masks: list[pa.Array | None]) -> pa.Array | None:
    present = [m for m in masks if m is not None]
    return _any(present) if present else None


def _keep(skip: pa.Array | None) -> pa.Array | None:
    return None if skip is None else pc.invert(skip)


def _any(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for m in masks[1:]:
        out = pc.or_(out, m)
    return out


def _all(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for m in masks[1:]:
        out = pc.and_(out, m)
    return out


class KeyPlans:
    def __init__(
        self, spec: TableSpec, position: dict[str, int], fields: dict[str, FieldSpec]
    ) -> None:
        self.spec = spec
        self.fields = fields

        def key(names: list[str], as_float: bool = False) -> _Key | None:
            if not names or not all(n in position for n in names):
                return None
            return _Key(names, [position[n] for n in names], keys.KeySet(), as_float)

        self.primary = key(spec.primary_key)
        self.unique = [
            k
            for f in spec.fields
            if f.constraints.get("unique") and (k := key([f.name])) is not None
        ]
        self.unique_keys = [k for names in spec.unique_keys if (k := key(names)) is not None]
        self.foreign: list[tuple[dict[str, object], _Key, _Key | None]] = []
        for fk in spec.foreign_keys:
            target = key(list(fk["fields"]), as_float=True)
            if target is None:
                continue
            self_ref = fk["resource"] in ("", spec.name)
            ref = key(list(fk["reference_fields"]), as_float=True) if self_ref else None
            self.foreign.append((fk, target, ref))

    @property
    def active(self) -> bool:
        return bool(self.primary or self.unique or self.unique_keys or self.foreign)

    def _columns(self, parsed: list[Parsed], k: _Key) -> tuple[list[pa.Array], list[pa.Array]]:
        """The key's columns (a field may give more than one), and where each field is empty."""
        columns: list[pa.Array] = []
        empty: list[pa.Array] = []
        for n, p in zip(k.names, k.positions, strict=True):
            own = keys.key_columns(parsed[p], self.fields[n], as_float=k.as_float)
            columns += own
            empty.append(_all([pc.is_null(c) for c in own]))
        return columns, empty

    def collect(
        self,
        parsed: list[Parsed],
        row_numbers: Callable[[], pa.Array],
        row_at: Callable[[int], int],
    ) -> list[Issue]:
        issues: list[Issue] = []
        if not self.active:
            return issues
        rows = row_numbers()
        spec = self.spec
        if self.primary is not None:
            cols, nulls = self._columns(parsed, self.primary)
            all_null = _all(nulls)
            for k in pc.indices_nonzero(all_null).to_pylist() if pc.any(all_null).as_py() else []:
                issues.append(
                    Issue(
                        "primary-key",
                        f"the primary key ({', '.join(self.primary.names)}) is empty in this row; "
                        "every row needs a key",
                        path=spec.label,
                        resource=spec.name,
                        row=row_at(k),
                    )
                )
            empty = [parsed[p].missing for p in self.primary.positions]
            if len(cols) > 1 and any(pc.any(m).as_py() for m in empty):
                # Table Schema: key fields cannot be null. frictionless-py only
                # reports a key that is null in every field.
                partial = pc.and_(_any(empty), pc.invert(all_null))
                for k in pc.indices_nonzero(partial).to_pylist() if pc.any(partial).as_py() else []:
                    gone = [
                        n for n, m in zip(self.primary.names, empty, strict=True) if m[k].as_py()
                    ]
                    issues.append(
                        Issue(
                            "primary-key",
                            f"primary key field(s) {', '.join(gone)} empty in this row; "
                            "key fields are required",
                            path=spec.label,
                            resource=spec.name,
                            row=row_at(k),
                        )
                    )
            self.primary.keyset.add(cols, rows, _keep(_skip([all_null, *map(_nan, cols)])))
        for k in self.unique:
            cols, nulls = self._columns(parsed, k)
            k.keyset.add(cols, rows, _keep(_skip([nulls[0], *map(_nan, cols)])))
        for k in self.unique_keys:
            cols, nulls = self._columns(parsed, k)
            k.keyset.add(cols, rows, _keep(_skip([*nulls, *map(_nan, cols)])))
        for _fk, target, ref in self.foreign:
            cols, nulls = self._columns(parsed, target)
            target.keyset.add(cols, rows, pc.invert(_all(nulls)))
            if ref is not None:
                rcols, rnulls = self._columns(parsed, ref)
                ref.keyset.add(rcols, rows, pc.invert(_all(rnulls)))
        return issues

    def finish(self, ctx: Context) -> list[tuple[int, Issue]]:
        spec = self.spec
        out: list[tuple[int, Issue]] = []
        if self.primary is not None:
            for row, prev in keys.duplicates(self.primary.keyset):
                message = messages.duplicate("the primary key", self.primary.names, prev)
                out.append(
                    (RANK_PRIMARY, Issue("primary-key", message, spec.label, spec.name, row))
                )
        for k in self.unique:
            for row, prev in keys.duplicates(k.keyset):
                message = messages.duplicate("the unique field", k.names, prev)
                out.append(
                    (
                        RANK_UNIQUE,
                        Issue("unique-error", message, spec.label, spec.name, row, k.names[0]),
                    )
                )
        for k in self.unique_keys:
            for row, prev in keys.duplicates(k.keyset):
                message = messages.duplicate("the unique key", k.names, prev)
                out.append((RANK_UNIQUE, Issue("unique-key", message, spec.label, spec.name, row)))
        for fk, target, ref in self.foreign:
            resource = str(fk["resource"]) or spec.name
            ref_fields = list(fk["reference_fields"])  # type: ignore[call-overload]
            reference: keys.KeySet | Issue
            if ref is not None:
                reference = ref.keyset
            else:
                reference = ctx.reference_keys(resource, ref_fields)
            if isinstance(reference, Issue):
                # The key's own table is where it is to be fixed.
                out.append((RANK_FOREIGN, replace(reference, path=spec.label, resource=spec.name)))
                continue
            for row in keys.dangling(target.keyset, reference):
                message = (
                    f"the value of ({', '.join(target.names)}) is not found in resource "
                    f"{resource!r} ({', '.join(ref_fields)}); fix the value or add it there"
                )
                out.append(
                    (RANK_FOREIGN, Issue("foreign-key", message, spec.label, spec.name, row))
                )
        return out
