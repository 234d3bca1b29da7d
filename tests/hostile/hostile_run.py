"""Run a statpub command in a subprocess with a time limit and a memory limit, and judge it.

The child gets an address-space limit (``resource.setrlimit``) so a runaway
read fails instead of taking the machine; its peak resident memory is read
from ``wait4``, and the corpus test holds it to the issue's 1 GiB.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

STATPUB = Path(sys.executable).with_name("statpub")
TIME_LIMIT = 60.0  # seconds a command may take on any input of the corpus
# The hard stop against a runaway; the test asserts resident memory under RSS_LIMIT. Virtual
# address space is far larger than resident memory for a threaded Arrow process (each
# thread's stack and allocator arenas are reserved up front): a tight cap made thread
# creation fail at random, killing the process from the C++ runtime.
ADDRESS_SPACE = 8 << 30
RSS_LIMIT = 1 << 30
TRACEBACK = "Traceback (most recent call last)"
UNEXPECTED = "please report"


@dataclass
class Ran:
    argv: list[str]
    cwd: Path
    exit: int | None  # None: killed at the time limit
    stdout: str
    stderr: str
    seconds: float
    max_rss: int  # bytes

    def describe(self) -> str:
        return (
            f"$ {' '.join(self.argv)}  (in {self.cwd})\nexit {self.exit} after "
            f"{self.seconds:.1f}s, {self.max_rss >> 20} MiB\nstdout: {self.stdout[-2000:]}\n"
            f"stderr: {self.stderr[-3000:]}"
        )


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()


def run(
    argv: list[str], cwd: Path, env: dict[str, str], logs: Path, timeout: float = TIME_LIMIT
) -> Ran:
    """Run ``statpub *argv`` in ``cwd``; stdout and stderr go to files in ``logs``."""
    cwd.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout", logs / "stderr"
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        import subprocess

        proc = subprocess.Popen(
            [str(STATPUB), *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=_limits,
        )
        status: int | None = None
        usage: Any = None
        while True:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = status if status is not None else -9  # reaped here, not by Popen
    seconds = time.monotonic() - started
    return Ran(
        argv=argv,
        cwd=cwd,
        exit=status,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        seconds=seconds,
        max_rss=usage.ru_maxrss * 1024 if usage is not None else 0,
    )


def reported_types(ran: Ran) -> set[str]:
    """Issue types and error codes a command reported, in JSON or in text."""
    found = set(re.findall(r"\[([a-z0-9-]+)\]", ran.stdout + ran.stderr))
    try:
        data = json.loads(ran.stdout)
    except ValueError:
        return found
    if isinstance(data, dict):
        for issue in [*data.get("errors", []), *data.get("warnings", [])]:
            if isinstance(issue, dict) and isinstance(issue.get("type"), str):
                found.add(issue["type"])
    return found


def written(folder: Path) -> list[Path]:
    """Every entry under ``folder``, without following links."""
    return sorted(folder.rglob("*")) if folder.exists() else []


def contents(folder: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every regular file under ``folder`` and of every zip entry in them."""
    out: list[tuple[str, bytes]] = []
    for path in written(folder):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        out.append((str(path), data))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                out.extend((f"{path}!{info.filename}", zf.read(info)) for info in zf.infolist())
    return out


def zip_slip(path: Path) -> list[str]:
    """What is wrong with the entry names of the zip at ``path`` (nothing, for a safe one)."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = [info.filename for info in zf.infolist()]
    roots = {name.split("/", 1)[0] for name in names}
    if len(roots) != 1:
        problems.append(f"entries in {len(roots)} top folders: {sorted(roots)[:5]}")
    for name in names:
        parts = PurePosixPath(name).parts
        if (
            name.startswith("/")
            or "\\" in name
            or ".." in parts
            or re.match(r"^[A-Za-z]:", name)
            or "\x00" in name
            or len(parts) < 2
            or parts[0] in (".", "")
        ):
            problems.append(f"unsafe entry name {name!r}")
    return problems
