"""What sits beside a package, and where the commands write, are under the path policy."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.figures.quotes import locate, source_texts
from statpub.package import atomic, paths
from statpub.versioning import archive

SECRET = "statpub-beside-secret-5e1a"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "SHA256SUMS").write_text(f"{'0' * 64}  {SECRET}\n", encoding="utf-8")
    return outside


def _small(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "data.csv").write_text("id,v\n1,2\n", encoding="utf-8")
    resource = {"name": "t", "path": "data.csv", "schema": {"fields": [{"name": "id"}]}}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "version": "1.0.0", "resources": [resource]}), encoding="utf-8"
    )
    return folder


def test_open_inside_refuses_a_link_swapped_in_after_the_check(
    tmp_path: Path, secret: Path
) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "f.txt").write_text("inside", encoding="utf-8")
    with paths.open_inside(root, "sub/f.txt") as fh:
        assert fh.read() == b"inside"
    checked = paths.resolve_inside(root, "sub/f.txt")
    assert isinstance(checked, Path)
    # The race: between the check and the open, the folder becomes a link out.
    shutil.rmtree(root / "sub")
    (root / "sub").symlink_to(secret)
    (secret / "f.txt").write_text(SECRET, encoding="utf-8")
    with pytest.raises(paths.UnsafePath) as exc:
        paths._open_no_links(root.resolve(), checked)
    assert exc.value.problem.code == "path-unsafe"
    # ... and the file itself becoming a link
    (root / "sub").unlink()
    (root / "sub").mkdir()
    (root / "sub" / "f.txt").symlink_to(secret / "secret.txt")
    with pytest.raises(paths.UnsafePath):
        paths._open_no_links(root.resolve(), checked)
    # and checked through: a link out is refused before any open
    with pytest.raises(paths.UnsafePath):
        paths.open_inside(root, "sub/f.txt")


def test_open_inside_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(paths.UnsafePath) as exc:
        paths.open_inside(tmp_path, "fifo")
    assert exc.value.problem.code == "file-not-regular"
    with pytest.raises(paths.UnsafePath):
        paths.open_regular(tmp_path / "fifo")
    with pytest.raises(paths.UnsafePath):
        paths.read_inside(tmp_path, "fifo", 10)


def test_read_inside_caps_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 100)
    assert paths.read_inside(tmp_path, "big", 100) == b"x" * 100
    with pytest.raises(paths.UnsafePath) as exc:
        paths.read_inside(tmp_path, "big", 99)
    assert exc.value.problem.code == "file-too-large"


def test_a_figure_file_that_is_a_link_out_is_not_read(tmp_path: Path, secret: Path) -> None:
    from statpub.errors import InvalidInput
    from statpub.figures import yamlfile

    figures = tmp_path / "repo" / "figures"
    figures.mkdir(parents=True)
    (figures / "package.yml").symlink_to(secret / "secret.txt")
    with pytest.raises(InvalidInput) as exc:
        yamlfile.load(figures / "package.yml", "figures/package.yml")
    assert [i.type for i in exc.value.issues] == ["path-unsafe"]
    assert SECRET not in str([i.message for i in exc.value.issues])
    (figures / "package.yml").unlink()
    os.mkfifo(figures / "package.yml")  # would hang a plain open
    with pytest.raises(InvalidInput) as exc:
        yamlfile.load(figures / "package.yml", "figures/package.yml")
    assert [i.type for i in exc.value.issues] == ["file-not-regular"]


@pytest.mark.parametrize("setting", ["/etc", "/proc/self", "..", "../outside", "texts/../.."])
def test_a_sources_setting_never_names_a_folder_outside(
    tmp_path: Path, secret: Path, setting: str
) -> None:
    figures = tmp_path / "repo" / "figures"
    figures.mkdir(parents=True)
    found = locate(None, "", figures, setting)
    assert found.folder is None and found.refused == setting
    assert "outside the repository" in found.describe()
    # inside the repository it is followed, and a link in it out of it is not
    texts = tmp_path / "repo" / "texts"
    texts.mkdir()
    assert locate(None, "", figures, "texts").folder == texts
    (texts / "leak.txt").symlink_to(secret / "secret.txt")
    (texts / "real.txt").write_text("a captured text", encoding="utf-8")
    os.mkfifo(texts / "fifo.txt")
    assert list(source_texts(texts).values()) == ["a captured text"]
    # a link named by the setting that leads out is refused too
    (tmp_path / "repo" / "link").symlink_to(secret)
    assert locate(None, "", figures, "link").refused == "link"


def test_an_archive_that_is_a_link_is_refused(tmp_path: Path, secret: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "releases").symlink_to(secret)
    with pytest.raises(StatpubError) as exc:
        archive.archived_versions(repo / "releases")
    assert exc.value.code == "archive-unsafe"
    (repo / "releases").unlink()
    (repo / "releases").mkdir()
    (repo / "releases" / "1.0.0").symlink_to(secret)  # a version that is a link is not one
    assert archive.archived_versions(repo / "releases") == []
    (repo / "releases" / "1.0.0").unlink()
    (repo / "releases" / "1.0.0").mkdir()
    (repo / "releases" / "1.0.0" / "SHA256SUMS").symlink_to(secret / "SHA256SUMS")
    from statpub.package.files import read_manifest

    with pytest.raises(StatpubError) as err:
        read_manifest(repo / "releases" / "1.0.0")
    assert SECRET not in err.value.message


def test_writes_never_go_through_a_link(tmp_path: Path, secret: Path) -> None:
    (tmp_path / "dist").symlink_to(secret)
    before = sorted(p.name for p in secret.iterdir())
    for write in (
        lambda: atomic.write_bytes(tmp_path / "dist" / "x.zip", b"data"),
        lambda: atomic.staged_file(tmp_path / "dist" / "x.zip").__enter__(),
        lambda: atomic.temp_folder(tmp_path / "dist", "x"),
        lambda: atomic.staged_folder(tmp_path / "dist").__enter__(),
    ):
        with pytest.raises(StatpubError) as exc:
            write()
        assert exc.value.code == "output-unsafe"
    assert sorted(p.name for p in secret.iterdir()) == before


def test_bundle_site_and_catalog_refuse_outputs_that_escape(
    tmp_path: Path, secret: Path, built_package: Path
) -> None:
    pkg = tmp_path / "repo" / "pkg"
    shutil.copytree(built_package, pkg)
    before = sorted(p.name for p in secret.iterdir())
    runner = CliRunner()
    (tmp_path / "dist").symlink_to(secret)
    bundle = runner.invoke(
        main, ["bundle", str(pkg), "--out", str(tmp_path / "dist" / "p.zip"), "--json"]
    )
    assert bundle.exit_code == 2 and json.loads(bundle.stdout)["error"]["type"] == "output-unsafe"
    (tmp_path / "_site").symlink_to(secret)
    (secret / "index.html").write_text("an earlier page elsewhere", encoding="utf-8")
    before = sorted(p.name for p in secret.iterdir())
    site = runner.invoke(
        main, ["site", "--package", str(pkg), "--out", str(tmp_path / "_site"), "--json"]
    )
    assert site.exit_code == 2 and json.loads(site.stdout)["error"]["type"] == "output-unsafe"
    inside = runner.invoke(
        main, ["site", "--package", str(pkg), "--out", str(pkg / "page"), "--json"]
    )
    assert inside.exit_code == 2 and json.loads(inside.stdout)["error"]["type"] == "bad-usage"
    assert not (pkg / "page").exists()
    fine = runner.invoke(main, ["site", "--package", str(pkg), "--out", str(tmp_path / "page")])
    assert fine.exit_code == 0, fine.output
    descriptor = (pkg / "datapackage.json").read_bytes()
    for target in ("datapackage.json", "data/observations.csv"):
        out = runner.invoke(main, ["catalog", str(pkg), "--out", str(pkg / target), "--json"])
        assert out.exit_code == 2 and json.loads(out.stdout)["error"]["type"] == "bad-usage"
    assert (pkg / "datapackage.json").read_bytes() == descriptor
    assert sorted(p.name for p in secret.iterdir()) == before


@pytest.mark.parametrize(
    "names", [("Data.csv", "data.csv"), ("caf\u00e9.csv", "cafe\u0301.csv"), ("A.CSV", "a.csv")]
)
def test_bundle_refuses_names_one_file_system_would_merge(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    import hashlib

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    resources = []
    for i, name in enumerate(names):
        data = f"id\n{i}\n".encode()
        (pkg / name).write_bytes(data)
        resources.append(
            {
                "name": f"r{i}",
                "path": name,
                "format": "csv",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": {"fields": [{"name": "id", "type": "integer"}]},
            }
        )
    (pkg / "datapackage.json").write_text(
        json.dumps({"name": "p", "version": "1.0.0", "resources": resources}), encoding="utf-8"
    )
    if len({p.name for p in pkg.iterdir()}) < 3:
        pytest.skip("this file system merged the two names itself")
    out = tmp_path / "out" / "p.zip"
    result = CliRunner().invoke(main, ["bundle", str(pkg), "--out", str(out), "--json"])
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["error"]["type"] == "bundle-names-collide"
    assert not out.exists()


def test_a_git_tree_over_the_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from statpub.package import open as package_open

    repo = _small(tmp_path / "repo" / "pkg").parent
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "p"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env={**os.environ, **env})
    ran: list[list[str]] = []
    real_run = subprocess.run

    def spy(argv: list[str], *args: object, **kwargs: object) -> object:
        ran.append(list(argv))
        return real_run(argv, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", spy)
    monkeypatch.chdir(repo)
    monkeypatch.setattr(package_open, "GIT_ARCHIVE_LIMIT", 20)
    result = CliRunner().invoke(main, ["diff", "HEAD:pkg", "pkg", "--json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["error"]["type"] == "git-error"
    assert not any("archive" in argv for argv in ran)
    monkeypatch.setattr(package_open, "GIT_ARCHIVE_LIMIT", 1 << 30)
    fine = CliRunner().invoke(main, ["diff", "HEAD:pkg", "pkg", "--json"])
    assert fine.exit_code == 0, fine.output
