"""Helpers for the versioning tests: edit copied figure files, snapshot folders."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import yaml

from statpub.release import Paths, archive_current

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE_FILE = "sources/fixyanet-2025-06.yml"

# The family-support-centres entry of the copied figure file, as the tests edit it.
CENTRES_VALUE = "    value: 112\n    qualifier: exact\n"
CENTRES_QUOTE = "    quote: 112 family support centers\n"
# The counts the tests correct it to: the stand-in texts carry a phrase for each, so a
# corrected figure quotes its own number, as a real correction would.
CORRECTED_COUNTS = ("113", "115", "116", "120", "125")


def centres_quote(value: str) -> str:
    return f"{value} family support centers"


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def revise_centres(paths: Paths, value: str, reason: str | None) -> None:
    """Give the family-support-centres figure a new value (and the wording that goes with
    it), with or without a reason."""
    new = f"    value: {value}\n"
    if reason is not None:
        new += f"    reason: {reason}\n"
    edit(paths.figures / SOURCE_FILE, CENTRES_VALUE, new + "    qualifier: exact\n")
    edit(paths.figures / SOURCE_FILE, '    wording: "112"\n', f'    wording: "{value}"\n')
    edit(paths.figures / SOURCE_FILE, CENTRES_QUOTE, f"    quote: {centres_quote(value)}\n")


def re_revise_centres(paths: Paths, old: str, new: str) -> None:
    """Change the already revised figure's value and wording again."""
    edit(paths.figures / SOURCE_FILE, f"    value: {old}\n", f"    value: {new}\n")
    edit(paths.figures / SOURCE_FILE, f'    wording: "{old}"\n', f'    wording: "{new}"\n')
    edit(
        paths.figures / SOURCE_FILE,
        f"    quote: {centres_quote(old)}\n",
        f"    quote: {centres_quote(new)}\n",
    )


def add_centres_period(paths: Paths, period: str, value: str) -> None:
    """Append a family-support-centres figure for another period to the source file."""
    path = paths.figures / SOURCE_FILE
    entry = (
        "\n  - indicator: family-support-centres\n"
        "    ref_area: KZ\n"
        f"    period: {period}\n"
        "    period_type: stock\n"
        "    period_reading: Test figure for a newer period.\n"
        f"    value: {value}\n"
        "    qualifier: exact\n"
        "    obs_status: A\n"
        f'    wording: "{value}"\n'
        f"    quote: {centres_quote(value)}\n"
        "    paragraph: 6\n"
    )
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")


def write_source_texts(figures: Path, dest: Path) -> Path:
    """A stand-in captured text for every source file, made of its own quotes in their
    paragraphs, and its sha256 written into the file: the release's quote check then
    passes without the real texts, and fails for a quote edited later."""
    dest.mkdir(exist_ok=True)
    files = sorted((figures / "sources").glob("*.yml"))
    # Quotes of other sources that also report a figure, by the source they quote.
    also: dict[str, list[dict[str, str]]] = {}
    for path in files:
        for fig in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["figures"]:
            for c in fig.get("also_reported_by") or []:
                also.setdefault(c["source"], []).append(c)
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=yaml.BaseLoader)
        paras: dict[int, list[str]] = {}
        for fig in [*data["figures"], *also.get(path.stem, [])]:
            paras.setdefault(int(fig["paragraph"]), []).append(fig["quote"])
            if fig["quote"] == centres_quote("112"):
                paras[int(fig["paragraph"])] += [centres_quote(v) for v in CORRECTED_COUNTS]
        lines = [
            " / ".join(paras.get(n, [f"Paragraph {n}."]))
            for n in range(1, max(paras, default=1) + 1)
        ]
        body = "\n".join(lines) + "\n"
        (dest / f"{path.stem}.txt").write_text(body, encoding="utf-8")
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        if re.search(r"(?m)^  sha256:", text):
            text = re.sub(r"(?m)^  sha256:.*$", f"  sha256: {digest}", text, count=1)
        else:
            text = re.sub(r"(?m)^(  language:.*)$", rf"\1\n  sha256: {digest}", text, count=1)
        path.write_text(text, encoding="utf-8")
    return dest


def cli_paths(paths: Paths) -> list[str]:
    return [
        "--figures", str(paths.figures),
        "--schemas", str(paths.schemas),
        "--out", str(paths.out),
        "--releases", str(paths.releases),
        "--sources", str(paths.sources),
    ]  # fmt: skip


def tree(root: Path) -> dict[str, str]:
    """Every file (its sha256) and folder ("<dir>") under ``root``, hidden ones included:
    two trees are equal when they are byte-identical with nothing left over."""
    return {
        p.relative_to(root).as_posix(): (
            "<dir>" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(root.rglob("*"))
    }


def make_work(root: Path) -> Paths:
    """A repository-like folder at ``root`` with the real figures copied and 1.0.0 archived;
    its source texts (``paths.sources``, in ``root/texts``) are stand-ins made of the
    figures' own quotes."""
    shutil.copytree(ROOT / "figures", root / "figures")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    # A history of its own, whatever the real one has become: 1.0.0 and an empty log.
    (root / "figures/releases.yml").write_text(
        "releases:\n  - version: 1.0.0\n    date: 2026-11-27\n    note: Fixture first release.\n",
        encoding="utf-8",
    )
    for name in ("revisions.csv", "removals.yml"):
        (root / "figures" / name).unlink(missing_ok=True)
    # ... and the first source only: the tests add what they release.
    for path in (root / "figures/sources").glob("*.yml"):
        if path.name != "fixyanet-2025-06.yml":
            path.unlink()
    texts = write_source_texts(root / "figures", root / "texts")
    paths = Paths(
        root / "figures", root / "schemas", root / "datapackage", root / "releases", texts
    )
    version, archived = archive_current(paths)
    assert archived and version == "1.0.0"
    return paths
