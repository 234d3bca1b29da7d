"""One error contract for every command.

Exit 0 done, 1 invalid input or differences, 2 could not run. With --json, stdout
always holds exactly one JSON document, also on exit 1 and 2: the command's report,
or ``{"error": {"type", "message", "path"}}`` (plus ``issues`` for invalid input).
A bug (an unexpected exception) exits 2 with "statpub could not run: ... please
report", never a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from statpub.cli import main

ROOT = Path(__file__).resolve().parent.parent
CENTRES = "    value: 112\n    qualifier: exact\n"  # one figure of the copied figure files


@dataclass
class Work:
    """A repository-like folder of our own: figure files, schemas, 1.0.0 built and archived."""

    root: Path
    package: Path  # a built package, to tamper with or compare
    releases: Path

    def figures_args(self) -> list[str]:
        r = self.root
        return [
            "--figures", str(r / "figures"), "--schemas", str(r / "schemas"),
            "--out", str(r / "datapackage"), "--releases", str(self.releases),
        ]  # fmt: skip

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= 1, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def tamper(self, folder: Path) -> None:
        """Change a data file behind its recorded sha256."""
        target = folder / "data" / "sources.csv"
        target.write_bytes(target.read_bytes() + b"\n")


def versioning_helpers() -> Any:
    """tests/versioning/versioning_helpers.py, which makes release workspaces."""
    name = "versioning_helpers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, ROOT / "tests" / "versioning" / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Work:
    """The versioning tests' workspace: 1.0.0 archived, stand-in source texts."""
    paths = versioning_helpers().make_work(tmp_path / "repo")
    monkeypatch.setenv("STATPUB_SOURCES", str(paths.sources))  # the quotes check out
    package = tmp_path / "pkg"
    shutil.copytree(paths.out, package)
    return Work(paths.figures.parent, package, paths.releases)


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


Case = tuple[str, Callable[[Work], list[str]], int, str]  # (id, argv, exit, "error"/"report")


def _ragged(w: Work) -> str:
    path = w.root / "ragged.csv"
    path.write_text("code,value\n01,1\n02,2,3\n", encoding="utf-8")
    return str(path)


CASES: list[Case] = [
    ("init", lambda w: ["init", str(w.root / "p"), "--from", str(w.root / "nope.csv")], 2,
     "file-not-found"),
    ("init", lambda w: ["init", str(w.root / "p"), "--from", _ragged(w)], 1, "input-invalid"),
    ("validate", lambda w: ["validate", str(w.root / "nope")], 2, "file-not-found"),
    ("validate", lambda w: (w.tamper(w.package), ["validate", str(w.package)])[1], 1, "report"),
    ("build", lambda w: ["build", "--figures", str(w.root / "nope")], 2, "file-not-found"),
    (
        "build",
        lambda w: (
            w.edit("figures/sources/fixyanet-2025-06.yml", CENTRES, "    value: 112\n"
                   "    qualifier: roughly\n"),
            ["build", *w.figures_args()[:6]],
        )[1],
        1,
        "figures-invalid",
    ),
    ("release", lambda w: ["release", *w.figures_args()], 2, "nothing-to-release"),
    (
        "release",
        lambda w: (
            # A correction without a reason (the wording still agrees with its quote).
            w.edit(
                "figures/sources/fixyanet-2025-06.yml",
                "upper_bound: 6949999",
                "upper_bound: 6950000",
            ),
            ["release", "--date", "2026-12-01", *w.figures_args()],
        )[1],
        1,
        "release-refused",
    ),
    ("diff", lambda w: ["diff", str(w.root / "nope"), str(w.package)], 2, "file-not-found"),
    (
        "diff",
        lambda w: (_revise(w.package), ["diff", str(w.releases / "1.0.0"), str(w.package)])[1],
        1,
        "report",
    ),
    (
        "publish ckan",
        lambda w: ["publish", "ckan", str(w.package), "--url", dead_url(), "--org", "o",
                   "--dry-run"],
        2,
        "portal-unreachable",
    ),
    (
        "publish ckan",
        lambda w: ["publish", "ckan", str(w.package), "--url", dead_url(), "--org", "o",
                   "--token-env", "STATPUB_TEST_NO_SUCH_TOKEN"],
        2,
        "portal-auth",
    ),
    (
        "publish ckan",
        lambda w: (w.tamper(w.package),
                   ["publish", "ckan", str(w.package), "--url", dead_url(), "--org", "o",
                    "--dry-run"])[1],
        1,
        "package-files-mismatch",
    ),
    (
        "publish egov",
        lambda w: ["publish", "egov", str(w.root / "nope"), "--out", str(w.root / "e")],
        2,
        "file-not-found",
    ),
    (
        "publish egov",
        lambda w: (w.tamper(w.package),
                   ["publish", "egov", str(w.package), "--out", str(w.root / "e")])[1],
        1,
        "package-files-mismatch",
    ),
    (
        "export sdmx",
        lambda w: ["export", "sdmx", str(w.root / "nope"), "--out", str(w.root / "x")],
        2,
        "project-not-found",
    ),
    (
        "export sdmx",
        lambda w: (w.tamper(w.package),
                   ["export", "sdmx", str(ROOT), "--package", str(w.package), "--out",
                    str(w.root / "x")])[1],
        1,
        "package-files-mismatch",
    ),
    ("bundle", lambda w: ["bundle", str(w.root / "nope")], 2, "file-not-found"),
    (
        "bundle",
        lambda w: (w.tamper(w.package),
                   ["bundle", str(w.package), "--out", str(w.root / "b.zip")])[1],
        1,
        "package-files-mismatch",
    ),
    (
        "bundle",  # the machine refuses: the zip's folder would be inside a file
        lambda w: ["bundle", str(w.package), "--out", str(w.root / "figures/package.yml/b.zip")],
        2,
        "os-error",
    ),
    ("catalog", lambda w: ["catalog", str(w.root / "nope")], 2, "file-not-found"),
    (
        "catalog",
        lambda w: (w.tamper(w.package), ["catalog", str(w.package)])[1],
        1,
        "package-files-mismatch",
    ),
    (
        "site",
        lambda w: ["site", "--package", str(w.root / "nope"), "--out", str(w.root / "s")],
        2,
        "file-not-found",
    ),
    (
        "site",
        lambda w: (w.tamper(w.package),
                   ["site", "--package", str(w.package), "--out", str(w.root / "s")])[1],
        1,
        "package-files-mismatch",
    ),
    (
        "checkout",
        lambda w: ["checkout", "9.9.9", str(w.root / "v"), "--releases", str(w.releases)],
        2,
        "version-not-found",
    ),
    (
        "checkout",
        lambda w: (w.tamper(w.releases / "1.0.0"),
                   ["checkout", "1.0.0", str(w.root / "v"), "--releases", str(w.releases)])[1],
        1,
        "archive-checksums",
    ),
    ("vintage", lambda w: ["vintage", "--releases", str(w.root / "nope")], 2, "file-not-found"),
    (
        "docs dictionary",
        lambda w: ["docs", "dictionary", "--schemas", str(w.root / "nope"),
                   "--out", str(w.root / "dd.md")],
        2,
        "file-not-found",
    ),
    (
        "docs dictionary",
        lambda w: ["docs", "dictionary", "--schemas", str(w.root / "schemas"),
                   "--out", str(w.root / "figures/package.yml"), "--check"],
        1,
        "report",
    ),
]  # fmt: skip


def _revise(package: Path) -> None:
    """A revised cell, hashes updated: a valid package that differs from 1.0.0."""
    import hashlib

    csv = package / "data" / "indicators.csv"
    csv.write_bytes(csv.read_bytes().replace(b"Mentors trained", b"Mentors retrained"))
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    for res in data["resources"]:
        if res["path"] == "data/indicators.csv":
            res["hash"] = "sha256:" + hashlib.sha256(csv.read_bytes()).hexdigest()
            res["bytes"] = csv.stat().st_size
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")


def invoke(args: list[str], **kwargs: Any) -> Result:
    return CliRunner().invoke(main, args, **kwargs)


def one_json_document(result: Result) -> dict[str, Any]:
    assert result.stdout.strip(), f"nothing on stdout; stderr: {result.stderr}"
    doc = json.loads(result.stdout)  # the whole of stdout: one document, nothing else
    assert isinstance(doc, dict)
    return doc


def leaf_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        if isinstance(cmd, click.Group):
            out.update(leaf_commands(cmd, (*prefix, name)))
        else:
            out[" ".join((*prefix, name))] = cmd
    return out


def test_every_command_has_json_and_is_tested_here() -> None:
    commands = leaf_commands()
    assert {name for name, cmd in commands.items() if "--json" not in _options(cmd)} == set()
    tested = {name for name, *_ in CASES}
    assert tested == set(commands), "every command needs a failing case in CASES"
    for name in commands:  # exit 2 for every command; exit 1 for all that can find bad input
        exits = {code for n, _, code, _ in CASES if n == name}
        assert 2 in exits, name
        if name != "vintage":
            assert 1 in exits, name


def _options(cmd: click.Command) -> set[str]:
    return {opt for p in cmd.params for opt in getattr(p, "opts", [])}


@pytest.mark.parametrize(
    ("name", "argv", "code", "kind"),
    CASES,
    ids=[f"{c[0].replace(' ', '-')}-exit{c[2]}-{c[3]}" for c in CASES],
)
def test_failures_are_one_json_document_on_stdout(
    work: Work, name: str, argv: Callable[[Work], list[str]], code: int, kind: str
) -> None:
    args = argv(work)
    result = invoke([*args, "--json"], env={"CKAN_API_TOKEN": None})
    assert result.exit_code == code, (result.stdout, result.stderr)
    doc = one_json_document(result)
    assert "Traceback" not in result.stderr
    if kind == "report":
        assert "error" not in doc
        return
    assert set(doc) == {"error"}
    error = doc["error"]
    assert {"type", "message", "path"} <= set(error)
    assert error["type"] == kind
    assert error["message"] and error["message"] in result.stderr  # the same words on stderr
    if code == 1:
        assert error["issues"] and all("type" in i and "message" in i for i in error["issues"])
    if kind == "file-not-found":
        assert error["path"] is not None and "nope" in error["path"]


def test_without_json_stdout_stays_empty_on_failure(work: Work) -> None:
    result = invoke(["bundle", str(work.root / "nope")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error [file-not-found]: ")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--bogus"],
        ["validate", "--format", "xml"],
        ["diff", "--fail-on", "huge", "a", "b"],
        ["vintage", "--where", "no-equals-sign"],
        ["no-such-command"],
    ],
)
def test_usage_errors_under_json_are_json_too(args: list[str]) -> None:
    result = invoke([*args, "--json"])
    assert result.exit_code == 2
    error = one_json_document(result)["error"]
    assert error["type"] == "bad-usage" and error["message"]
    assert "Usage:" in result.stderr or "Error:" in result.stderr
    plain = invoke(args)
    assert plain.exit_code == 2 and plain.stdout == ""


def test_build_json_names_the_package_folder_not_a_staging_folder(work: Work) -> None:
    out = work.root / "built"
    args = ["build", *work.figures_args()[:4], "--out", str(out), "--json"]
    doc = one_json_document(invoke(args))
    assert doc["out_dir"] == str(out)
    assert doc["validation"]["target"] == str(out)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_bug_exits_2_asking_for_a_report(
    work: Work, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    import statpub.validate

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("unexpected")

    monkeypatch.setattr(statpub.validate, "validate", broken)
    monkeypatch.delenv("STATPUB_DEBUG", raising=False)
    result = invoke(["validate", str(work.package), *(["--json"] if as_json else [])])
    assert result.exit_code == 2
    assert "statpub could not run: KeyError: 'unexpected'" in result.stderr
    assert "please report" in result.stderr
    assert "Traceback" not in result.stderr
    if as_json:
        error = one_json_document(result)["error"]
        assert error["type"] == "internal-error" and "please report" in error["message"]
    else:
        assert result.stdout == ""
