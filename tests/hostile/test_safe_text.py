"""Text from a package reaches a terminal, a CI log or a pull-request comment inert."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from statpub import safetext
from statpub.cli import main

# What a hostile package puts in a field name, a title or a cell.
PAYLOADS = [
    "\x1b[31mred\x1b[0m",  # ANSI colour
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "ok\rforged",  # carriage return overwrites the line
    "abc\u202edcba",  # bidi override
    "a\u2066b\u2069c\u200f",  # isolates and a mark
    "zero\u200bwidth\ufeff",  # invisible characters
    "line\u2028sep\u2029para",
    "x\n::add-mask::secret",  # a new workflow command
    "x\r\n::error file=a.csv::forged",
    "::stop-commands::token",
    "  ::warning ::indented",
    "%0A::error::percent-encoded",
    "a|b|c",  # leaves a table cell
    "</td><!-- hide the rest",
    "![x](https://evil.example/pixel.png)",
    "[click](javascript:alert(1))",
    "@octo-org/admins please merge",
    "`code` and ``double``",
    "\n### statpub diff: no differences\n",
    "**bold** _it_ ~~gone~~ $x$ #1 &amp; \\|",
    "\x00\x07\x08\x7f\x85\x9b",  # NUL, BEL, BS, DEL, NEL, CSI
]

_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _inert(text: str) -> bool:
    return _BAD.search(text) is None and all(
        unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp") for c in text
    )


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text())
@example("\x1b[2J\r\n::add-mask::x\u202e")
@example("\udc80")  # a lone surrogate, as a file name decoded with surrogateescape gives
def test_plain_leaves_nothing_that_acts(text: str) -> None:
    out = safetext.plain(text)
    assert _inert(out) and "\n" not in out and "\r" not in out
    assert safetext.plain(out) == out  # escaping is done once: plain text stays as it is


@pytest.mark.parametrize("text", PAYLOADS)
def test_every_destination_gets_inert_text(text: str) -> None:
    assert _inert(safetext.plain(text))
    assert safetext.terminal(f"a\n{safetext.plain(text)}").count("\n") == 1
    assert _inert(safetext.terminal(text).replace("\n", ""))
    data = safetext.github_data(text)
    assert "\n" not in data and "\r" not in data and _inert(data)
    # every % is an escape statpub wrote: the runner decodes nothing the package wrote
    assert re.fullmatch(r"(?:[^%]|%25|%0D|%0A)*", data)
    prop = safetext.github_property(text)
    assert ":" not in prop and "," not in prop
    cell = safetext.markdown_cell(text)
    assert _inert(cell)
    for syntax in ("|", "<", ">", "[", "]", "!", "`", "*", "_", "~", "\\"):
        assert syntax not in cell, (syntax, cell)
    assert re.search(r"@[A-Za-z0-9]", cell) is None  # no mention
    code = safetext.markdown_code(text)
    assert "`" not in code and re.search(r"(?<!\\)\|", code) is None and _inert(code)


def test_yaml_errors_never_quote_the_source_line() -> None:
    import yaml

    source = "name: x\nresources: [\n::add-mask::\tsecret-line\n"
    try:
        yaml.safe_load(source)
    except yaml.YAMLError as exc:
        assert "secret-line" in str(exc)  # PyYAML's own text quotes the line ...
        assert "secret-line" not in safetext.yaml_problem(exc)  # ... statpub's does not
    else:
        pytest.fail("the YAML should not parse")


# The same payloads through the commands.


def _package(folder: Path, names: list[str], values: list[str]) -> Path:
    """A table whose header and cells hold ``names`` and ``values`` as they are (real line
    breaks and escapes inside quoted CSV cells)."""
    folder.mkdir(parents=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", *names])
    writer.writerows([i, *([v] * len(names))] for i, v in enumerate(values, 1))
    (folder / "data.csv").write_text(buf.getvalue(), encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}]
    fields += [{"name": n, "type": "integer"} for n in names]
    resource = {"name": "t", "path": "data.csv", "schema": {"fields": fields, "primaryKey": "id"}}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "title": PAYLOADS[0], "resources": [resource]}), encoding="utf-8"
    )
    return folder


def _lines_are_ours(output: str, github: bool = False) -> None:
    assert _inert(output.replace("\n", ""))
    for line in output.splitlines():
        if line.lstrip().startswith("::"):
            # only statpub's own annotations start a line; inside one, text is data
            assert github and re.match(r"::(error|warning) [^:]*::", line), line


def test_validate_and_diff_print_package_text_inert(tmp_path: Path) -> None:
    names = ["a\x1b[31m", "b\n::add-mask::x", "c|d", "e\u202ef"]
    values = [p for p in PAYLOADS if "\x00" not in p]  # a NUL cannot be in a CSV cell
    new = _package(tmp_path / "new", names, values)
    runner = CliRunner()
    for fmt in ("text", "github"):
        result = runner.invoke(main, ["validate", str(new), "--format", fmt, "-q"])
        assert result.exit_code == 1, result.output
        _lines_are_ours(result.stdout, github=fmt == "github")
        _lines_are_ours(result.stderr)
        if fmt == "github":
            for line in result.stdout.splitlines():
                assert line.startswith("::"), line  # one annotation a line, never two
    old = _package(tmp_path / "old", names, [str(i) for i in range(len(values))])
    text = runner.invoke(main, ["diff", str(old), str(new)])
    assert text.exit_code == 1, text.output
    _lines_are_ours(text.stdout)
    md = runner.invoke(main, ["diff", str(old), str(new), "--format", "markdown"])
    assert md.exit_code == 1, md.output
    _lines_are_ours(md.stdout)
    assert md.stdout.count("### ") == 1  # no forged heading
    for bad in ("<!--", "</td>", "![", "](", "@octo"):
        assert bad not in md.stdout, bad
    width = 0
    for line in md.stdout.splitlines():  # every row of a table has its header's columns
        pipes = len(re.findall(r"(?<!\\)\|", line))
        if not line.startswith("|"):
            width = 0
        elif width == 0:
            width = pipes
        else:
            assert pipes == width, line


def test_a_yaml_descriptor_error_quotes_no_line(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "datapackage.yaml").write_text(
        "name: p\nresources: [\n::add-mask::\tsecret-line\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["validate", str(folder / "datapackage.yaml")])
    assert result.exit_code in (1, 2)
    assert "secret-line" not in result.output + result.stderr
    _lines_are_ours(result.stderr)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
@example({"name": "a\u202eb\u2028c\x7f\x1b\U000e0001"})
def test_json_output_is_the_same_value_and_inert(value: object) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    out = safetext.json_text(text)
    assert json.loads(out) == value
    assert _inert(out.replace("\n", ""))
