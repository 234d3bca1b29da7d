"""The dataset page links only http(s) and relative addresses; everything else is text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statpub.site import render_site
from statpub.site.markdown import inline, safe_href


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "http://a.b",
        "HTTPS://A.B",
        "files/x.csv",
        "../x",
        "#top",
        "//a.b/x",
    ],
)
def test_http_and_relative_addresses_are_links(url: str) -> None:
    assert safe_href(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "",
        5,
        None,
    ],
)
def test_other_addresses_are_not(url: object) -> None:
    assert not safe_href(url)


def test_a_changelog_link_to_javascript_is_text() -> None:
    html = inline("[click](javascript:alert(1)) and [ok](https://example.org/a)")
    assert 'href="javascript' not in html
    assert "click (javascript:alert(1))" in html
    assert '<a href="https://example.org/a">ok</a>' in html


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "action")]


def test_the_page_of_a_hostile_package(package_copy: Path, tmp_path: Path) -> None:
    descriptor_path = package_copy / "datapackage.json"
    d = json.loads(descriptor_path.read_text(encoding="utf-8"))
    d["licenses"][0]["path"] = "javascript:alert(1)"
    d["sources"] = [{"title": "tab", "path": "java\tscript:alert(1)"},
                    {"title": "<script>alert(1)</script>", "path": "data:text/html,x"}]  # fmt: skip
    d["title"] = "</title><script>alert(1)</script>"
    descriptor_path.write_text(json.dumps(d), encoding="utf-8")
    with (package_copy / "CHANGELOG.md").open("a", encoding="utf-8") as fh:
        fh.write("\n- [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n")
    render_site(package_copy, tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    page = Hrefs()
    page.feed(html)
    assert page.hrefs and all(safe_href(h) for h in page.hrefs), page.hrefs
    assert page.tags.count("script") == 1  # the JSON-LD block alone
    assert "img" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Creative Commons Attribution 4.0" in html  # the licence is named, not linked
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    style = html[html.index("<style>") + len("<style>") : html.index("</style>")]
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert unescape(policy.group(1)) == (
        f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
