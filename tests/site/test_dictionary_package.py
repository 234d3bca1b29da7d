"""``statpub docs dictionary`` on any package (``--package``) or any folder of schemas."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from statpub.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "population"


def descriptor() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURE / "datapackage.json").read_text(encoding="utf-8"))
    return data


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["docs", "dictionary", *args])


def test_dictionary_of_a_package_lists_every_table_and_field() -> None:
    result = run("--package", str(FIXTURE), "--out", "-")
    assert result.exit_code == 0, result.output
    text = result.stdout
    resources = descriptor()["resources"]
    titles = re.findall(r"^## (.+)$", text, flags=re.M)
    assert titles == [r.get("title", r["name"]) for r in resources]
    for res in resources:
        schema = res["schema"]
        assert f"Table `{res['name']}`: `{res['path']}`." in text
        for f in schema["fields"]:
            assert re.search(
                rf"^\| `{f['name']}` \| {re.escape(f.get('title', ''))} \|", text, re.M
            )
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            assert (
                f"Foreign key: `{fk['fields'][0]}` → `{ref['resource']}.{ref['fields'][0]}`" in text
            )
        for mv in schema.get("missingValues", []):
            if isinstance(mv, dict) and mv["value"]:
                assert f"Missing value: `{mv['value']}` means {mv['label']}" in text
        for f in schema["fields"]:
            for cat in f.get("categories", []):
                assert f"| `{cat['value']}` | {cat['label']} |" in text


def test_a_parquet_copy_is_listed_with_its_csv(tmp_path: Path) -> None:
    from statpub.package import read_package, read_table

    pkg = tmp_path / "pkg"
    shutil.copytree(FIXTURE, pkg)
    import pyarrow.parquet as pq

    d = descriptor()
    first = d["resources"][0]
    table = read_table(read_package(pkg).resource(first["name"]))  # type: ignore[arg-type]
    parquet_path = first["path"].replace(".csv", ".parquet")
    pq.write_table(table, pkg / parquet_path)
    d["resources"].insert(
        1,
        {
            "name": f"{first['name']}-parquet",
            "type": "table",
            "path": parquet_path,
            "format": "parquet",
            "schema": first["schema"],
        },
    )
    (pkg / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    out = tmp_path / "dictionary.md"
    result = run("--package", str(pkg), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tables"] == [r["name"] for r in descriptor()["resources"]]
    text = out.read_text(encoding="utf-8")
    assert f"Table `{first['name']}`: `{first['path']}`, `{parquet_path}`." in text
    check = run("--package", str(pkg), "--out", str(out), "--check")
    assert check.exit_code == 0, check.output


def test_a_folder_of_any_schemas_in_name_order(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for res in descriptor()["resources"]:
        (schemas / f"{res['name']}.json").write_text(json.dumps(res["schema"]), encoding="utf-8")
    result = run("--schemas", str(schemas), "--out", "-")
    assert result.exit_code == 0, result.output
    names = re.findall(r"^Table `([^`]+)`", result.stdout, flags=re.M)
    assert names == sorted(r["name"] for r in descriptor()["resources"])


def test_an_empty_schemas_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--schemas", str(tmp_path), "--out", "-", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["type"] == "file-not-found"
