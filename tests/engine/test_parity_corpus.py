"""statpub's engine and frictionless-py judge the corpus alike, except where documented.

Each folder of ``corpus/`` is a small Data Package, good or bad. Both engines
run on it; every difference must be listed in the folder's
``differences.json``, and every listed difference must be explained in
docs/validation.md (by its ``why`` id).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_parity import Verdict, both

CORPUS = Path(__file__).parent / "corpus"
DOC = Path(__file__).resolve().parents[2] / "docs" / "validation.md"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "datapackage.json").is_file())


def _expected(case: str) -> tuple[Verdict, Verdict, list[dict]]:
    path = CORPUS / case / "differences.json"
    listed = json.loads(path.read_text()) if path.is_file() else []
    resources = json.loads((CORPUS / case / "datapackage.json").read_text())["resources"]
    only_statpub: Verdict = set()
    only_frictionless: Verdict = set()
    for d in listed:
        key = (d.get("resource", resources[0]["name"]), d["row"], d["field"], d["type"])
        (only_statpub if d["only"] == "statpub" else only_frictionless).add(key)
    return only_statpub, only_frictionless, listed


@pytest.mark.parametrize("case", CASES)
def test_same_verdict_as_frictionless(case: str) -> None:
    statpub, frictionless = both(CORPUS / case)
    only_statpub, only_frictionless, _ = _expected(case)
    assert statpub - frictionless == only_statpub
    assert frictionless - statpub == only_frictionless


def test_every_difference_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    whys = {d["why"] for case in CASES for d in _expected(case)[2]}
    assert whys, "the corpus lists no difference at all"
    undocumented = sorted(w for w in whys if f"`{w}`" not in doc)
    assert not undocumented


def test_corpus_covers_every_check() -> None:
    seen = set()
    for case in CASES:
        statpub, _ = both(CORPUS / case)
        seen |= {issue_type for *_, issue_type in statpub}
    assert {
        "type-error", "constraint-error", "unique-error", "primary-key", "foreign-key",
        "missing-label", "extra-label", "duplicate-label", "blank-label", "incorrect-label",
        "missing-cell", "extra-cell", "blank-row", "encoding-error", "source-error",
        "category-error",
    } <= seen  # fmt: skip
