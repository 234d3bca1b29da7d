"""A zipped package is read under the same path policy and limits as a folder, or refused."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from statpub.errors import StatpubError
from statpub.package import open_package, read_package
from statpub.package import zipped as zipped_module
from statpub.publish.bundle import make_bundle
from statpub.validate import validate

DESCRIPTOR = {
    "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
    "name": "z",
    "resources": [
        {
            "name": "t",
            "type": "table",
            "path": "data/t.csv",
            "schema": {"fields": [{"name": "id", "type": "integer"}]},
        }
    ],
}


def write_zip(path: Path, entries: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def package_entries(prefix: str = "", rows: bytes = b"id\n1\n2\n") -> dict[str, bytes]:
    return {
        f"{prefix}datapackage.json": json.dumps(DESCRIPTOR).encode(),
        f"{prefix}data/t.csv": rows,
    }


def test_the_bundle_statpub_writes_validates_as_its_folder(
    package_copy: Path, tmp_path: Path
) -> None:
    bundle = make_bundle(package_copy, tmp_path / "out" / "p.zip")
    folder, zipped = validate(package_copy), validate(bundle.path)
    assert zipped.valid and folder.valid
    assert zipped.stats["rows"] == folder.stats["rows"] > 0
    assert zipped.stats["resources"] == folder.stats["resources"]


@pytest.mark.parametrize("prefix", ["", "pkg-1.0.0/"])
def test_the_descriptor_at_the_top_or_in_the_one_folder(tmp_path: Path, prefix: str) -> None:
    z = write_zip(tmp_path / "p.zip", package_entries(prefix, rows=b"id\n1\nx\n"))
    report = validate(z)
    assert [(i.type, i.row, i.field) for i in report.errors] == [("type-error", 3, "id")]
    assert report.errors[0].path == "data/t.csv"  # named as in the package, not the temp folder


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.csv", "'..'"),
        ("/etc/evil.csv", "relative"),
        ("pkg\\..\\evil.csv", "backslash"),
        ("C:/evil.csv", "relative"),
    ],
)
def test_zip_slip_names_are_refused_before_anything_is_written(
    tmp_path: Path, name: str, reason: str
) -> None:
    z = write_zip(tmp_path / "p.zip", {**package_entries(), name: b"x"})
    with pytest.raises(StatpubError) as err:
        validate(z)
    assert err.value.code == "path-unsafe" and reason in err.value.message
    assert not (tmp_path / "evil.csv").exists()


def test_a_symbolic_link_entry_is_refused(tmp_path: Path) -> None:
    entries = {**package_entries(), "data/link.csv": b"/etc/passwd"}
    z = write_zip(tmp_path / "p.zip", entries, links=("data/link.csv",))
    with pytest.raises(StatpubError) as err:
        validate(z)
    assert err.value.code == "path-unsafe" and "symbolic link" in err.value.message


def test_a_zip_bomb_stops_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipped_module, "MAX_ZIP_BYTES", 1000)
    rows = b"id\n" + b"1\n" * 5000  # 10 kB inflated, a few dozen bytes deflated
    z = tmp_path / "p.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in package_entries(rows=rows).items():
            zf.writestr(name, data)
    with pytest.raises(StatpubError) as err:
        validate(z)
    assert err.value.code == "zip-too-large"


def test_a_zip_without_a_package_says_so(tmp_path: Path) -> None:
    z = write_zip(tmp_path / "p.zip", {"a/x.csv": b"id\n1\n", "b/y.csv": b"id\n2\n"})
    with pytest.raises(StatpubError) as err:
        validate(z)
    assert err.value.code == "file-not-found" and "datapackage.json" in err.value.message


def test_a_broken_zip_is_a_zip_error(tmp_path: Path) -> None:
    z = tmp_path / "p.zip"
    z.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(StatpubError) as err:
        validate(z)
    assert err.value.code == "zip-error"


def test_commands_reading_folders_refuse_a_zip_clearly(tmp_path: Path) -> None:
    z = write_zip(tmp_path / "p.zip", package_entries())
    with pytest.raises(StatpubError) as err:
        read_package(z)
    assert err.value.code == "package-zipped"
    with open_package(z) as pkg:  # diff's way in reads it
        assert [r.name for r in pkg.resources] == ["t"]
    assert not pkg.root.exists()  # the extracted copy is gone after the block


def test_reading_a_package_loads_no_pyarrow(tmp_path: Path) -> None:
    """The model and the path policy need no Arrow: only reading rows does."""
    import subprocess
    import sys

    folder = tmp_path / "p"
    for name, data in package_entries().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    code = (
        "import sys\n"
        "from statpub.package import read_package\n"
        f"assert read_package({str(folder)!r}).resources[0].spec is not None\n"
        "print('pyarrow' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_zip_by_another_name_is_read_as_a_zip(tmp_path: Path) -> None:
    z = write_zip(tmp_path / "package.bin", package_entries(rows=b"id\n1\nx\n"))
    assert [(i.type, i.row) for i in validate(z).errors] == [("type-error", 3)]
