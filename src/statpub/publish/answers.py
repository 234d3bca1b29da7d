"""What statpub expects each CKAN action to answer: one schema per action, checked in one place.

:meth:`statpub.publish.portal.Portal.call` checks every answer here before
anything else reads it, so the rest of the publisher may rely on the shapes
below (a dict where a dict is expected, text where text is, an integer where
one is counted). Any other answer is a ``portal-error`` naming the action and
the first part that is not as expected; it never reaches code that would
crash on it. Keys not listed are not checked (and must not be relied on).
"""

from __future__ import annotations

from typing import Any

from statpub.errors import StatpubError

# a spec is a type name, a tuple of alternatives, ("list", spec) or a dict of key -> spec
# (a key ending in "?" may be absent or null)
TEXT = "text"
INT = "int"
BOOL = "bool"
ANY = "any"
NULL = "null"
MAX_DEPTH = 64  # nesting an answer may have where statpub reads it

_RESOURCE: dict[str, Any] = {
    "id": TEXT,
    "name?": TEXT,
    "position?": INT,
    "url?": TEXT,
    "url_type?": TEXT,
    "sha256?": TEXT,
    "size?": INT,
    "datastore_active?": BOOL,
    "datastore_digest?": TEXT,
    "schema?": (TEXT, {}),
    "created?": TEXT,
    "description?": TEXT,
    "format?": TEXT,
    "mimetype?": TEXT,
}
_DATASET: dict[str, Any] = {
    "id": TEXT,
    "name": TEXT,
    "owner_org?": TEXT,
    "state?": TEXT,
    "private?": BOOL,
    "version?": TEXT,
    "resources?": ("list", _RESOURCE),
    "tags?": ("list", {"name?": TEXT}),
    "extras?": ("list", {"key": TEXT, "value?": ANY}),
}
_ORG = {"id": TEXT, "name": TEXT}
_FIELD = {"id": TEXT, "type?": TEXT, "info?": ({},), "schema?": ({"is_index?": BOOL},)}

SCHEMAS: dict[str, Any] = {
    "organization_show": _ORG,
    "organization_list_for_user": ("list", {"id?": TEXT, "name?": TEXT}),
    "package_show": _DATASET,
    "package_create": _DATASET,
    "package_patch": _DATASET,
    "license_list": ("list", {"id?": TEXT, "url?": TEXT, "title?": TEXT}),
    "status_show": {"extensions?": ("list", TEXT), "ckan_version?": TEXT},
    "scheming_dataset_schema_show": {
        "dataset_fields?": ("list", ANY),
        "resource_fields?": ("list", ANY),
    },
    "resource_create": _RESOURCE,
    "resource_patch": _RESOURCE,
    "resource_delete": ANY,
    "package_resource_reorder": ANY,
    "datastore_info": {"fields?": ("list", _FIELD), "meta?": {"count?": INT}},
    "datastore_search": {
        "total?": INT,
        "records?": ("list", (("list", ANY), {})),  # records_format lists, or objects
        "fields?": ("list", _FIELD),
    },
    "datastore_create": ANY,
    "datastore_upsert": ANY,
    "datastore_delete": ANY,
    "datastore_records_delete": ANY,
}


class Unexpected(Exception):
    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")


def check(action: str, answer: Any, url: str) -> Any:
    """``answer`` if it has the shape ``action`` should answer with, else a portal-error."""
    spec = SCHEMAS.get(action, ANY)
    try:
        _check(spec, answer, "result", 0)
    except Unexpected as exc:
        raise StatpubError(
            f"{url}: {action}: the portal's answer is not what a CKAN portal answers "
            f"({exc}); check --url, or the portal's plugins",
            code="portal-error",
        ) from None
    return answer


def _name(value: Any) -> str:
    return {
        dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
        float: "a number", type(None): "null",
    }.get(type(value), type(value).__name__)  # fmt: skip


def _check(spec: Any, value: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Unexpected(where, "nested too deep")
    if isinstance(spec, tuple) and spec and spec[0] == "list":
        if not isinstance(value, list):
            raise Unexpected(where, f"expected a list, got {_name(value)}")
        for i, item in enumerate(value):
            _check(spec[1], item, f"{where}[{i}]", depth + 1)
        return
    if isinstance(spec, tuple):  # alternatives
        errors = []
        for alt in spec:
            try:
                _check(alt, value, where, depth)
                return
            except Unexpected as exc:
                errors.append(str(exc))
        raise Unexpected(where, f"got {_name(value)}, which is none of the shapes expected")
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise Unexpected(where, f"expected an object, got {_name(value)}")
        for key, sub in spec.items():
            optional = key.endswith("?")
            k = key.rstrip("?")
            if k not in value or (optional and value[k] is None):
                if optional:
                    continue
                raise Unexpected(where, f"{k!r} is missing")
            _check(sub, value[k], f"{where}.{k}", depth + 1)
        return
    ok = {
        ANY: lambda v: True,
        TEXT: lambda v: isinstance(v, str),
        INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
        BOOL: lambda v: isinstance(v, bool),
        NULL: lambda v: v is None,
    }[spec](value)
    if not ok:
        raise Unexpected(where, f"expected {spec}, got {_name(value)}")
