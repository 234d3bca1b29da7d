"""A hostile portal: whatever it answers, the publisher ends with a StatpubError (exit 2),
never a traceback, a hang, unbounded memory or the token in a message.

A small HTTP server on loopback answers slowly, hugely, compressed or echoing the
token; a fuzz test feeds the whole publisher (read, plan, apply) random answers
through the real transport, with a fixed seed.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.ckan import apply, prepare, read_portal
from statpub.publish.datastore import read_datastore
from statpub.publish.datastore_rows import READ_ROWS, read_back
from statpub.publish.portal import Portal, check_token, insecure, scrub
from statpub.publish.transport import Budget

TOKEN = "tok-" + "h0st1le" * 6
NO_RETRY = Budget(retries=0)


class Hostile(BaseHTTPRequestHandler):
    mode = "ok"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = self.mode
        if mode == "trickle":  # valid headers, then a byte at a time
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
            return
        if mode == "slow-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(200):
                self.wfile.write(b"X: y\r\n")
                self.wfile.flush()
                time.sleep(0.2)
            return
        if mode == "huge-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
            return
        if mode == "endless":  # no length: keeps writing
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"[" * 4096)
            except OSError:
                pass
            return
        if mode == "gzip":
            import gzip

            data = gzip.compress(b'{"success": true, "result": "' + b"a" * 10**6 + b'"}')
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if mode == "echo":  # quotes the token back, in the forms a server could
            token = self.headers.get("Authorization") or ""
            text = f"bad key {token!r} / {json.dumps(token)} / {token}"
            body = json.dumps({"success": False, "error": {"message": text}}).encode()
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = json.dumps({"success": True, "result": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hung up on a hostile answer: expected


@pytest.fixture
def hostile() -> Iterator[tuple[str, type[Hostile]]]:
    handler = type("H", (Hostile,), {})
    server = Quiet(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["trickle", "slow-headers"])
def test_a_trickling_answer_cannot_hold_a_call_past_its_timeout(hostile: Any, mode: str) -> None:
    url, handler = hostile
    handler.mode = mode
    began = time.monotonic()
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN, timeout=2, budget=NO_RETRY).call("status_show")
    assert time.monotonic() - began < 5
    assert err.value.code == "portal-unreachable"
    assert "no complete answer within 2 s" in err.value.message


def test_the_run_deadline_bounds_every_call(hostile: Any) -> None:
    url, handler = hostile
    handler.mode = "trickle"
    budget = Budget(retries=3, deadline=time.monotonic() + 1.5)
    began = time.monotonic()
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN, timeout=60, budget=budget).call("status_show")
    assert time.monotonic() - began < 4
    assert err.value.code == "portal-deadline"
    with pytest.raises(StatpubError) as again:  # no call starts after it
        Portal(url, TOKEN, timeout=60, budget=budget).call("status_show")
    assert again.value.code == "portal-deadline"


@pytest.mark.parametrize("mode", ["huge-declared", "endless", "gzip"])
def test_large_or_compressed_answers_are_refused(hostile: Any, mode: str) -> None:
    url, handler = hostile
    handler.mode = mode
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN, timeout=10, budget=NO_RETRY, max_bytes=100_000).call("status_show")
    assert err.value.code == "portal-error"
    assert "limit" in err.value.message or "compressed" in err.value.message


def test_a_token_echoed_back_is_redacted_in_every_form(hostile: Any) -> None:
    url, handler = hostile
    handler.mode = "echo"
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN, budget=NO_RETRY).call("package_show", {"id": "x"})
    assert TOKEN not in str(err.value) and "[token]" in err.value.message
    odd = "tok\\with\"quotes'"
    assert odd not in scrub(f"{odd!r} {json.dumps(odd)}", odd)
    assert "with" not in scrub(f"{odd!r} {json.dumps(odd)}", odd)


@pytest.mark.parametrize("token", ["abc\n", "abc\r\n", "a\x1bc", "a\x00b", " abc"])
def test_a_token_with_control_characters_is_refused_unprinted(token: str) -> None:
    with pytest.raises(StatpubError) as err:
        check_token(token, "CKAN_API_TOKEN")
    assert err.value.code == "portal-auth" and token.strip() not in err.value.message
    with pytest.raises(StatpubError):
        Portal("http://127.0.0.1:9", token)


def test_plain_http_to_another_host_warns_and_strict_refuses(package: Package) -> None:
    assert insecure("http://127.0.0.1:5000") is None and insecure("http://localhost") is None
    assert insecure("https://ckan.example.org") is None
    assert "unencrypted" in str(insecure("http://ckan.example.org"))
    result = CliRunner().invoke(
        main,
        ["publish", "ckan", str(package.root), "--url", "http://ckan.example.invalid",
         "--org", "o", "--strict"],
        env={"CKAN_API_TOKEN": TOKEN},
    )  # fmt: skip
    assert result.exit_code == 2 and "portal-insecure" in result.stderr
    assert TOKEN not in result.output + result.stderr


class EndlessPages:
    """datastore_search that always has more rows."""

    url = "http://portal.invalid"

    def __init__(self) -> None:
        self.pages = 0

    def call(self, action: str, data: dict[str, Any] | None = None, **_: Any) -> Any:
        self.pages += 1
        return {"total": 10**12, "records": [[i, "x"] for i in range(READ_ROWS)]}


def test_endless_paging_is_bounded() -> None:
    portal = EndlessPages()
    fields = [{"id": "a", "type": "text", "info": {}}]
    with pytest.raises(StatpubError) as err:
        for _ in read_back(portal, "rid", "t.csv", fields, 50_000):  # type: ignore[arg-type]
            pass
    assert err.value.code == "portal-error" and portal.pages <= 50_000 // READ_ROWS + 2


# -- the fuzz ---------------------------------------------------------------------------

leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=6),
    st.floats(allow_nan=False),
)  # fmt: skip
anything = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def maybe(valid: Any) -> Any:
    """Mostly a plausible value, sometimes anything."""
    return st.one_of(st.just(valid), st.just(valid), anything)


resource = st.fixed_dictionaries(
    {
        "id": maybe("res-1"),
        "name": st.one_of(st.sampled_from(["observations.csv", "datapackage.json", "x"]), anything),
        "position": maybe(0),
        "sha256": maybe(""),
        "size": maybe(10),
        "url_type": maybe("upload"),
        "datastore_digest": maybe(""),
        "datastore_rows": anything,
        "schema": maybe("{}"),
    }
)
dataset = st.fixed_dictionaries(
    {
        "id": maybe("ds-1"),
        "name": maybe("ds"),
        "owner_org": maybe("org-1"),
        "version": st.one_of(st.sampled_from(["0.0.1", "99.0.0", "x", ""]), anything),
        "resources": st.one_of(st.lists(resource, max_size=3), anything),
        "extras": st.one_of(st.just([]), anything),
        "tags": st.one_of(st.just([]), anything),
    }
)
results = st.fixed_dictionaries(
    {
        "organization_show": maybe({"id": "org-1", "name": "org"}),
        "organization_list_for_user": maybe([{"id": "org-1"}]),
        "package_show": st.one_of(dataset, anything),
        "license_list": maybe([]),
        "status_show": maybe({"extensions": ["datastore"]}),
        "datastore_info": maybe({"fields": [], "meta": {"count": 0}}),
        "datastore_search": st.one_of(
            st.just({"total": 0, "records": []}),
            st.fixed_dictionaries({"total": anything, "records": anything}),
        ),
        "package_create": st.one_of(dataset, anything),
        "resource_create": st.one_of(resource, anything),
        "resource_patch": st.one_of(resource, anything),
    }
)
envelope = st.sampled_from(["ok", "ok", "ok", "ok", "error", "junk", "not-found"])


class Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code = status
        self.headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        self.raw = self
        self._body = io.BytesIO(body)

    def stream(self, size: int, decode_content: bool = False) -> Iterator[bytes]:
        while chunk := self._body.read(size):
            yield chunk

    def close(self) -> None:
        pass


class Scripted:
    """A requests session answering each action from the drawn answers."""

    def __init__(self, answers: dict[str, Any], kind: str) -> None:
        self.answers, self.kind = answers, kind

    def post(self, url: str, **_: Any) -> Answer:
        action = url.rsplit("/", 1)[-1]
        result = self.answers.get(action, {})
        if self.kind == "error" and action == "package_show":
            return Answer(409, json.dumps({"success": False, "error": result}).encode())
        if self.kind == "junk" and action == "package_show":
            return Answer(200, json.dumps(result).encode())
        if self.kind == "not-found" and action == "package_show":
            body = {"success": False, "error": {"__type": "Not Found Error", "message": TOKEN}}
            return Answer(404, json.dumps(body).encode())
        return Answer(200, json.dumps({"success": True, "result": result}).encode())

    def close(self) -> None:
        pass


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(answers=results, kind=envelope)
@example(answers={"package_show": [1, 2]}, kind="ok")  # a list for a dataset
@example(answers={"package_show": {"id": "ds-1", "name": "ds", "resources": "x"}}, kind="ok")
@example(
    answers={"organization_show": {"id": "org-1", "name": "org"},
             "organization_list_for_user": [{"id": "org-1"}],
             "package_show": {"id": "ds-1", "name": "ds", "owner_org": "org-1",
                              "resources": [{"id": "r", "name": "x", "position": "abc"}]}},
    kind="ok",
)  # fmt: skip
def test_random_portal_answers_end_in_a_portal_error(
    package: Package, answers: dict[str, Any], kind: str
) -> None:
    portal = Portal(
        "http://portal.invalid", TOKEN, session=Scripted(answers, kind), budget=NO_RETRY
    )
    try:
        state = read_portal(portal, "ds", "org")
        tables = read_datastore(portal, state, package)
        plan = prepare(package, state, datastore=tables, allow_older=True)
        apply(plan, portal, package)
    except StatpubError as exc:
        assert exc.code.startswith("portal-"), exc
        assert TOKEN not in str(exc)


def test_a_refused_socket_is_unreachable_not_a_crash() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StatpubError) as err:
        Portal(f"http://127.0.0.1:{port}", TOKEN, budget=NO_RETRY).call("status_show")
    assert err.value.code == "portal-unreachable"
