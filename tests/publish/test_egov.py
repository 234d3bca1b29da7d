"""``statpub publish egov``: the data.egov.kz upload set, read back equal to the package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.package import Package, read_package
from statpub.package.tables import read_table
from statpub.publish.egov import LANGUAGES, tables_of, write_egov


def read_back(out: Path, files: list[str], schema: dict[str, Any]) -> Any:
    """The rows of the written files, read by statpub's one JSON reader with the schema."""
    import pyarrow as pa

    descriptor = {
        "name": "read-back",
        "resources": [
            {"name": f"part-{i}", "path": rel, "format": "json", "schema": schema}
            for i, rel in enumerate(files)
        ],
    }
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    back = read_package(out)
    return pa.concat_tables([read_table(r) for r in back.resources])


@pytest.mark.parametrize("max_bytes", [10_000_000, 4096], ids=["whole", "split"])
def test_the_upload_set_reads_back_equal(package: Package, tmp_path: Path, max_bytes: int) -> None:
    out = tmp_path / "egov"
    result = write_egov(package, out, max_bytes=max_bytes)
    tables = tables_of(package)
    assert [t.name for t in result.tables] == [r.name for r in tables]
    for res, written in zip(tables, result.tables, strict=True):
        sizes = [(out / f).stat().st_size for f in written.files]
        assert sizes == written.bytes and max(sizes) <= max_bytes
        original = read_table(res)
        assert written.rows == original.num_rows
        assert read_back(out, written.files, res.schema or {}).equals(original)
    split = [t for t in result.tables if len(t.files) > 1]
    assert bool(split) == (max_bytes == 4096)  # the small limit forces parts
    for t in split:
        assert t.files[0] == f"{t.name}.part-001.json"


def test_the_metadata_follows_the_schema_in_three_languages(
    package: Package, tmp_path: Path
) -> None:
    result = write_egov(package, tmp_path / "egov")
    langs = package.descriptor["languages"]
    default = langs[0]
    for res, written in zip(tables_of(package), result.tables, strict=True):
        meta = json.loads((tmp_path / "egov" / written.meta).read_text(encoding="utf-8"))
        for prefix in ("name", "description"):
            assert all(meta[f"{prefix}{s}"].strip() for s in LANGUAGES.values())
        assert meta["responsible"]["fullName"]
        schema = res.schema or {}
        pk = schema.get("primaryKey") or []
        fields = {f["code"]: f for f in meta["fields"]}
        assert list(fields) == [f["name"] for f in schema["fields"]]
        for f in schema["fields"]:
            got = fields[f["name"]]
            assert got["isKey"] == (f["name"] in pk)
            assert got[f"label{LANGUAGES[default]}"] == f["title"]
            for lang in langs[1:]:
                assert got[f"label{LANGUAGES[lang]}"] == f[f"title@{lang}"]
            assert ("dateFormat" in got) == (f["type"] in ("date", "datetime", "time", "year"))
            if f["type"] == "date":
                assert got["dateFormat"] == "yyyy-MM-dd" and got["type"] == "date"


def _package_without(built: Path, tmp_path: Path, change: Any) -> Path:
    copy = tmp_path / "pkg"
    shutil.copytree(built, copy)
    path = copy / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return copy


def test_a_missing_language_is_refused(built_package: Path, tmp_path: Path) -> None:
    def drop_kk(d: dict[str, Any]) -> None:
        d["languages"] = [x for x in d["languages"] if x != "kk"]

    pkg = _package_without(built_package, tmp_path, drop_kk)
    out = tmp_path / "egov"
    result = CliRunner().invoke(main, ["publish", "egov", str(pkg), "--out", str(out), "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "egov-language-missing" and "'kk'" in result.stdout
    assert not out.exists()


def test_a_missing_translation_is_named(built_package: Path, tmp_path: Path) -> None:
    pkg = read_package(built_package)
    res = tables_of(pkg)[0]
    field = res.schema["fields"][1] if res.schema else {}
    del field["title@ru"]
    with pytest.raises(InvalidInput) as err:
        write_egov(pkg, tmp_path / "egov")
    assert err.value.code == "egov-translation-missing"
    (issue,) = err.value.issues
    assert issue.field == field["name"] and "'ru'" in issue.message


def test_the_cli_json_is_the_result(built_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "egov"
    result = CliRunner().invoke(
        main, ["publish", "egov", str(built_package), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    expected = write_egov(read_package(built_package), tmp_path / "again").to_dict()
    assert doc["tables"] == expected["tables"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f for t in doc["tables"] for f in [t["meta"], *t["files"]]
    )
