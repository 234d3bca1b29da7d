"""Unattended publishing against the real CKAN of scripts/ckan-stack: runs at the same
time, a flaky link, an older version. Each run is a separate process, as two CI jobs are."""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from live_stack import Stack, assert_published, cli, read_stack, show
from test_ckan_datastore_live import assert_datastore_is_package

from statpub.package import Package
from statpub.publish.local import publishable as read_package

pytestmark = pytest.mark.ckan


@pytest.fixture(scope="module")
def ckan() -> Stack:
    return read_stack()


@pytest.fixture
def name() -> str:
    return f"statpub-race-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def outputs() -> Iterator[list[str]]:
    seen: list[str] = []
    yield seen
    stack = read_stack()
    assert all(stack.token not in text for text in seen)


def start(ckan: Stack, package: Path, name: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CKAN_API_TOKEN": ckan.token, "STATPUB_PUBLISHER": f"job-{args}"}
    return subprocess.Popen(
        [sys.executable, "-c", "from statpub.cli import main; main()", "publish", "ckan",
         str(package), "--url", ckan.url, "--org", ckan.org, "--dataset", name, *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(procs: list[subprocess.Popen[str]], outputs: list[str]) -> list[tuple[int, str]]:
    done = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        outputs.extend([out, err])
        done.append((p.returncode, err))
    return done


def assert_told(code: int, err: str) -> None:
    """A run either published, or lost the race and was told so (never anything else)."""
    if code != 0:
        assert code == 2 and "portal-locked" in err, err
        if "kept changing" not in err:  # the lock resources were being made by racers
            assert "another publish of this dataset is running since" in err, err
            assert "by job-" in err


def test_two_versions_at_once_never_interleave(
    ckan: Stack, outputs: list[str], name: str, package: Package, second_release: Path
) -> None:
    new = read_package(second_release)
    assert cli(ckan, outputs, str(package.root), "--dataset", name).exit_code == 0
    for _ in range(2):
        procs = [
            start(ckan, second_release, name),
            start(ckan, package.root, name, "--allow-older"),
        ]
        (a, a_err), (b, b_err) = finish(procs, outputs)
        assert_told(a, a_err)
        assert_told(b, b_err)
        assert 0 in (a, b)
        # the portal is exactly one of the two versions, rows included, and says so
        held = show(ckan, name)["version"]
        final = new if held == new.version else package
        assert held == final.version
        assert_published(ckan, name, final)
        assert_datastore_is_package(ckan, name, final)
        dry = cli(ckan, outputs, str(final.root), "--dataset", name, "--dry-run", "--allow-older")
        assert dry.exit_code == 0, dry.output


def test_first_publishes_at_once_make_no_duplicates(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    results = finish([start(ckan, package.root, name) for _ in range(3)], outputs)
    for code, err in results:
        assert_told(code, err)
    if all(code != 0 for code, _ in results):  # every racer lost: the next run publishes
        assert cli(ckan, outputs, str(package.root), "--dataset", name).exit_code == 0
    ds = assert_published(ckan, name, package)  # every resource exactly once
    names = [r["name"] for r in ds["resources"]]
    assert len(names) == len(set(names))
    dry = cli(ckan, outputs, str(package.root), "--dataset", name, "--dry-run")
    assert dry.exit_code == 0, dry.output


def test_an_older_version_is_refused(
    ckan: Stack, outputs: list[str], name: str, package: Package, second_release: Path
) -> None:
    new = read_package(second_release)
    assert cli(ckan, outputs, str(second_release), "--dataset", name).exit_code == 0
    older = cli(ckan, outputs, str(package.root), "--dataset", name)
    assert older.exit_code == 2
    assert "portal-newer" in older.stderr and "--allow-older" in older.stderr
    assert show(ckan, name)["version"] == new.version
    dry = cli(ckan, outputs, str(package.root), "--dataset", name, "--dry-run")
    assert dry.exit_code == 2 and "portal-newer" in dry.stderr
    rollback = cli(ckan, outputs, str(package.root), "--dataset", name, "--allow-older")
    assert rollback.exit_code == 0, rollback.output
    assert_published(ckan, name, package)


class FaultProxy:
    """An HTTP relay to CKAN that fails a share of requests: half of them answered 502
    without reaching CKAN, half sent to CKAN and then the connection dropped before
    its answer. Seeded: the same faults at every run."""

    def __init__(self, target: str, rate: float, seed: int = 23) -> None:
        self.target = target.removeprefix("http://").rstrip("/")
        self.rng = random.Random(seed)
        self.rate = rate
        self.lock = threading.Lock()
        self.requests = 0
        self.faults = 0
        proxy = self

        class Relay(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    proxy.requests += 1
                    roll = proxy.rng.random()
                    fault = roll < proxy.rate
                    proxy.faults += fault
                if fault and roll < proxy.rate / 2:
                    self.send_response(502)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(proxy.target, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request("POST", self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                if fault:  # CKAN acted; the answer is lost
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_flaky_link_needs_one_run(
    ckan: Stack, outputs: list[str], name: str, package: Package, second_release: Path
) -> None:
    proxy = FaultProxy(ckan.url, 0.10)
    try:
        for pkg in (package, read_package(second_release)):
            result = cli(ckan, outputs, str(pkg.root), "--dataset", name, "--json", url=proxy.url)
            assert result.exit_code == 0, result.output
            retries = json.loads(result.stdout)["retries"]
            assert retries["attempts"] >= 1 and retries["limit"]["retries"] == 5
            assert_published(ckan, name, pkg)
            assert_datastore_is_package(ckan, name, pkg)
        assert proxy.faults >= 5, (proxy.faults, proxy.requests)
    finally:
        proxy.close()
