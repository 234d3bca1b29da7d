"""Typed differences between two Table Schemas, classified by the Data Package Version recipe.

The recipe (datapackage.org, "Data Package Version") makes MAJOR: renaming a
field, adding, removing or re-ordering fields, changing a field's type or
format, and making a constraint more restrictive; MINOR: making a constraint
less restrictive and updating a reference to another resource; PATCH: changing
descriptive metadata. Where the recipe says nothing statpub takes the reading
that cannot under-report a break (see docs/versioning.md).
"""

from __future__ import annotations

from typing import Any

from statpub.versioning.change import Change

# Properties that decide how a cell's text is read: changing them is a format change.
LEXICAL = ("format", "bareNumber", "decimalChar", "groupChar", "trueValues", "falseValues")
HANDLED = {
    "name",
    "type",
    "constraints",
    "categories",
    "categoriesOrdered",
    "missingValues",
    *LEXICAL,
}
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")


def diff_schema(
    resource: str, old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[Change], list[tuple[str, str]]]:
    """Changes from ``old`` to ``new`` and the (old name, new name) pairs of common fields."""
    old_fields = {
        f["name"]: f for f in old.get("fields", []) if isinstance(f, dict) and "name" in f
    }
    new_fields = {
        f["name"]: f for f in new.get("fields", []) if isinstance(f, dict) and "name" in f
    }
    old_order, new_order = list(old_fields), list(new_fields)
    changes: list[Change] = []
    renames = _renames(old_order, new_order, old_fields, new_fields)
    for o, n in renames:
        changes.append(
            Change(
                "field-renamed",
                "major",
                f"field {o!r} was renamed to {n!r}; consumers reading it by name break",
                resource,
                n,
                o,
                n,
            )
        )
    renamed_old = {o for o, _ in renames}
    renamed_new = {n for _, n in renames}
    for name in old_order:
        if name not in new_fields and name not in renamed_old:
            changes.append(
                Change("field-removed", "major", f"field {name!r} was removed", resource, name)
            )
    for name in new_order:
        if name not in old_fields and name not in renamed_new:
            changes.append(
                Change(
                    "field-added",
                    "major",
                    f"field {name!r} was added (the recipe counts any added field as "
                    "an incompatible change)",
                    resource,
                    name,
                )
            )
    rename_map = dict(renames)
    common = [(o, rename_map.get(o, o)) for o in old_order if o in new_fields or o in rename_map]
    old_rank = [o for o, _ in common]
    by_new = sorted(common, key=lambda p: new_order.index(p[1]))
    if [o for o, _ in by_new] != old_rank:
        changes.append(
            Change(
                "fields-reordered",
                "major",
                f"the fields were re-ordered: {', '.join(n for _, n in common)} are now in the "
                f"order {', '.join(n for _, n in by_new)}",
                resource,
                None,
                [n for _, n in common],
                [n for _, n in by_new],
            )
        )
    for o, n in by_new:
        changes += _field_changes(resource, n, old_fields[o], new_fields[n])
    changes += _schema_level(resource, old, new, rename_map)
    return changes, by_new


def _renames(
    old_order: list[str], new_order: list[str], old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[str, str]]:
    """A removed and an added field of the same type at the same position are one renamed field."""
    gone = [n for n in old_order if n not in new]
    came = [n for n in new_order if n not in old]
    pairs: list[tuple[str, str]] = []
    for o in list(gone):
        pos = old_order.index(o)
        if (
            pos < len(new_order)
            and new_order[pos] in came
            and _same_kind(old[o], new[new_order[pos]])
        ):
            pairs.append((o, new_order[pos]))
            gone.remove(o)
            came.remove(new_order[pos])
    if len(gone) == 1 and len(came) == 1 and _same_kind(old[gone[0]], new[came[0]]):
        pairs.append((gone[0], came[0]))
    return pairs


def _same_kind(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("type", "any") == b.get("type", "any") and a.get("format", "default") == b.get(
        "format", "default"
    )


def _field_changes(
    resource: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    out: list[Change] = []
    if old.get("type", "any") != new.get("type", "any"):
        out.append(
            Change(
                "field-type-changed",
                "major",
                f"type changed from {old.get('type', 'any')} to {new.get('type', 'any')}",
                resource,
                name,
                old.get("type", "any"),
                new.get("type", "any"),
            )
        )
    for prop in LEXICAL:
        if old.get(prop) != new.get(prop):
            out.append(
                Change(
                    "field-format-changed",
                    "major",
                    f"{prop} changed from {old.get(prop)!r} to {new.get(prop)!r}: "
                    "the same text now reads differently",
                    resource,
                    name,
                    old.get(prop),
                    new.get(prop),
                )
            )
    out += _constraint_changes(
        resource, name, old.get("constraints") or {}, new.get("constraints") or {}
    )
    out += _category_changes(resource, name, old, new)
    if old.get("missingValues") != new.get("missingValues"):
        out.append(
            Change(
                "missing-values-changed",
                "major",
                "the field's missingValues changed: existing cells may now read as "
                "missing or as values",
                resource,
                name,
                old.get("missingValues"),
                new.get("missingValues"),
            )
        )
    for prop in sorted((set(old) | set(new)) - HANDLED):
        if old.get(prop) != new.get(prop):
            out.append(
                Change(
                    "field-metadata-changed",
                    "patch",
                    f"{prop} changed",
                    resource,
                    name,
                    old.get(prop),
                    new.get(prop),
                )
            )
    return out


def _constraint_changes(
    resource: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    out: list[Change] = []
    for prop in sorted(set(old) | set(new)):
        a, b = old.get(prop), new.get(prop)
        if a == b:
            continue
        tighter = _tighter(prop, a, b)
        code, level = (
            ("constraint-tightened", "major") if tighter else ("constraint-loosened", "minor")
        )
        word = "more" if tighter else "less"
        out.append(
            Change(
                code,
                level,
                f"constraint {prop} changed from {a!r} to {b!r}: {word} restrictive",
                resource,
                name,
                {prop: a},
                {prop: b},
            )
        )
    return out


def _tighter(prop: str, a: Any, b: Any) -> bool:
    """Whether going from ``a`` to ``b`` can reject a value that was valid before."""
    if b is None:
        return False
    if a is None:
        return not (prop in ("required", "unique") and b is False)
    if prop in ("required", "unique"):
        return bool(b) and not bool(a)
    if prop == "enum" and isinstance(a, list) and isinstance(b, list):
        return not set(map(repr, a)) <= set(map(repr, b))
    try:
        if prop in LOWER_BOUNDS:
            return bool(b > a)
        if prop in UPPER_BOUNDS:
            return bool(b < a)
    except TypeError:
        return True
    # A changed pattern or other constraint: cannot tell, so assume it rejects more.
    return True


def _category_changes(
    resource: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    a, b = old.get("categories"), new.get("categories")
    if a == b and old.get("categoriesOrdered") == new.get("categoriesOrdered"):
        return []
    before, after = _category_values(a), _category_values(b)
    if b is None:
        level, what = "minor", "categories were removed: any value is now allowed"
    elif a is None or not set(before) <= set(after):
        gone = [v for v in before if v not in after]
        level = "major"
        what = (
            "categories were added to a free field"
            if a is None
            else f"categories {gone!r} were removed"
        )
    elif set(after) - set(before):
        level, what = "minor", f"categories {[v for v in after if v not in before]!r} were added"
    else:
        level, what = "patch", "category labels or order changed, not the values"
    return [Change("categories-changed", level, what, resource, name, a, b)]


def _category_values(cats: Any) -> list[Any]:
    if not isinstance(cats, list):
        return []
    return [c.get("value") if isinstance(c, dict) else c for c in cats]


def as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _schema_level(
    resource: str, old: dict[str, Any], new: dict[str, Any], renames: dict[str, str]
) -> list[Change]:
    out: list[Change] = []
    old_pk = [renames.get(k, k) for k in as_list(old.get("primaryKey"))]
    new_pk = as_list(new.get("primaryKey"))
    if old_pk != new_pk:
        out.append(
            Change(
                "primary-key-changed",
                "major",
                f"primaryKey changed from {old_pk or 'none'} to {new_pk or 'none'}: rows "
                "are identified differently",
                resource,
                None,
                old_pk,
                new_pk,
            )
        )
    if old.get("foreignKeys") != new.get("foreignKeys"):
        out.append(
            Change(
                "foreign-keys-changed",
                "minor",
                "foreignKeys changed: a reference to another resource was updated",
                resource,
                None,
                old.get("foreignKeys"),
                new.get("foreignKeys"),
            )
        )
    old_uk = [as_list(k) for k in old.get("uniqueKeys") or []]
    new_uk = [as_list(k) for k in new.get("uniqueKeys") or []]
    if old_uk != new_uk:
        added = [k for k in new_uk if k not in old_uk]
        out.append(
            Change(
                "unique-keys-changed",
                "major" if added else "minor",
                "uniqueKeys changed" + (": new keys reject rows that were valid" if added else ""),
                resource,
                None,
                old_uk,
                new_uk,
            )
        )
    if old.get("missingValues", [""]) != new.get("missingValues", [""]):
        out.append(
            Change(
                "missing-values-changed",
                "major",
                "the schema's missingValues changed: existing cells may now read as "
                "missing or as values",
                resource,
                None,
                old.get("missingValues"),
                new.get("missingValues"),
            )
        )
    for prop in sorted(
        (set(old) | set(new))
        - {"fields", "primaryKey", "foreignKeys", "uniqueKeys", "missingValues", "$schema"}
    ):
        if old.get(prop) != new.get(prop):
            level = "major" if prop == "fieldsMatch" else "patch"
            out.append(
                Change(
                    "schema-metadata-changed",
                    level,
                    f"schema property {prop} changed",
                    resource,
                    None,
                    old.get(prop),
                    new.get(prop),
                )
            )
    return out
