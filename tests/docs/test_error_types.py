"""docs/error-types.md lists every error type, generated from the code and kept current."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from error_types import error_types  # noqa: E402


def test_the_page_is_current() -> None:
    from cogapp import Cog

    with open(os.devnull, "w") as devnull:
        cog = Cog()
        cog.set_output(stdout=devnull, stderr=devnull)
        ret = cog.main(["cog", "--check", str(ROOT / "docs/error-types.md")])
    assert ret == 0, "docs/error-types.md is stale: run `cog -r docs/error-types.md`"


def test_every_type_the_conformance_corpus_sees_is_listed() -> None:
    """The generator reads the code; the corpus runs it: what one finds, the other must."""
    seen: set[str] = set()
    for expected in (ROOT / "tests/conformance").glob("*/expected.json"):
        case = json.loads(expected.read_text(encoding="utf-8"))
        seen |= {e[0] for e in case["errors"]} | set(case["warnings"])
    listed = error_types()
    assert seen and sorted(seen - set(listed)) == []


def test_kinds_and_places() -> None:
    listed = error_types()
    assert listed["type-error"][0] == "issue"
    assert listed["zip-too-large"] == ("stop", ["statpub.package.zipped"])
    assert listed["schema-warning"][0] == "issue"
    assert "statpub.validate.copies" in listed["copies-row-count"][1]
