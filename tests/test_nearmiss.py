"""A quote not found names the closest passage and what differs."""

from __future__ import annotations

import pytest

from statpub.figures.nearmiss import near_miss
from statpub.figures.quotes import paragraphs, quote_problem

TEXT = (
    "Headline\n"
    "This year alone, 217 more are in progress\u2014105 already completed.\n"
    "With 6.9 million children in the country, including \u201cnearly\u201d 4 million.\n"
)


@pytest.mark.parametrize(
    ("quote", "differs"),
    [
        ("217 more are in progress-105 already", ("dash",)),
        ("217 more are  in progress", ("space",)),
        ("217 more are in\u00a0progress", ("space",)),
        ("this year alone, 217", ("case",)),
        ('including "nearly" 4 million', ("quotation mark",)),
        ("THIS YEAR ALONE,  217", ("space", "case")),
    ],
)
def test_a_slip_in_copying_is_named(quote: str, differs: tuple[str, ...]) -> None:
    found = near_miss(paragraphs(TEXT), quote)
    assert found is not None and found.differs == differs
    assert found.paragraph in (2, 3)
    assert found.passage in TEXT


def test_a_changed_word_names_the_word() -> None:
    hint = quote_problem(TEXT, "With 6.9 million kids in the country", 3)
    assert hint is not None
    assert "'With 6.9 million children in the country'" in hint
    assert "the text has 'children' where the quote has 'kids'" in hint


def test_nothing_close_is_nowhere() -> None:
    assert quote_problem(TEXT, "an entirely different sentence here", 2) == (
        "it occurs nowhere in the text"
    )


def test_a_quote_in_another_paragraph_is_still_named_so() -> None:
    assert quote_problem(TEXT, "105 already completed", 3) == "it occurs in paragraph 2"
