"""A figure's wording, qualifier, bounds and status agree, in every language with a word table."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_figures import edit, load, only_issue

from statpub.figures import wording

ZAKON = "figures/sources/zakon-2025-10-07.yml"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"

WORDS = [w for lang in wording.languages() for w in wording.words(lang)]


def phrase(w: wording.Word, number: str = "120") -> str:
    """A wording that uses ``w`` as the table says it is used."""
    if w.position == "before":
        return f"{w.word} {number}"
    if w.position == "after":
        return f"{number} {w.word}"
    return w.word


def test_the_tables_cover_english_russian_and_kazakh() -> None:
    assert {"en", "ru", "kk"} <= set(wording.languages())
    for lang in ("en", "ru", "kk"):
        assert wording.words(lang), lang
    assert wording.words("xx") == ()


@pytest.mark.parametrize("w", WORDS, ids=lambda w: f"{w.language}:{w.word}")
def test_each_word_is_found_in_a_wording(w: wording.Word) -> None:
    assert w in wording.words_in(phrase(w), w.language)
    assert w in wording.words_in(phrase(w).upper(), w.language)


@pytest.mark.parametrize("w", WORDS, ids=lambda w: f"{w.language}:{w.word}")
def test_each_word_refuses_exact_and_accepts_its_qualifier(w: wording.Word) -> None:
    text = phrase(w)
    refused = wording.problems(
        wording=text, quote=f"x {text} y", language=w.language, qualifier="exact", obs_status="A"
    )
    assert [p[0] for p in refused] == ["figures-qualifier-mismatch"]
    assert f"qualifier: {w.qualifiers[0]}" in refused[0][2]
    for q in w.qualifiers:
        assert not wording.problems(
            wording=text, quote=f"x {text} y", language=w.language, qualifier=q, obs_status="E"
        )


@pytest.mark.parametrize(
    "w", [w for w in WORDS if w.position != "alone"], ids=lambda w: f"{w.language}:{w.word}"
)
def test_each_word_left_out_of_the_wording_is_named(w: wording.Word) -> None:
    quote = f"x {phrase(w)} y"
    found = wording.problems(
        wording="120", quote=quote, language=w.language, qualifier="exact", obs_status="A"
    )
    assert [p[0] for p in found] == ["figures-qualifier-dropped"]
    assert f"write wording: {phrase(w)}" in found[0][2]


@pytest.mark.parametrize("w", WORDS, ids=lambda w: f"{w.language}:{w.word}")
def test_each_word_is_documented_with_its_reading(w: wording.Word) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert f"| {w.language} | {w.word} |" in docs


def test_words_for_a_number_are_scales_and_ranges_not_qualifiers() -> None:
    assert wording.words_in("2 тысячи", "ru") == []
    assert wording.words_in("с 33 до 131", "ru") == []
    assert not wording.dropped_words("131", "выросло с 33 до 131", "ru")
    assert [w.word for w in wording.words_in("До 208", "ru")] == ["до"]


def test_up_to_in_a_target_names_the_level_to_reach() -> None:
    kw = {"wording": "До 208", "quote": "До 208 к 2027 году", "language": "ru"}
    assert not wording.problems(**kw, qualifier="exact", obs_status="F")
    assert wording.problems(**kw, qualifier="exact", obs_status="A")


def test_kazakh_case_ending_before_a_word_after_the_number() -> None:
    found = wording.dropped_words("120", "120-дан астам түзету", "kk")
    assert [(w.word, text) for w, text in found] == [("астам", "120-дан астам")]


def test_a_vague_qualifier_needs_a_word() -> None:
    found = wording.problems(
        wording="7 млн", quote="7 млн детей", language="ru", qualifier="about", obs_status="E"
    )
    assert [p[0] for p in found] == ["figures-qualifier-mismatch"]


def test_a_language_without_a_table_checks_only_quote_and_status() -> None:
    assert not wording.problems(
        wording="about 7", quote="about 7", language="de", qualifier="about", obs_status="E"
    )


# The scenarios of the figure files, each refused with its file, line and field.


def test_more_than_recorded_as_exact_is_refused(inputs: Path) -> None:
    edit(inputs, "    qualifier: more-than\n    lower_bound: 121\n    obs_status: E\n", "")
    line = edit(
        inputs,
        "    wording: more than 120\n",
        "    qualifier: exact\n    obs_status: A\n    wording: more than 120\n",
    )
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row, issue.field) == (
        "figures-qualifier-mismatch",
        "figures/sources/fixyanet-2025-06.yml",
        line,
        "qualifier",
    )
    assert "write qualifier: more-than" in issue.message


def _add_zakon(inputs: Path, figure: str) -> None:
    path = inputs / ZAKON
    path.write_text(path.read_text(encoding="utf-8") + figure, encoding="utf-8")


def _children(
    value_wording: str, quote: str, qualifier: str = "exact", status: str = "A", bounds: str = ""
) -> str:
    return f"""
  - indicator: children-population
    ref_area: KZ
    period: 2025-10-07
    period_type: stock
    period_reading: At publication.
    value: 7000000
    qualifier: {qualifier}{bounds}
    obs_status: {status}
    wording: {value_wording}
    quote: {quote}
    paragraph: 4
"""


@pytest.mark.parametrize(
    ("figure", "code", "field"),
    [
        (
            _children("порядка 7 млн", "порядка 7 млн детей"),
            "figures-qualifier-mismatch",
            "qualifier",
        ),
        (_children("7 млн", "порядка 7 млн детей"), "figures-qualifier-dropped", "wording"),
        (
            _children(
                "около 7 млн",
                "порядка 7 млн детей",
                "about",
                "E",
                "\n    lower_bound: 6500000\n    upper_bound: 7500000",
            ),
            "figures-wording-not-in-quote",
            "wording",
        ),
        (_children("7 млн", "7 млн детей", status="E"), "figures-status-mismatch", "obs_status"),
    ],
    ids=["vague-as-exact", "word-dropped", "wording-not-in-quote", "exact-as-estimate"],
)
def test_the_seven_million_scenarios_are_refused(
    inputs: Path, figure: str, code: str, field: str
) -> None:
    before = (inputs / ZAKON).read_text(encoding="utf-8").count("\n")
    _add_zakon(inputs, figure)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.field) == (code, ZAKON, field)
    assert issue.row and issue.row > before


def test_the_repository_figures_agree_with_their_words(inputs: Path) -> None:
    figset = load(inputs)
    languages = {s.source_id: s.language for s in figset.sources}
    for fig in figset.figures:
        assert not wording.problems(
            wording=fig.value_wording,
            quote=fig.quote,
            language=languages[fig.source_id],
            qualifier=fig.qualifier,
            obs_status=fig.obs_status,
        ), fig.key
