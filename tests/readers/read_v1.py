"""Read every CSV table of a package with one reader that knows only Data Package v1.

Run by ``test_readers.py`` in the readers' own virtualenv (``scripts/readers``):
``python read_v1.py READER PACKAGE_DIR`` with READER one of ``frictionless4``,
``datapackage`` or ``tableschema``. Prints JSON: the reader's version, whether
it calls the package valid, and per table its rows, each cell tagged with the
Python type the reader gave it, or the error it raised.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import sys
import warnings
from pathlib import Path
from typing import Any


def tag(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, str):
        return {"str": value}
    return {"other": type(value).__name__, "repr": repr(value)}


def csv_tables(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in descriptor["resources"] if r.get("format") == "csv"]


def read_frictionless4(package_dir: Path) -> dict[str, Any]:
    import frictionless

    path = str(package_dir / "datapackage.json")
    report = frictionless.validate(path)
    out: dict[str, Any] = {
        "version": frictionless.__version__,
        "valid": report.valid,
        "errors": [e[0] for e in report.flatten(["message"])][:20],
        "tables": {},
    }
    package = frictionless.Package(path)
    for res in csv_tables(package.to_dict()):
        out["tables"][res["name"]] = _rows(
            lambda n=res["name"]: package.get_resource(n).read_rows()
        )
    return out


def read_datapackage(package_dir: Path) -> dict[str, Any]:
    import datapackage

    package = datapackage.Package(str(package_dir / "datapackage.json"))
    out: dict[str, Any] = {
        "version": _version("datapackage"),
        "valid": package.valid,
        "errors": [str(e) for e in package.errors][:20],
        "tables": {},
    }
    for res in package.resources:
        if res.descriptor.get("format") == "csv":
            out["tables"][res.name] = _rows(lambda r=res: r.read(keyed=True), tabular=res.tabular)
    return out


def read_tableschema(package_dir: Path) -> dict[str, Any]:
    import tableschema

    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {
        "version": _version("tableschema"),
        "valid": True,
        "errors": [],
        "tables": {},
    }
    for res in csv_tables(descriptor):
        schema = tableschema.Schema(str(package_dir / res["schema"]))
        if not schema.valid:
            out["valid"] = False
            out["errors"] += [str(e) for e in schema.errors]
        table = tableschema.Table(
            str(package_dir / res["path"]), schema=str(package_dir / res["schema"])
        )
        out["tables"][res["name"]] = _rows(lambda t=table: t.read(keyed=True))
    return out


def _rows(read: Any, tabular: bool = True) -> dict[str, Any]:
    if not tabular:
        return {"error": "not read as a table"}
    try:
        rows = read()
    except Exception as exc:  # the reader's own error is what the test reports
        errors = getattr(exc, "errors", None) or []
        return {"error": " / ".join([str(exc), *map(str, errors)])[:2000]}
    return {"rows": [{k: tag(v) for k, v in dict(row).items()} for row in rows]}


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


READERS = {
    "frictionless4": read_frictionless4,
    "datapackage": read_datapackage,
    "tableschema": read_tableschema,
}

if __name__ == "__main__":
    warnings.simplefilter("ignore")  # old readers warn about their own dependencies
    reader, package_dir = sys.argv[1], Path(sys.argv[2])
    result = READERS[reader](package_dir)
    result["reader"] = reader
    result["python"] = sys.version.split()[0]
    json.dump(result, sys.stdout, ensure_ascii=False)
