"""Portal failures through the real client, against servers on loopback:
each becomes a StatpubError with a stable code, and none carries the token."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from statpub.errors import StatpubError
from statpub.publish.portal import Portal
from statpub.publish.transport import Budget

QUICK = Budget(retries=1, backoff=0.01)

TOKEN = "tok-" + "s3cr3t" * 8


class Canned(BaseHTTPRequestHandler):
    """Answers every action with one canned CKAN response."""

    status = 200
    body: Any = {}
    html: str | None = None  # answer with this page instead of JSON
    seen: list[dict[str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.seen.append(dict(self.headers))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = json.dumps(self.body).encode() if self.html is None else self.html.encode()
        self.send_response(self.status)
        kind = "application/json" if self.html is None else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def canned() -> Iterator[tuple[str, type[Canned]]]:
    handler = type("H", (Canned,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_refused_token_is_portal_auth_and_never_echoed(canned: Any) -> None:
    url, handler = canned
    handler.status = 403
    handler.body = {
        "success": False,
        "error": {"__type": "Authorization Error", "message": "Access denied"},
    }
    portal = Portal(url, TOKEN)
    with pytest.raises(StatpubError) as err:
        portal.call("package_create", {"name": "x"})
    assert err.value.code == "portal-auth"
    assert "refused the API token" in err.value.message
    assert "CKAN_API_TOKEN" in err.value.message
    assert TOKEN not in str(err.value) and TOKEN not in repr(portal)
    assert handler.seen[0]["Authorization"] == TOKEN  # it was sent, in the header only


def test_portal_validation_error_is_portal_error_with_ckans_words(canned: Any) -> None:
    url, handler = canned
    handler.status = 409
    handler.body = {
        "success": False,
        "error": {"__type": "Validation Error", "name": ["That URL is already in use."]},
    }
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN).call("package_create", {"name": "x"})
    assert err.value.code == "portal-error"
    assert "That URL is already in use." in err.value.message


def test_not_a_ckan_is_portal_error(canned: Any) -> None:
    url, handler = canned
    handler.status = 200
    handler.body = {"hello": "world"}
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN).call("status_show")
    assert err.value.code == "portal-error"


def test_connection_refused_is_portal_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the call: nothing listens
    with pytest.raises(StatpubError) as err:
        Portal(f"http://127.0.0.1:{port}", TOKEN, budget=QUICK).call(
            "organization_show", {"id": "x"}
        )
    assert err.value.code == "portal-unreachable"
    assert "could not reach the portal" in err.value.message and TOKEN not in err.value.message


def test_silent_portal_times_out_as_unreachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)  # accepts connections, never answers
        port = s.getsockname()[1]
        with pytest.raises(StatpubError) as err:
            Portal(f"http://127.0.0.1:{port}", TOKEN, timeout=1, budget=QUICK).call("status_show")
    assert err.value.code == "portal-unreachable"
    assert "answer within 1 s" in err.value.message and "after 1 retries" in err.value.message


# CKAN's own error page (templates/error_document_template.html), cut down: a wrong
# --url path gets it from CKAN 2.11, with its stylesheets and scripts
CKAN_405 = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Error 405 - CKAN</title>
    <link rel="stylesheet" href="/webassets/base/main.css" />
    <script>var ckan = {"locale": "en"};</script>
  </head>
  <body>
    <div class="container"><div class="module-content">
      <h1>405 Method Not Allowed</h1>
      The method is not allowed for the requested URL.
    </div></div>
  </body>
</html>
"""


@pytest.mark.parametrize(
    ("status", "page", "said"),
    [
        (
            405,
            CKAN_405,
            "HTTP 405 Method Not Allowed: Error 405 - CKAN - The method is not allowed for "
            "the requested URL.",
        ),
        (
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><center>"
            "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
            "HTTP 502 Bad Gateway: nginx",
        ),
        (500, "Internal Server Error", "HTTP 500 Internal Server Error: Internal Server Error"),
    ],
    ids=["ckan-page", "proxy-page", "plain-text"],
)
def test_an_error_page_is_quoted_in_a_few_words(
    canned: Any, status: int, page: str, said: str
) -> None:
    url, handler = canned
    handler.status, handler.html = status, page
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN, budget=QUICK).call("package_show", {"id": "x"})
    assert err.value.code == "portal-error"
    if status == 502:  # retried first, and said so
        said += " (HTTP 502 (after 1 retries in "
        assert len(handler.seen) == 2
    assert err.value.message.startswith(f"{url}: package_show failed on the portal: {said}")
    assert "<" not in err.value.message


def test_an_unknown_datastore_action_means_no_datastore(canned: Any) -> None:
    """CKAN without the datastore plugin answers 400 with a JSON string."""
    url, handler = canned
    handler.status = 400
    handler.body = "Bad request - Action name not known: datastore_info"
    with pytest.raises(StatpubError) as err:
        Portal(url, TOKEN).call("datastore_info", {"id": "x"})
    assert err.value.code == "portal-no-datastore"
    assert "--no-datastore" in err.value.message and TOKEN not in err.value.message
    with pytest.raises(StatpubError) as other:
        Portal(url, TOKEN).call("package_show", {"id": "x"})
    assert other.value.code == "portal-error"
    assert other.value.message.endswith(
        "HTTP 400 Bad Request: Bad request - Action name not known: datastore_info"
    )
