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
# Their Table Schema defaults: writing one out, or dropping it, reads the same text the
# same way, so it is no change.
LEXICAL_DEFAULTS: dict[str, Any] = {
    "format": "default",
    "bareNumber": True,
    "decimalChar": ".",
    "trueValues": ["true", "True", "TRUE", "1"],
    "falseValues": ["false", "False", "FALSE", "0"],
}
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


def lexical_rules(f: dict[str, Any]) -> dict[str, Any]:
    """How a field reads its text: each of :data:`LEXICAL`, its default when not given."""
    return {prop: f.get(prop, LEXICAL_DEFAULTS.get(prop)) for prop in LEXICAL}


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
    rules_old, rules_new = lexical_rules(old), lexical_rules(new)
    for prop in LEXICAL:
        if rules_old[prop] != rules_new[prop]:
            out.append(
                Change(
                    "field-format-changed",
                    "major",
                    f"{prop} changed from {rules_old[prop]!r} to {rules_new[prop]!r}: "
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
    out += _code_changes(resource, name, old, new)
    if old.get("missingValues") != new.get("missingValues"):
        out.append(
            _missing_change(
                "the field's", resource, name, old.get("missingValues"), new.get("missingValues")
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
    for prop in sorted((set(old) | set(new)) - {"enum"}):  # enum: with the categories
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
    try:
        if prop in LOWER_BOUNDS:
            return bool(b > a)
        if prop in UPPER_BOUNDS:
            return bool(b < a)
    except TypeError:
        return True
    # A changed pattern or other constraint: cannot tell, so assume it rejects more.
    return True


def _code_changes(
    resource: str, name: str, old: dict[str, Any], new: dict[str, Any]
) -> list[Change]:
    """``categories`` and the ``enum`` constraint, judged together by the values they allow.

    Both restrict a field to a list of codes, so an enum that restates the
    field's categories (written for readers that ignore categories) allows
    nothing new and rejects nothing: a patch, not a tightened constraint.
    """
    before, after = _allowed(old), _allowed(new)
    if before == after:
        level = "patch"
    elif after is None:
        level = "minor"
    elif before is None or not before <= after:
        level = "major"
    else:
        level = "minor"
    out: list[Change] = []
    a, b = _enum(old), _enum(new)
    if a != b:
        if level == "patch":
            code, what = "constraint-restated", "the values allowed are the same as before"
        elif level == "major":
            code, what = "constraint-tightened", "more restrictive"
        else:
            code, what = "constraint-loosened", "less restrictive"
        out.append(
            Change(
                code,
                level,
                f"constraint enum changed from {a!r} to {b!r}: {what}",
                resource,
                name,
                {"enum": a},
                {"enum": b},
            )
        )
    ca, cb = old.get("categories"), new.get("categories")
    if ca != cb or old.get("categoriesOrdered") != new.get("categoriesOrdered"):
        va, vb = _category_values(ca), _category_values(cb)
        if cb is None:
            what = "categories were removed"
        elif ca is None:
            what = "categories were added to the field"
        elif not set(va) <= set(vb):
            what = f"categories {[v for v in va if v not in vb]!r} were removed"
        elif set(vb) - set(va):
            what = f"categories {[v for v in vb if v not in va]!r} were added"
        else:
            what = "category labels or order changed, not the values"
        allows = {
            "patch": "the values allowed are the same",
            "minor": "more values are allowed",
            "major": "values allowed before are now rejected",
        }[level]
        out.append(Change("categories-changed", level, f"{what}: {allows}", resource, name, ca, cb))
    return out


def _enum(field: dict[str, Any]) -> Any:
    constraints = field.get("constraints")
    return constraints.get("enum") if isinstance(constraints, dict) else None


def _allowed(field: dict[str, Any]) -> frozenset[str] | None:
    """The codes a field allows (``repr`` of each value), or None when any value is allowed."""
    lists = [_enum(field), field.get("categories")]
    sets = [
        frozenset(map(repr, _category_values(values) if i else values))
        for i, values in enumerate(lists)
        if isinstance(values, list)
    ]
    return frozenset.intersection(*sets) if sets else None


def _category_values(cats: Any) -> list[Any]:
    if not isinstance(cats, list):
        return []
    return [c.get("value") if isinstance(c, dict) else c for c in cats]


def _missing_change(whose: str, resource: str, name: str | None, old: Any, new: Any) -> Change:
    """A changed missingValues; the same values written another way is only a patch.

    v2 allows ``{value, label}`` objects where v1 takes only strings: the cells
    that read as missing are what matter, not how the list is written.
    """
    before, after = _missing_set(old), _missing_set(new)
    if before is not None and before == after:
        return Change(
            "missing-values-restated",
            "patch",
            f"{whose} missingValues are written differently but hold the same values "
            f"{sorted(before)!r}: every cell reads as before",
            resource,
            name,
            old,
            new,
        )
    return Change(
        "missing-values-changed",
        "major",
        f"{whose} missingValues changed: existing cells may now read as missing or as values",
        resource,
        name,
        old,
        new,
    )


def _missing_set(values: Any) -> frozenset[str] | None:
    if not isinstance(values, list):
        return None
    out = [v.get("value") if isinstance(v, dict) else v for v in values]
    return frozenset(v for v in out if isinstance(v, str)) if len(out) == len(values) else None


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
            _missing_change(
                "the schema's",
                resource,
                None,
                old.get("missingValues", [""]),
                new.get("missingValues", [""]),
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
