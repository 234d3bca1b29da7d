"""Every command on every package of the hostile corpus, each in a subprocess with limits.

For each (package, command): the exit status is 0, 1 or 2; no traceback and no
"please report" (an unexpected exception) is printed; nothing is written
outside the command's output folder; no output (stdout, stderr, every file
written, every entry of every zip) holds a secret planted outside the package;
every zip has safe entry names under one root folder; the command finishes
within ``TIME_LIMIT`` and under ``RSS_LIMIT`` of resident memory. ``validate``
must report the issue types the case expects.

A summary (the slowest command, the peak memory, the corpus size) is written
to tests/artifacts/hostile-corpus.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hostile_corpus import CASES as FIRST_ROUND
from hostile_corpus import ENV_NAME, ENV_SECRET, FILE_SECRET, Case, Outside, build_case
from hostile_round2 import ROUND2
from hostile_run import (
    RSS_LIMIT,
    TIME_LIMIT,
    TRACEBACK,
    UNEXPECTED,
    Ran,
    contents,
    reported_types,
    run,
    written,
    zip_slip,
)

from statpub.site.markdown import safe_href

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = ROOT / "tests" / "artifacts" / "hostile-corpus.json"
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens
COMMANDS = ("validate", "diff", "bundle", "site", "catalog", "publish")
CASES = [*FIRST_ROUND, *ROUND2]
# A line a GitHub runner would run as a workflow command, and a terminal escape.
WORKFLOW_COMMAND = re.compile(r"^\s*::", re.MULTILINE)
ESCAPES = re.compile("[\x1b\x9b\r\u202a-\u202e\u2066-\u2069]")


def argv(command: str, pkg: Path, base: Path, out: Path) -> list[str]:
    p = str(pkg)
    return {
        "validate": ["validate", p, "--json", "-q"],
        "diff": ["diff", str(base), p, "--json"],
        "bundle": ["bundle", p, "--json"],  # the default name, in the output folder
        "site": ["site", "--package", p, "--out", str(out / "site"), "--json"],
        "catalog": ["catalog", p, "--format", "dcat"],
        "publish": [
            "publish",
            "ckan",
            p,
            "--url",
            UNREACHABLE,
            "--org",
            "org",
            "--dry-run",
            "--timeout",
            "5",
            "--json",
        ],  # fmt: skip
    }[command]


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    out = {}
    for path in written(folder):
        st = path.lstat()
        target = os.readlink(path) if path.is_symlink() else ""
        out[str(path.relative_to(folder))] = (st.st_mode, st.st_size, target)
    return out


class Corpus:
    def __init__(self, root: Path, built: Path, names: set[str]) -> None:
        self.root = root
        self.outside = Outside(root)
        self.outside.plant()
        self.base = root / "base"
        shutil.copytree(built, self.base)
        # Only the cases that run are built: building all takes longer than running one.
        self.packages = {
            case.name: build_case(case, root, built, self.outside)
            for case in CASES
            if case.name in names
        }
        self.before = snapshot(root)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root / "home"),
            "LANG": "C.UTF-8",
            ENV_NAME: ENV_SECRET,
            "CKAN_API_TOKEN": ENV_SECRET,
        }
        if os.environ.get("PYTHONPATH"):  # the code under test, when it is not the installed one
            self.env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.results: dict[tuple[str, str], tuple[Ran, Path]] = {}

    def run_all(self, names: set[str]) -> None:
        jobs = [(case, command) for case in CASES if case.name in names for command in COMMANDS]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for key, value in pool.map(lambda job: self._one(*job), jobs):
                self.results[key] = value

    def _one(self, case: Case, command: str) -> tuple[tuple[str, str], tuple[Ran, Path]]:
        pkg = self.packages[case.name]
        work = self.root / "work" / case.name / command
        out = work / "out"
        tmp = work / "tmp"
        for folder in (out, tmp):
            folder.mkdir(parents=True)
        env = {**self.env, "TMPDIR": str(tmp)}
        logs = self.root / "logs" / case.name / command
        if case.git and command == "diff":
            ran = run(["diff", "HEAD:pkg", "pkg", "--json"], pkg.parent, env, logs)
        else:
            ran = run(argv(command, pkg, self.base, out), out, env, logs)
        return (case.name, command), (ran, work)


@pytest.fixture(scope="module")
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, built_package: Path
) -> Corpus:
    # Only the cases of the tests selected (``-k``) are run; all of them by default.
    selected = {
        item.callspec.params["case"].name
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), Case)
    }
    all_tests = any(item.name.startswith("test_nothing_outside") for item in request.session.items)
    names = {case.name for case in CASES} if all_tests or not selected else selected
    c = Corpus(tmp_path_factory.mktemp("hostile"), built_package, names)
    c.run_all(names)
    _summary(c)
    return c


def _summary(c: Corpus) -> None:
    ran = [(key, r) for key, (r, _) in c.results.items()]
    slowest = max(ran, key=lambda kr: kr[1].seconds)
    biggest = max(ran, key=lambda kr: kr[1].max_rss)
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(
        json.dumps(
            {
                "packages": len(CASES),
                "commands": len(COMMANDS),
                "runs": len(ran),
                "slowest": {"case": slowest[0], "seconds": round(slowest[1].seconds, 2)},
                "peak_rss_mib": {"case": biggest[0], "mib": biggest[1].max_rss >> 20},
                "exits": {
                    f"{name}/{cmd}": r.exit for (name, cmd), r in sorted(ran, key=lambda x: x[0])
                },
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def _leaks(ran: Ran, work: Path) -> list[str]:
    found = []
    texts = [("stdout", ran.stdout.encode()), ("stderr", ran.stderr.encode()), *contents(work)]
    for where, data in texts:
        for secret in (FILE_SECRET, ENV_SECRET, "root:x:0:0"):
            if secret.encode() in data:
                found.append(f"{secret} in {where}")
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_command_survives(corpus: Corpus, case: Case) -> None:
    failures = []
    for command in COMMANDS:
        ran, work = corpus.results[(case.name, command)]
        problems = []
        if ran.exit is None:
            problems.append(f"did not finish within {TIME_LIMIT:.0f}s")
        elif ran.exit not in (0, 1, 2):
            problems.append(f"exit status {ran.exit}")
        if TRACEBACK in ran.stdout + ran.stderr:
            problems.append("printed a traceback")
        if UNEXPECTED in ran.stderr:
            problems.append("hit an unexpected exception")
        if ran.max_rss > RSS_LIMIT:
            problems.append(f"used {ran.max_rss >> 20} MiB")
        problems += _leaks(ran, work)
        for stream, text in (("stdout", ran.stdout), ("stderr", ran.stderr)):
            if WORKFLOW_COMMAND.search(text):
                problems.append(f"{stream} has a line a CI runner would run as a command")
            if ESCAPES.search(text):
                problems.append(f"{stream} has a terminal escape or bidi control")
        stray = [p for p in written(work) if not _inside(p, work / "out", work / "tmp")]
        stray += [p for p in written(work / "tmp")]
        if stray:
            problems.append(f"wrote outside its output folder: {stray[:5]}")
        for zipped in (p for p in written(work / "out") if p.suffix == ".zip"):
            problems += zip_slip(zipped)
        page = work / "out" / "site" / "index.html"
        if command == "site" and page.is_file():
            links = _links(page.read_text(encoding="utf-8"))
            problems += [f"the page links to {href!r}" for href in links if not safe_href(href)]
        if command == "bundle" and ran.exit == 0:  # one zip, in dist/ (the default)
            made = [p.relative_to(work / "out").as_posix() for p in written(work / "out")]
            name = made[-1].removeprefix("dist/") if len(made) == 2 else ""
            if made[:1] != ["dist"] or not name.endswith(".zip") or "/" in name or name[:1] == ".":
                problems.append(f"bundle wrote {made}")
        if problems:
            failures.append("; ".join(problems) + "\n" + ran.describe())
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_reports_the_expected_problem(corpus: Corpus, case: Case) -> None:
    ran, _ = corpus.results[(case.name, "validate")]
    if case.valid:
        assert ran.exit == 0, ran.describe()
        compared, _ = corpus.results[(case.name, "diff")]
        assert compared.exit in (0, 1), compared.describe()  # a valid package can be compared
    types = reported_types(ran)
    assert case.expect <= types, f"expected {sorted(case.expect)}, got {sorted(types)}\n" + (
        ran.describe()
    )


def test_nothing_outside_the_work_folders_changed(corpus: Corpus) -> None:
    after = snapshot(corpus.root)
    changed = [
        k for k in set(corpus.before) | set(after)
        if not k.startswith(("work", "logs")) and corpus.before.get(k) != after.get(k)
    ]  # fmt: skip
    assert changed == []
    for parent in (corpus.root.parent, corpus.root.parent.parent, Path("/tmp")):
        assert not list(parent.glob("*escaped*")), parent


def test_the_site_copies_only_files_of_the_package(corpus: Corpus) -> None:
    checked = 0
    for case in CASES:
        if (case.name, "site") not in corpus.results:
            continue
        ran, work = corpus.results[(case.name, "site")]
        files = work / "out" / "site" / "files"
        if ran.exit != 0:
            continue
        pkg = corpus.packages[case.name].resolve()
        for path in written(files):
            if path.is_file() and path.suffix != ".zip":
                rel = path.relative_to(files)
                original = (pkg / rel).resolve()
                assert original.is_relative_to(pkg) and original.is_file(), (case.name, rel)
                assert original.read_bytes() == path.read_bytes()
                checked += 1
    assert checked > 0


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]


def _links(html: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html)
    return parser.found


def _inside(path: Path, *folders: Path) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)
