"""The path policy (package/paths.py) on its own: each refusal with its code and words,
each acceptance with the file's bytes. The commands' tests reach it through packages;
these pin what each branch decides."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from statpub.package.paths import (
    PathProblem,
    UnsafePath,
    check_relative,
    inside,
    is_remote,
    open_inside,
    open_regular,
    read_inside,
    resolve_inside,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pkg" / "data").mkdir(parents=True)
    (tmp_path / "pkg" / "data" / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "secret.txt").write_bytes(b"secret\n")
    return tmp_path / "pkg"


def refused(call: object) -> PathProblem:
    assert callable(call)
    with pytest.raises(UnsafePath) as caught:
        call()
    assert str(caught.value) == caught.value.problem.reason
    return caught.value.problem


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (3, "a path must be a string, not int"),
        ("", "a path must not be empty"),
        ("a\x00b", "NUL"),
        ("data\\a.csv", "backslashes"),
        ("/etc/passwd", "not absolute"),
        ("C:data.csv", "not absolute"),
        ("data/../../x", "'..'"),
        ("data/", "a file, not a folder"),
    ],
)
def test_check_relative_names_the_rule_broken(path: object, words: str) -> None:
    said = check_relative(path)
    assert said is not None and words in said


@pytest.mark.parametrize("path", ["data/a.csv", "a..b.csv", "x/y/z.parquet"])
def test_check_relative_keeps_what_the_spec_allows(path: str) -> None:
    assert check_relative(path) is None


def test_is_remote_only_for_a_scheme() -> None:
    assert is_remote("https://example.org/a.csv") and is_remote("s3://b/a")
    assert not is_remote("data/a.csv") and not is_remote("C:/a.csv") and not is_remote(3)


def test_resolve_inside_gives_the_real_file(root: Path) -> None:
    assert resolve_inside(root, "data/a.csv") == (root / "data" / "a.csv").resolve()


def test_resolve_inside_codes(root: Path) -> None:
    (root / "out").symlink_to(root.parent / "secret.txt")
    (root / "dangling").symlink_to(root.parent / "nowhere.txt")
    (root / "loop").symlink_to(root / "loop")
    os.mkfifo(root / "fifo")
    cases = {
        "missing.csv": ("file-missing", "it does not exist"),
        "out": ("path-unsafe", "outside the package"),
        "dangling": ("path-unsafe", "it points outside the package folder"),
        "loop": ("path-unsafe", "it cannot be resolved"),
        "data": ("file-not-regular", "it is a folder; only regular files are read"),
        "fifo": ("file-not-regular", "it is not a regular file; only regular files are read"),
    }
    for path, (code, words) in cases.items():
        found = resolve_inside(root, path)
        assert isinstance(found, PathProblem), path
        assert found.code == code and words in found.reason, (path, found)


def test_a_link_inside_the_package_is_followed(root: Path) -> None:
    (root / "alias.csv").symlink_to(root / "data" / "a.csv")
    with open_inside(root, "alias.csv") as fh:
        assert fh.read() == b"x\n1\n"


def test_open_inside_reads_relative_and_absolute_paths_under_the_root(root: Path) -> None:
    with open_inside(root, "data/a.csv") as fh:
        assert fh.read() == b"x\n1\n"
    with open_inside(root, root / "data" / "a.csv") as fh:
        assert fh.read() == b"x\n1\n"


def test_open_inside_refuses_a_path_outside_the_root(root: Path) -> None:
    problem = refused(lambda: open_inside(root, root.parent / "secret.txt"))
    assert problem.code == "path-unsafe" and "outside the repository folder" in problem.reason
    problem = refused(lambda: open_inside(root, root))  # the root itself is no file
    assert problem.code == "path-unsafe"


def test_open_inside_reaches_the_root_through_a_linked_folder(root: Path) -> None:
    link = root.parent / "linked"
    link.symlink_to(root)
    with open_inside(root, link / "data" / "a.csv") as fh:
        assert fh.read() == b"x\n1\n"
    problem = refused(lambda: open_inside(root, link.parent / "secret.txt"))
    assert problem.code == "path-unsafe"


def test_open_inside_refuses_each_kind(root: Path) -> None:
    (root / "out").symlink_to(root.parent / "secret.txt")
    os.mkfifo(root / "fifo")
    assert refused(lambda: open_inside(root, "out")).code == "path-unsafe"
    assert refused(lambda: open_inside(root, "fifo")).code == "file-not-regular"
    assert refused(lambda: open_inside(root, "data")).reason.startswith("it is a folder")
    assert refused(lambda: open_inside(root, "nope.csv")).code == "file-missing"


def test_an_opened_file_blocks_as_usual(root: Path) -> None:
    """The open does not block on a FIFO, but the file handed out reads normally."""
    import fcntl

    with open_inside(root, "data/a.csv") as fh:
        assert not fcntl.fcntl(fh.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK
    with open_regular(root / "data" / "a.csv") as fh:
        assert not fcntl.fcntl(fh.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK


def test_read_inside_limits(root: Path) -> None:
    assert read_inside(root, "data/a.csv", 4) == b"x\n1\n"  # exactly the limit: read
    problem = refused(lambda: read_inside(root, "data/a.csv", 3))
    assert problem.code == "file-too-large"
    assert problem.reason == "it is 4 bytes, over the 3 read"


def test_open_regular(root: Path) -> None:
    link = root / "manifest"
    link.symlink_to(root / "data" / "a.csv")
    problem = refused(lambda: open_regular(link))
    assert problem.code == "path-unsafe" and "symbolic link" in problem.reason
    with open_regular(link, follow=True) as fh:
        assert fh.read() == b"x\n1\n"
    os.mkfifo(root / "fifo")
    problem = refused(lambda: open_regular(root / "fifo"))
    assert problem.code == "file-not-regular" and "not a regular file" in problem.reason
    problem = refused(lambda: open_regular(root / "data"))
    assert problem.code == "file-not-regular" and "a folder" in problem.reason
    with pytest.raises(FileNotFoundError):
        open_regular(root / "missing")


def test_a_refused_open_leaves_no_descriptor_open(root: Path) -> None:
    os.mkfifo(root / "fifo")
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        refused(lambda: open_inside(root, "data"))
        refused(lambda: open_regular(root / "fifo"))
        with open_inside(root, "data/a.csv"):
            pass
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_link_swapped_in_after_the_check_is_refused(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check passes on the real file; the open then meets a link (the race)."""
    import statpub.package.paths as paths

    real = resolve_inside(root, "data/a.csv")
    assert isinstance(real, Path)
    (root / "data" / "a.csv").unlink()
    (root / "data" / "a.csv").symlink_to(root.parent / "secret.txt")
    monkeypatch.setattr(paths, "resolve_inside", lambda base, rel: real)
    problem = refused(lambda: open_inside(root, "data/a.csv"))
    assert problem.code == "path-unsafe" and "replaced by a link" in problem.reason


def test_a_linked_folder_swapped_in_after_the_check_is_refused(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import statpub.package.paths as paths

    real = resolve_inside(root, "data/a.csv")
    assert isinstance(real, Path)
    (root / "data").rename(root / "moved")
    (root / "data").symlink_to(root / "moved")
    monkeypatch.setattr(paths, "resolve_inside", lambda base, rel: real)
    assert refused(lambda: open_inside(root, "data/a.csv")).code == "path-unsafe"


def test_without_dir_fd_the_open_is_checked_against_the_path(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where os.open takes no dir_fd, the file opened must be the one checked."""
    import statpub.package.paths as paths

    monkeypatch.setattr(paths.os, "supports_dir_fd", set())
    with open_inside(root, "data/a.csv") as fh:
        assert fh.read() == b"x\n1\n"
    real = resolve_inside(root, "data/a.csv")
    assert isinstance(real, Path)
    other = root / "data" / "b.csv"
    other.write_bytes(b"other\n")
    stat_of = os.stat

    def swapped(path: object, *args: object, **kwargs: object) -> os.stat_result:
        return stat_of(other if Path(str(path)) == real else path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paths.os, "stat", swapped)
    problem = refused(lambda: open_inside(root, "data/a.csv"))
    assert problem.code == "path-unsafe" and "changed while being opened" in problem.reason


def test_inside(root: Path) -> None:
    assert inside(root, root) and inside(root, root / "data")
    assert not inside(root, root.parent)
    (root / "away").symlink_to(root.parent)
    assert not inside(root, root / "away")
    assert stat.S_ISDIR(os.stat(root / "away").st_mode)


def test_a_problem_is_a_value_and_opened_files_close_on_exec(root: Path) -> None:
    import dataclasses
    import fcntl

    problem = PathProblem("path-unsafe", "why")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "other"  # type: ignore[misc]
    with open_inside(root, "data/a.csv") as fh:
        assert fcntl.fcntl(fh.fileno(), fcntl.F_GETFD) & fcntl.FD_CLOEXEC
    with open_regular(root / "data" / "a.csv") as fh:
        assert fcntl.fcntl(fh.fileno(), fcntl.F_GETFD) & fcntl.FD_CLOEXEC
