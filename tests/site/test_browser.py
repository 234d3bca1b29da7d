"""The dataset page in a real headless Chromium, on a phone (390 px) and a desktop
(1280 px): no console errors, one chart mark per figure, every download link resolves,
nothing fetched from the network, legible at both widths (chart text at 11 px or more
as drawn, nothing wider than the screen, tables that fit or scroll in their own box),
and screenshots in tests/artifacts/site-390.png and site-1280.png to look at.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
NUL-separated JSON on file descriptors 3 and 4), so no websocket library and no open
port are needed.
"""

from __future__ import annotations

import base64
import csv
import fcntl
import hashlib
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from services import require_service

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT = 30.0
MIN_TEXT_PX = 11  # the smallest chart text, as drawn on the screen
# (width, height, mobile, the chart layout shown there)
VIEWPORTS = [(390, 844, True, "chart-narrow"), (1280, 900, False, "chart")]

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    for name in (os.environ.get("STATPUB_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def require_chromium() -> str:
    exe = chromium_path()
    why = "Debian's chromium is not installed (apt-get install -y chromium)"
    require_service("chromium", exe is not None, why)
    assert exe is not None
    return exe


class Chromium:
    """A headless Chromium with a fresh profile, spoken to over the DevTools pipe."""

    def __init__(self, exe: str, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def on_fds_3_and_4() -> None:  # where --remote-debugging-pipe expects them
            # Move both ends above 3 and 4 first: a pipe end may already be fd 3 or 4,
            # and dup2 onto itself would leave it close-on-exec.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_r, from_chrome_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1100,900",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=on_fds_3_and_4,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id, f"reply to {method}")
        if "error" in reply:
            raise AssertionError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply["result"]
        return result

    def wait_event(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event["method"] == method:
                return event
        return self._wait(lambda m: m.get("method") == method, method)

    def _wait(self, match: Any, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if match(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"chromium did not send the {what} within {TIMEOUT:.0f}s")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise AssertionError(f"chromium closed the pipe while waiting for the {what}")
                self._buffer += chunk

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                os.write(
                    self._to_chrome,
                    json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0",
                )
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_chrome)
            os.close(self._from_chrome)


class Page:
    """One tab: the console errors, exceptions and requests it produced."""

    def __init__(
        self, browser: Chromium, url: str, viewport: tuple[int, int, bool] | None = None
    ) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=self.session)
        if viewport is not None:
            width, height, mobile = viewport
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
            browser.send("Emulation.setDeviceMetricsOverride", metrics, session=self.session)
        first = len(browser.events)
        browser.send("Page.navigate", {"url": url}, session=self.session)
        browser._wait(
            lambda m: (
                m.get("method") == "Page.loadEventFired" and m.get("sessionId") == self.session
            ),
            "page load event",
        )
        self.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        self._events = [e for e in browser.events[first:] if e.get("sessionId") == self.session]

    def eval(self, expression: str) -> Any:
        reply = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    @property
    def errors(self) -> list[str]:
        out = []
        for e in self._events:
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    "console: "
                    + " ".join(str(a.get("value", a.get("description"))) for a in p["args"])
                )
            elif e["method"] == "Runtime.exceptionThrown":
                details = p["exceptionDetails"]
                out.append(
                    f"exception: {details.get('text', '')} "
                    f"{details.get('exception', {}).get('description', '')}"
                )
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
        return out

    @property
    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self._events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path) -> bytes:
        size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.browser.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            session=self.session,
        )
        data = base64.b64decode(shot["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    exe = require_chromium()
    chrome = Chromium(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chrome
    finally:
        chrome.close()


@pytest.fixture(scope="module")
def site(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statpub.site import render_site

    out = tmp_path_factory.mktemp("site") / "out"
    render_site(built_package, out)
    return out


def test_the_harness_sees_console_errors(browser: Chromium, tmp_path: Path) -> None:
    """A failing script and a missing image are reported: else the page test proves nothing."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><title>bad</title><img src='missing.png' alt=''>"
        "<script>console.error('deliberate'); undefinedFunction();</script>",
        encoding="utf-8",
    )
    page = Page(browser, bad.as_uri())
    text = "\n".join(page.errors)
    assert "deliberate" in text and "undefinedFunction" in text and "missing.png" in text


@pytest.mark.parametrize(("width", "height", "mobile", "shown"), VIEWPORTS)
def test_page_in_chromium(
    browser: Chromium,
    site: Path,
    built_package: Path,
    width: int,
    height: int,
    mobile: bool,
    shown: str,
) -> None:
    page = Page(browser, (site / "index.html").as_uri(), (width, height, mobile))
    screenshot = ARTIFACTS / f"site-{width}.png"
    png = page.screenshot(screenshot)

    assert page.errors == []
    offsite = [u for u in page.requests if urlparse(u).scheme not in ("file", "data", "about")]
    assert offsite == [], "the page must read offline"
    assert page.eval("window.innerWidth") == width

    visible = page.eval(
        "Array.from(document.querySelectorAll('svg.chart')).filter(s => s.getClientRects()"
        ".length).map(s => s.id)"
    )
    assert visible == [shown], "one chart layout at a time, the one drawn for this width"

    with (built_package / "data" / "observations.csv").open(encoding="utf-8", newline="") as fh:
        observations = list(csv.DictReader(fh))
    marks = page.eval(f"""Array.from(document.querySelectorAll('#{shown} g.mark')).map(g => {{
        const box = g.getBBox();
        return {{id: g.dataset.indicator, title: g.querySelector('title')?.textContent || '',
                width: box.width, height: box.height}};
    }})""")
    assert sorted(m["id"] for m in marks) == sorted(r["indicator_id"] for r in observations)
    for mark in marks:
        assert mark["width"] > 0 and mark["height"] > 0, mark
        assert mark["title"].strip(), mark

    # Legible: every chart text at MIN_TEXT_PX or more as drawn (font size times the
    # svg's scale on screen), and inside the chart, measured with the real font.
    texts = page.eval(f"""(() => {{
        const svg = document.getElementById('{shown}');
        const scale = svg.getScreenCTM().a, view = svg.viewBox.baseVal;
        return Array.from(svg.querySelectorAll('text')).map(t => {{
            const box = t.getBBox();
            return {{text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                    left: box.x, right: box.x + box.width, width: view.width}};
        }});
    }})()""")
    assert len(texts) > len(observations)
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < MIN_TEXT_PX]
    assert small == [], f"chart text drawn smaller than {MIN_TEXT_PX} px at {width} px"
    outside = [t["text"] for t in texts if t["left"] < 0 or t["right"] > t["width"]]
    assert outside == [], "chart text runs out of the chart"

    # Nothing wider than the screen: the page never scrolls sideways.
    assert page.eval("document.documentElement.scrollWidth") <= width
    assert page.eval(f"document.getElementById('{shown}').getBoundingClientRect().right") <= width
    # Tables: in a box of their own that scrolls sideways if it must, and on a phone
    # laid out to fit it (rows stacked as labelled lines).
    tables = page.eval("""Array.from(document.querySelectorAll('table')).map(t => {
        const box = t.parentElement;
        return {cls: t.className, wrap: box.className, overflow: getComputedStyle(box).overflowX,
                table: t.scrollWidth, room: box.clientWidth,
                display: getComputedStyle(t.querySelector('tbody tr')).display};
    })""")
    assert {t["cls"] for t in tables} == {"figures stack", "downloads stack"}
    for t in tables:
        assert t["wrap"] == "table-wrap" and t["overflow"] == "auto", t
        if mobile:
            assert t["table"] <= t["room"] and t["display"] == "block", t
        else:
            assert t["display"] == "table-row", t
    if mobile:
        labels = page.eval(
            "getComputedStyle(document.querySelector('table.figures td[data-label]'), "
            "'::before').content"
        )
        assert labels == '"As stated: "'

    rows = page.eval("document.querySelectorAll('table.figures tbody tr[data-indicator]').length")
    assert rows == len(observations)

    links = page.eval("""Array.from(document.querySelectorAll('a.download')).map(a =>
        ({href: a.href, bytes: Number(a.dataset.bytes), sha256: a.dataset.sha256,
          text: a.textContent}))""")
    texts_ = {link["text"] for link in links}
    assert {"data/observations.csv", "data/observations.parquet", "datapackage.json"} <= texts_
    assert any(t.endswith(".zip") for t in texts_)
    for link in links:
        target = Path(url2pathname(urlparse(link["href"]).path))
        assert target.is_file(), f"download link {link['text']} points at a missing file"
        data = target.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (link["bytes"], link["sha256"]), (
            link["text"]
        )

    jsonld = json.loads(
        page.eval("document.querySelector('script[type=\"application/ld+json\"]').textContent")
    )
    assert jsonld["@type"] == "Dataset"
    chart_size = page.eval(
        f"(() => {{ const r = document.getElementById('{shown}').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert chart_size[0] > 300 and chart_size[1] > 300
    assert png.startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000


def test_the_policy_allows_the_page_style_and_nothing_else(
    browser: Chromium, site: Path, tmp_path: Path
) -> None:
    """The page's own style applies under its Content-Security-Policy (the hash matches),
    and a script or a foreign style added to the page would be refused."""
    page = Page(browser, (site / "index.html").as_uri())
    assert page.errors == []
    styled = page.eval("getComputedStyle(document.querySelector('a.skip')).position")
    assert styled == "absolute"  # site.css applied: its hash is in the policy
    policy = page.eval(
        "document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    assert "default-src 'none'" in policy
    html = (site / "index.html").read_text(encoding="utf-8")
    tampered = tmp_path / "index.html"
    tampered.write_text(
        html.replace("</body>", "<script>document.title='ran'</script><style>a{}</style></body>"),
        encoding="utf-8",
    )
    page = Page(browser, tampered.as_uri())
    assert page.eval("document.title") != "ran"
    assert any("Content Security Policy" in e for e in page.errors), page.errors


TABLE_FIXTURE = ROOT / "tests" / "site" / "fixtures" / "population"


@pytest.fixture(scope="module")
def table_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from statpub.site import render_site

    out = tmp_path_factory.mktemp("table-site") / "out"
    render_site(TABLE_FIXTURE, out)
    return out


@pytest.mark.parametrize(("width", "height", "mobile", "shown"), VIEWPORTS)
def test_table_page_in_chromium(
    browser: Chromium, table_site: Path, width: int, height: int, mobile: bool, shown: str
) -> None:
    """The page of a package outside the figure model: same checks of legibility and links."""
    page = Page(browser, (table_site / "index.html").as_uri(), (width, height, mobile))
    png = page.screenshot(ARTIFACTS / f"site-tables-{width}.png")
    assert page.errors == []
    offsite = [u for u in page.requests if urlparse(u).scheme not in ("file", "data", "about")]
    assert offsite == [], "the page must read offline"
    kind = "narrow" if shown == "chart-narrow" else "wide"
    visible = page.eval(
        "Array.from(document.querySelectorAll('svg.chart')).filter(s => s.getClientRects()"
        ".length).map(s => s.id)"
    )
    assert visible == [f"chart-population-{kind}"]
    texts = page.eval(f"""(() => {{
        const svg = document.getElementById('chart-population-{kind}');
        const scale = svg.getScreenCTM().a, view = svg.viewBox.baseVal;
        return Array.from(svg.querySelectorAll('text')).map(t => {{
            const box = t.getBBox();
            return {{text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                    left: box.x, right: box.x + box.width, width: view.width}};
        }});
    }})()""")
    assert texts
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < MIN_TEXT_PX]
    assert small == [], f"chart text drawn smaller than {MIN_TEXT_PX} px at {width} px"
    outside = [t["text"] for t in texts if t["left"] < 0 or t["right"] > t["width"]]
    assert outside == [], "chart text runs out of the chart"
    lines = page.eval(f"document.querySelectorAll('#chart-population-{kind} polyline').length")
    assert lines > 0
    assert page.eval("document.documentElement.scrollWidth") <= width
    tables = page.eval("""Array.from(document.querySelectorAll('table')).map(t => {
        const box = t.parentElement;
        return {cls: t.className, wrap: box.className, overflow: getComputedStyle(box).overflowX,
                table: t.scrollWidth, room: box.clientWidth,
                display: getComputedStyle(t.querySelector('tbody tr')).display};
    })""")
    assert {t["cls"] for t in tables} == {"preview stack", "fields stack", "downloads stack"}
    for t in tables:
        assert t["wrap"] == "table-wrap" and t["overflow"] == "auto", t
        if mobile:
            assert t["table"] <= t["room"] and t["display"] == "block", t
        else:
            assert t["display"] == "table-row", t
    links = page.eval("""Array.from(document.querySelectorAll('a.download')).map(a =>
        ({href: a.href, bytes: Number(a.dataset.bytes), sha256: a.dataset.sha256}))""")
    assert links
    for link in links:
        data = Path(url2pathname(urlparse(link["href"]).path)).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (link["bytes"], link["sha256"])
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize(("width", "height", "mobile", "shown"), VIEWPORTS)
def test_page_in_every_language_in_chromium(
    browser: Chromium,
    site: Path,
    built_package: Path,
    width: int,
    height: int,
    mobile: bool,
    shown: str,
) -> None:
    """Each language's page: ``<html lang>`` right, the language switch there and
    leading to the others, nothing wider than the screen, chart text inside the chart,
    tables stacked to fit on a phone; screenshots site-<lang>-<width>.png."""
    from statpub.package.languages import languages
    from statpub.site.i18n import Words
    from statpub.site.page import page_files

    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    pages = page_files(languages(descriptor))
    assert len(pages) > 1
    for lang, name in pages.items():
        page = Page(browser, (site / name).as_uri(), (width, height, mobile))
        page.screenshot(ARTIFACTS / f"site-{lang}-{width}.png")
        assert page.errors == [], lang
        assert page.eval("document.documentElement.lang") == lang
        switch = page.eval("""Array.from(document.querySelectorAll('nav.languages li')).map(li => {
            const a = li.querySelector('a'), r = li.getBoundingClientRect();
            return {lang: (a || li.querySelector('span')).lang, href: a ? a.href : '',
                    current: !a, right: r.right, height: r.height};
        })""")
        assert [s["lang"] for s in switch] == list(pages), lang
        for s in switch:
            assert s["current"] == (s["lang"] == lang)
            assert s["right"] <= width and s["height"] > 0
            if not s["current"]:
                target = Path(url2pathname(urlparse(s["href"]).path))
                assert target.name == pages[s["lang"]] and target.is_file()
        assert page.eval("document.documentElement.scrollWidth") <= width, lang
        right = f"document.getElementById('{shown}').getBoundingClientRect().right"
        assert page.eval(right) <= width, lang
        outside = page.eval(f"""(() => {{
            const svg = document.getElementById('{shown}'), view = svg.viewBox.baseVal;
            return Array.from(svg.querySelectorAll('text')).filter(t => {{
                const b = t.getBBox(); return b.x < 0 || b.x + b.width > view.width;
            }}).map(t => t.textContent);
        }})()""")
        assert outside == [], (lang, "chart text runs out of the chart")
        tables = page.eval("""Array.from(document.querySelectorAll('table')).map(t =>
            ({table: t.scrollWidth, room: t.parentElement.clientWidth}))""")
        if mobile:
            assert all(t["table"] <= t["room"] for t in tables), (lang, tables)
            label = page.eval(
                "getComputedStyle(document.querySelector('table.figures td[data-label]'), "
                "'::before').content"
            )
            assert label == f'"{Words(lang)("as_stated")}: "'
