"""docs/data-dictionary.md is generated from the Table Schemas and must be current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from statpub.cli import main
from statpub.package.languages import text as text_in
from statpub.site.dictionary import (
    language_paths,
    load_table_schemas,
    render_data_dictionary,
    schema_languages,
    update_dictionary,
)
from statpub.site.i18n import Words

ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"


def test_committed_dictionary_is_current() -> None:
    expected = render_data_dictionary(load_table_schemas(ROOT / "schemas"))
    current = DICTIONARY.read_text(encoding="utf-8") if DICTIONARY.is_file() else ""
    assert current == expected, (
        "docs/data-dictionary.md is stale: run `statpub docs dictionary` and commit the result"
    )


def test_each_language_has_its_dictionary_linked_from_the_others() -> None:
    """One file per language the schemas declare, each current and linking the others."""
    schemas = load_table_schemas(ROOT / "schemas")
    languages = schema_languages(schemas)
    paths = language_paths(DICTIONARY, languages)
    assert len(paths) == len(languages) > 1
    for lang, path in paths.items():
        text = path.read_text(encoding="utf-8")
        assert text == render_data_dictionary(schemas, lang=lang, paths=paths), path.name
        for other, there in paths.items():
            assert (f"]({there.name})" in text) == (other != lang)
        for name, schema in schemas.items():
            title = text_in(schema, "title", lang, languages[0])
            assert f"\n## {title}\n" in text, (lang, name)
        if lang != languages[0]:
            assert Words(lang)("_translation") in text, "a translation says who made it"


def test_every_field_and_code_is_described() -> None:
    text = DICTIONARY.read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in text.split("\n## ")[1:]}
    for table, schema in load_table_schemas(ROOT / "schemas").items():
        section = sections[schema["title"]]
        lines = section.splitlines()
        for field in schema["fields"]:
            row = next(line for line in lines if line.startswith(f"| `{field['name']}` |"))
            cells = [c.strip() for c in row.strip("|").split(" | ")]
            assert cells[2:4] == [field["type"], field.get("format", "default")], (
                table,
                field["name"],
            )
            assert cells[-1] == field["description"]
            pattern = field.get("constraints", {}).get("pattern")
            if pattern:
                assert f"`{pattern.replace('|', chr(92) + '|')}`" in row
            if field.get("constraints", {}).get("required"):
                assert "required" in cells[5]
            for cat in field.get("categories", []):
                assert f"| `{cat['value']}` | {cat['label']} |" in section, (table, field["name"])


def test_check_fails_when_a_schema_changes(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    first = runner.invoke(main, ["docs", "dictionary", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {
        "path": "docs/data-dictionary.md",
        "tables": ["observations", "indicators", "sources", "revisions"],
        "up_to_date": False,
        "written": True,
        "paths": {
            lang: str(p)
            for lang, p in language_paths(
                Path("docs/data-dictionary.md"),
                schema_languages(load_table_schemas(Path("schemas"))),
            ).items()
        },
    }
    assert runner.invoke(main, ["docs", "dictionary", "--check"]).exit_code == 0

    schema_path = tmp_path / "schemas" / "indicators.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"][1]["description"] = "A new description."
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    stale = runner.invoke(main, ["docs", "dictionary", "--check", "--json"])
    assert stale.exit_code == 1
    assert "statpub docs dictionary" in stale.stderr
    result = update_dictionary(Path("schemas"), Path("docs/data-dictionary.md"), check=True)
    assert json.loads(stale.stdout) == result.to_dict()
    assert "A new description." not in Path("docs/data-dictionary.md").read_text(encoding="utf-8")

    printed = runner.invoke(main, ["docs", "dictionary", "--out", "-"])
    assert printed.stdout == render_data_dictionary(load_table_schemas(Path("schemas")))
    assert "A new description." in printed.stdout
