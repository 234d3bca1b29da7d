"""The CKAN publisher against a real CKAN 2.11 on loopback (scripts/ckan-stack start).

The connection facts come from ``$STATPUB_CKAN_HOME/env`` (default
``~/.cache/statpub-ckan/env``). Without it these tests are skipped, or fail
when STATPUB_REQUIRE_SERVICES=1 (CI). Search relevance is not covered: the
stack's Solr is a stand-in (docs/ckan-test-stack.md).
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from live_stack import Stack, assert_published, cli, read_stack, show

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.ckan import apply, prepare, read_portal
from statpub.publish.datastore import read_datastore
from statpub.publish.local import publishable as read_package
from statpub.publish.portal import Portal
from statpub.publish.transport import Budget

pytestmark = pytest.mark.ckan


@pytest.fixture(scope="module")
def ckan() -> Stack:
    return read_stack()


@pytest.fixture
def name() -> str:
    """A dataset name of this test's own: the stack's database lives for a whole test run."""
    return f"statpub-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def outputs() -> list[str]:
    """Everything the CLI printed in this module, to search for the token at the end."""
    return []


def test_first_publish_then_nothing_to_do(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    first = cli(ckan, outputs, str(package.root), "--dataset", name, "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)["summary"]
    n = len(package.data_files()) + 2
    tables = sum(f.path.endswith(".csv") for f in package.data_files())
    assert summary == {
        "created": n + 1, "patched": 0, "uploaded": n, "loaded": tables, "updated": 0,
        "deleted": 0, "skipped": 0, "stale": 0,
    }  # fmt: skip
    before = assert_published(ckan, name, package)
    extras = {e["key"]: e["value"] for e in before["extras"]}
    assert extras["version_note"] == package.descriptor["versionNote"]
    assert before["license_id"] == "cc-by" and before["notes"].startswith("Version ")

    again = cli(ckan, outputs, str(package.root), "--dataset", name, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["summary"]["skipped"] == n + 1 + tables
    after = show(ckan, name)
    assert after["metadata_modified"] == before["metadata_modified"], "a no-op run changed it"
    assert [r["metadata_modified"] for r in after["resources"]] == [
        r["metadata_modified"] for r in before["resources"]
    ]


def test_dry_run_json_is_the_plan_and_sends_nothing(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    result = cli(ckan, outputs, str(package.root), "--dataset", name, "--dry-run", "--json")
    assert result.exit_code == 1, result.output  # changes are pending
    portal = Portal(ckan.url, ckan.token)
    state = read_portal(portal, name, ckan.org)
    assert state.dataset is None, "--dry-run created the dataset"
    tables = read_datastore(portal, state, package)
    assert json.loads(result.stdout) == prepare(package, state, datastore=tables).to_dict()


def test_new_release_same_ids_new_files(
    ckan: Stack, outputs: list[str], name: str, package: Package,
    second_release: Path,
) -> None:  # fmt: skip
    assert cli(ckan, outputs, str(package.root), "--dataset", name).exit_code == 0
    before = {r["name"]: (r["id"], r["url"]) for r in show(ckan, name)["resources"]}
    new = read_package(second_release)
    result = cli(ckan, outputs, str(second_release), "--dataset", name, "--json")
    assert result.exit_code == 0, result.output
    sent = {a["path"] for a in json.loads(result.stdout)["actions"] if a["action"] == "upload"}
    cards = {f.path for f in new.files() if f.role == "datacard"}  # the notes, not files
    assert sent == {f.path for f in new.files() if package.file(f.path) != f} - {
        *cards,
        *{r.schema_path for r in new.resources if r.schema_path},
    }
    ds = assert_published(ckan, name, new)
    assert {r["name"]: (r["id"], r["url"]) for r in ds["resources"]} == before
    assert ds["version"] == new.version != package.version


class CuttingProxy:
    """A TCP relay to CKAN that drops every connection once ``cut_after`` request bytes
    have gone through, and refuses connections from then on: the portal vanishing
    part-way through a run."""

    def __init__(self, target: str, cut_after: int) -> None:
        host, port = target.removeprefix("http://").split(":")
        self.target = (host, int(port.rstrip("/")))
        self.cut_after = cut_after
        self.sent = 0
        self.cut = threading.Event()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while chunk := src.recv(4096):
                if counted:
                    with self.lock:
                        room = self.cut_after - self.sent
                        self.sent += len(chunk)
                    if room <= len(chunk):
                        dst.sendall(chunk[: max(room, 0)])
                        self._cut()
                        return
                dst.sendall(chunk)
        except OSError:
            pass

    def _cut(self) -> None:
        self.cut.set()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self._cut()
        self.listener.close()


@pytest.fixture
def proxies() -> Iterator[list[CuttingProxy]]:
    made: list[CuttingProxy] = []
    yield made
    for p in made:
        p.close()


def test_dropped_connection_part_way_is_completed_by_a_rerun(
    ckan: Stack, outputs: list[str], package: Package, second_release: Path,
    proxies: list[CuttingProxy],
) -> None:  # fmt: skip
    """The connection drops mid-upload (and mid-metadata) at several points of a first
    publish and of a new release; a plain rerun completes it without duplicates."""
    new = read_package(second_release)
    total = sum(f.bytes for f in package.files())
    # measured on the built package: these fall in package_create, in the biggest Parquet
    # upload, in a later table and in datapackage.json; and, for the release, from the
    # dataset patch to the last upload
    for fraction in (0.05, 0.3, 0.9, 1.3):
        name = f"statpub-cut-{secrets.token_hex(4)}"
        proxy = CuttingProxy(ckan.url, int(total * fraction))
        proxies.append(proxy)
        result = CliRunner().invoke(
            main,
            ["publish", "ckan", str(package.root), "--dataset", name, "--url", proxy.url,
             "--org", ckan.org, "--timeout", "20", "--retries", "0"],
            env={"CKAN_API_TOKEN": ckan.token},
        )  # fmt: skip
        outputs.extend([result.stdout, result.stderr])
        assert proxy.cut.is_set()
        assert result.exit_code == 2, result.output
        assert "portal-unreachable" in result.stderr
        rerun = cli(ckan, outputs, str(package.root), "--dataset", name)
        if rerun.exit_code == 2:  # cut while holding the lease: it could not be given back
            assert "portal-locked" in rerun.stderr and "another publish" in rerun.stderr
            rerun = cli(ckan, outputs, str(package.root), "--dataset", name, "--break-lease")
        assert rerun.exit_code == 0, rerun.output
        ids = {r["name"]: r["id"] for r in assert_published(ckan, name, package)["resources"]}

        proxy = CuttingProxy(ckan.url, 2000 + int(total * fraction / 4))
        proxies.append(proxy)
        portal = Portal(proxy.url, ckan.token, timeout=20, budget=Budget(retries=0))
        with pytest.raises(StatpubError) as err:
            apply(prepare(new, read_portal(portal, name, ckan.org)), portal, new)
        assert proxy.cut.is_set() and err.value.code == "portal-unreachable"
        assert "run the same command again" in err.value.message
        outputs.append(str(err.value))
        assert cli(ckan, outputs, str(new.root), "--dataset", name).exit_code == 0
        ds = assert_published(ckan, name, new)
        assert {r["name"]: r["id"] for r in ds["resources"]} == ids


class LoseAnswer(requests.Session):
    """Sends the nth call of one action in full, lets CKAN act on it, then loses the
    answer (found by the action's name, so that other reads before it shift nothing)."""

    def __init__(self, action: str, nth: int) -> None:
        super().__init__()
        self.action, self.nth = action, nth
        self.seen = 0

    def post(self, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().post(url, *args, **kwargs)
        if str(url).rsplit("/", 1)[-1] == self.action:
            self.seen += 1
            if self.seen == self.nth:
                response.close()
                raise requests.ConnectionError("answer lost (injected)")
        return response


def test_lost_answers_do_not_duplicate(ckan: Stack, outputs: list[str], package: Package) -> None:
    """CKAN did the work but the answer never came: package_create, the first
    resource_create, the sha256 record after it (resource_patch), a later create. The run
    checks what the portal holds before acting again, and finishes without duplicates."""
    lost = (("package_create", 1), ("resource_create", 1), ("resource_patch", 1),
            ("resource_create", 3))  # fmt: skip
    for action, nth in lost:
        name = f"statpub-lost-{secrets.token_hex(4)}"
        session = LoseAnswer(action, nth)
        portal = Portal(ckan.url, ckan.token, session=session, budget=Budget(backoff=0.01))
        apply(prepare(package, read_portal(portal, name, ckan.org)), portal, package)
        assert session.seen >= nth and portal.budget.retried
        assert_published(ckan, name, package)
        dry = cli(
            ckan, outputs, str(package.root), "--dataset", name, "--dry-run", "--no-datastore"
        )
        assert dry.exit_code == 0, dry.output


def test_refused_token_exit_2_and_nothing_written(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    wrong = "not-a-token-" + secrets.token_hex(16)
    result = cli(ckan, outputs, str(package.root), "--dataset", name, token=wrong)
    assert result.exit_code == 2
    assert "portal-auth" in result.stderr and "refused the API token" in result.stderr
    assert wrong not in result.stdout + result.stderr
    portal = Portal(ckan.url, ckan.token)
    assert portal.call("package_show", {"id": name}, missing_ok=True) is None


def test_token_in_no_output_or_log(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    """Last in the module: the outputs of every CLI run above and of a few more here
    (text, JSON, dry run, refused, failing), and CKAN's own logs."""
    runs = ((["--dry-run"], 1), ([], 0), (["--json"], 0), (["--dry-run", "--json"], 0))
    for extra, status in runs:  # the first dry run has changes pending: exit 1
        result = cli(ckan, outputs, str(package.root), "--dataset", name, *extra)
        assert result.exit_code == status, result.output
    cli(ckan, outputs, str(package.root), "--dataset", name, token="x" * 40)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    failed = CliRunner().invoke(
        main, ["publish", "ckan", str(package.root), "--url", dead, "--org", ckan.org],
        env={"CKAN_API_TOKEN": ckan.token},
    )  # fmt: skip
    assert failed.exit_code == 2
    outputs.extend([failed.stdout, failed.stderr])
    token = ckan.token
    assert len(token) > 20
    assert not [o for o in outputs if token in o]
    assert ckan.log_dir is not None
    logs = ("ckan.log", "ckan-plain.log", "solr.log")
    checked = [p for p in ckan.log_dir.glob("*.log") if p.name in logs]
    assert len(checked) == len(logs), f"CKAN logs missing under {ckan.log_dir}"
    for log in checked:
        assert token not in log.read_text(errors="replace"), log
