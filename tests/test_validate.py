"""`statpub validate`: planted errors get their code, row, field and exit status."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.validate import Options, validate


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


def rehash(pkg: Path, rel: str) -> None:
    """Make the descriptor agree with a tampered file, so only the deeper checks fire."""
    path = pkg / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    data = (pkg / rel).read_bytes()
    for res in d["resources"]:
        if res["path"] == rel:
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            if "bytes" in res:
                res["bytes"] = len(data)
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def types(report) -> set[str]:
    return {i.type for i in report.errors}


def test_built_package_is_valid(built_package: Path) -> None:
    result = run(str(built_package))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("valid:")


def test_json_output_is_the_report(built_package: Path) -> None:
    result = run(str(built_package), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == validate(built_package).to_dict()


def test_frictionless_finds_the_built_package_valid(built_package: Path) -> None:
    import frictionless

    report = frictionless.validate(str(built_package / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])


def test_tampered_csv_with_stale_hash(package_copy: Path) -> None:
    replace_in(package_copy / "data/indicators.csv", "Mentors trained", "Mentors retrained")
    result = run(str(package_copy), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    codes = {e["type"] for e in errors}
    assert {"hash-mismatch", "bytes-mismatch"} <= codes
    hash_error = next(e for e in errors if e["type"] == "hash-mismatch")
    assert hash_error["path"] == "data/indicators.csv" and hash_error["field"] == "hash"


def test_parquet_out_of_step_with_its_csv(package_copy: Path) -> None:
    rel = "data/indicators.parquet"
    table = pq.read_table(package_copy / rel)
    table = table.slice(1)  # drop the first row from the Parquet copy only
    pq.write_table(table, package_copy / rel)
    rehash(package_copy, rel)
    report = validate(package_copy)
    assert types(report) == {"copies-row-count"}


def test_parquet_value_differs_from_csv(package_copy: Path) -> None:
    import pyarrow as pa

    rel = "data/observations.parquet"
    table = pq.read_table(package_copy / rel)
    values = table.column("paragraph").to_pylist()
    values[3] += 1
    table = table.set_column(
        table.column_names.index("paragraph"), "paragraph", pa.array(values, pa.int64())
    )
    pq.write_table(table, package_copy / rel)
    rehash(package_copy, rel)
    (issue,) = validate(package_copy).errors
    assert (issue.type, issue.row, issue.field) == ("copies-differ", 5, "paragraph")


def test_parquet_with_timestamps_instead_of_dates(package_copy: Path) -> None:
    import pyarrow as pa

    rel = "data/observations.parquet"
    table = pq.read_table(package_copy / rel)
    i = table.column_names.index("period_end")
    table = table.set_column(i, "period_end", table.column(i).cast(pa.timestamp("ms")))
    pq.write_table(table, package_copy / rel)
    rehash(package_copy, rel)
    report = validate(package_copy)
    assert "copies-type-differ" in types(report)
    assert any(i.field == "period_end" for i in report.errors)


def test_version_should_be_semver(package_copy: Path, release_version: str) -> None:
    """A SHOULD of the spec: a warning, unless the package is one statpub releases."""
    released = f'"version": "{release_version}"'
    replace_in(package_copy / "datapackage.json", released, '"version": "2025"')
    result = run(str(package_copy), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert not report["errors"]
    assert [(w["type"], w["field"]) for w in report["warnings"]] == [
        ("version-not-semver", "version")
    ]


def test_bounds_must_agree_with_qualifier(package_copy: Path) -> None:
    # "more than 120" with a lower bound below 120.
    replace_in(
        package_copy / "data/observations.csv",
        "120,count,more-than,121,",
        "120,count,more-than,100,",
    )
    rehash(package_copy, "data/observations.csv")
    report = validate(package_copy)
    bounds = [i for i in report.errors if i.type == "bounds-inconsistent"]
    assert len(bounds) == 1 and bounds[0].path == "data/observations.csv"
    # The CSV and its Parquet copy now disagree too, and that is reported as well.
    assert "copies-differ" in types(report)


def test_missing_data_file(package_copy: Path) -> None:
    (package_copy / "data/sources.csv").unlink()
    report = validate(package_copy)
    assert "file-missing" in types(report)
    assert run(str(package_copy)).exit_code == 1


def test_quote_check_against_the_real_source(built_package: Path, sources_dir: Path) -> None:
    report = validate(built_package, options=Options(sources_dir=sources_dir))
    assert report.valid and not report.warnings


def test_quote_not_in_source(package_copy: Path, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    text = "Headline\nOnly 330 mentors trained here.\n"
    (texts / "article.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    replace_in(
        package_copy / "data/sources.csv",
        "f63ff4bbaf71a6c0055276862a8295c237ef65a7196d7e59558e1e36ebada05d",
        digest,
    )
    rehash(package_copy, "data/sources.csv")
    report = validate(package_copy, options=Options(sources_dir=texts))
    quotes = [i for i in report.errors if i.type == "quote-not-found"]
    # 15 of the 16 quotes are not in this text; "330 mentors trained" is, but in paragraph 2, not 9.
    assert len(quotes) == 16
    mentors = next(i for i in quotes if "330 mentors trained" in i.message)
    assert "paragraph 2" in mentors.message and mentors.field == "quote"


def test_source_text_not_at_hand_is_a_warning(
    built_package: Path, tmp_path: Path, repo_figures
) -> None:
    report = validate(built_package, options=Options(sources_dir=tmp_path))
    assert report.valid
    # One warning per source whose text is not in the folder.
    used = {f.source_id for f in repo_figures.figures}
    assert [w.type for w in report.warnings] == ["source-text-missing"] * len(used)
    assert {w.message.split("'")[1] for w in report.warnings} == used


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does/not/exist"], "no such file"),
        (["data/observations.csv"], "--schema"),
    ],
)
def test_could_not_run_exits_2(
    built_package: Path, args: list[str], message: str, monkeypatch
) -> None:
    monkeypatch.chdir(built_package)
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unparseable_descriptor_exits_2(package_copy: Path) -> None:
    (package_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run(str(package_copy))
    assert result.exit_code == 2
    assert "datapackage.json:1" in result.stderr


def test_single_table_with_schema(built_package: Path, tmp_path: Path) -> None:
    table = built_package / "data/indicators.csv"
    schema = built_package / "schemas/indicators.json"
    result = run(str(table), "--schema", str(schema), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == validate(table, schema=schema).to_dict()
    assert printed["stats"] == {"resources": 1, "rows": 16}
    # The schema is applied: a cell breaking its pattern is found at its row and field.
    broken = tmp_path / "indicators.csv"
    broken.write_bytes(
        table.read_bytes().replace(b"\nfamily-support-centres,", b"\nFamily Support,")
    )
    result = run(str(broken), "--schema", str(schema), "--json")
    assert result.exit_code == 1, result.output
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["type"], error["row"], error["field"]) == ("constraint-error", 3, "indicator_id")


def test_single_table_foreign_keys_to_absent_resources_are_a_warning(
    built_package: Path, tmp_path: Path
) -> None:
    """observations.csv alone has no indicators or sources table: its foreign keys to them
    cannot be checked, and the report says so (a warning each) instead of failing."""
    table = built_package / "data/observations.csv"
    schema = built_package / "schemas/observations.json"
    result = run(str(table), "--schema", str(schema), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["valid"] is True and printed["errors"] == []
    warned = {(w["type"], w["field"]) for w in printed["warnings"]}
    assert warned == {
        ("foreign-key-not-checked", "indicator_id"),
        ("foreign-key-not-checked", "source_id"),
    }
    assert all("validate the whole package" in w["message"] for w in printed["warnings"])
    # The rest of the schema still applies: a duplicate primary key is an error.
    lines = table.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "observations.csv"
    broken.write_bytes(b"".join([*lines, lines[1]]))
    result = run(str(broken), "--schema", str(schema), "--json")
    assert result.exit_code == 1, result.output
    assert {e["type"] for e in json.loads(result.stdout)["errors"]} == {"primary-key"}
    # The whole package still checks the keys (the descriptor is not changed by the above).
    assert validate(built_package).valid


def test_github_annotations_name_files_from_the_repository_root(
    package_copy: Path, release_version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = f'"version": "{release_version}"'
    replace_in(package_copy / "datapackage.json", released, '"version": "v1"')
    replace_in(package_copy / "data/indicators.csv", "Mentors trained", "Mentors retrained")
    monkeypatch.chdir(package_copy.parent)
    result = run(package_copy.name, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "::warning file=pkg/datapackage.json,title=version-not-semver::version: " + (
        "version 'v1' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0); the Data "
        "Package spec recommends semver (a SHOULD) so consumers can tell breaking changes"
    )
    assert any(line.startswith("::error file=pkg/data/indicators.csv,") for line in lines)


def test_validating_the_package_never_imports_pandas(built_package: Path) -> None:
    """pandas costs ~0.3 s of start-up; pyarrow pulls it in on some calls, which we avoid."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from statpub.validate import validate\n"
        f"assert validate({str(built_package)!r}).valid\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_strict_makes_warnings_fail(package_copy: Path, release_version: str) -> None:
    released = f'"version": "{release_version}"'
    replace_in(package_copy / "datapackage.json", released, '"version": "2025"')
    assert run(str(package_copy), "--json").exit_code == 0
    result = run(str(package_copy), "--json", "--strict")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["valid"], report["strict"], report["errors"]) == (False, True, [])
    assert [w["type"] for w in report["warnings"]] == ["version-not-semver"]


CONFORMANCE = Path(__file__).parent / "conformance"


@pytest.mark.parametrize(
    ("args", "code", "failing"),
    [
        ((), 0, None),
        (("--strict",), 0, None),  # the optional hash and bytes do not fail it
        (("--strict-include", "hash-missing"), 1, "hash-missing"),
        (("--strict", "--strict-include", "bytes-missing"), 1, "bytes-missing"),
    ],
)
def test_strict_lets_the_optional_hash_and_bytes_pass(
    args: tuple[str, ...], code: int, failing: str | None
) -> None:
    result = run(str(CONFORMANCE / "hash-missing"), "--json", *args)
    assert result.exit_code == code, result.output
    report = json.loads(result.stdout)
    assert sorted(w["type"] for w in report["warnings"]) == ["bytes-missing", "hash-missing"]
    assert report.get("strict", False) is bool(args)
    if failing is not None:
        assert failing not in report["strict_allowed"]
    text = run(str(CONFORMANCE / "hash-missing"), *args)
    assert (failing or "valid:") in text.stdout.splitlines()[-1]


def test_strict_exclude_lets_a_chosen_warning_pass() -> None:
    case = str(CONFORMANCE / "remote-path")  # resource-not-checked
    assert run(case, "--strict").exit_code == 1
    assert run(case, "--strict-exclude", "resource-not-checked").exit_code == 0
    report = validate(
        CONFORMANCE / "remote-path",
        options=Options(strict=True, strict_exclude=frozenset({"resource-not-checked"})),
    )
    assert report.valid and report.warnings and not report.failing_warnings
