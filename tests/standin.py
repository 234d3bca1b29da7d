"""Stand-in captured source texts for tests that edit the figure files: the release's
quote check then runs without the real texts (and fails for a quote edited later)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

# The counts the tests correct the family-support-centres figure to: the stand-in texts
# carry a phrase for each, so a corrected figure quotes its own number, as a real
# correction would.
CORRECTED_COUNTS = ("113", "115", "116", "120", "125")


def centres_quote(value: str) -> str:
    return f"{value} family support centers"


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
