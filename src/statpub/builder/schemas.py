"""The Table Schemas as published: readable by Data Package v1 and v2 readers alike.

Readers that know only v1 (frictionless-py 4, datapackage-py, tableschema-py,
the npm ``datapackage``, frictionless-r 1.x) and frictionless-py 5 ignore
``categories``; the same codes in ``constraints.enum`` make every one of them
check the codes. The enum is derived here, so the schema in ``schemas/`` lists
each code once. The other v1 requirement, ``missingValues`` as plain strings,
is written in the source schemas themselves (a label cannot be dropped
silently); ``statpub validate --compat v1`` on the built package enforces both.
"""

from __future__ import annotations

import copy
from typing import Any

from statpub.errors import StatpubError
from statpub.tables.schema import category_values


def published_schema(schema: dict[str, Any], *, label: str = "schema") -> dict[str, Any]:
    """A copy of ``schema`` with every field's categories mirrored in ``constraints.enum``.

    An ``enum`` already written must list the same codes in the same order.
    """
    out = copy.deepcopy(schema)
    for field in out.get("fields", []):
        values = category_values(field)
        if values is None:
            continue
        constraints = field.setdefault("constraints", {})
        enum = constraints.get("enum")
        if enum is None:
            constraints["enum"] = values
        elif list(enum) != values:
            raise StatpubError(
                f"{label}: field {field.get('name')!r} lists the codes {enum!r} in "
                f"constraints.enum but {values!r} in categories; remove the enum (statpub "
                "writes it from the categories) or make both the same",
                code="schema-error",
            )
    return out
