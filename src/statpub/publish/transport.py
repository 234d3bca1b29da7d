"""One HTTP call to a portal, bounded: in time, in size, and in how often it is retried.

* **Deadlines.** A call ends when its answer is complete or when ``timeout``
  seconds have passed since it started, whichever comes first, however slowly
  the portal trickles its headers or body (the call runs in a helper thread
  that is abandoned, and its connection closed, at the deadline). A run can
  also be bounded as a whole (``Budget.deadline``): no call starts, and no
  call outlives, the run's deadline.
* **Size.** An answer longer than ``max_bytes`` is refused; compressed answers
  are not asked for (``Accept-Encoding: identity``) and refused if sent anyway,
  so a small body cannot expand into a large one.
* **Retries.** A call that failed in a way that may pass (HTTP 502, 503, 504,
  a reset or refused connection, a timeout) is retried after a backoff with
  full jitter, a bounded number of times and within a bounded total wait.
  Whether a call may be retried at all is the caller's decision
  (:mod:`statpub.publish.portal` knows which actions are idempotent).

The clock and the sleep are injectable, so tests need not wait.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RETRY_STATUS = frozenset({502, 503, 504})
MAX_ANSWER = 256 * 1024 * 1024  # bytes: the largest answer statpub reads
_CHUNK = 64 * 1024


class Transient(Exception):
    """A failure that may pass: retrying is worth it (if the call may be repeated)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Fatal(Exception):
    """The call failed for good (an answer too large, compressed, or the run's deadline)."""

    def __init__(self, what: str, code: str = "portal-error") -> None:
        super().__init__(what)
        self.what = what
        self.code = code


@dataclass
class Budget:
    """What a run may spend on retries, and when it must end."""

    retries: int = 5  # extra attempts per call
    retry_time: float = 60.0  # seconds of backoff per call, at most
    backoff: float = 0.5  # first backoff, doubled each time, with full jitter
    max_backoff: float = 8.0
    deadline: float | None = None  # the run's end, on ``clock``; None: unbounded
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    # what was retried: action -> attempts beyond the first
    retried: dict[str, int] = field(default_factory=dict)

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def summary(self) -> dict[str, Any]:
        return {
            "calls": sum(1 for n in self.retried.values() if n),
            "attempts": sum(self.retried.values()),
            "by_action": dict(sorted(self.retried.items())),
            "limit": {"retries": self.retries, "seconds": self.retry_time},
        }


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    retried: str = ""  # after retries: what happened


def send(
    session: Any,
    url: str,
    *,
    data: Any,
    headers: dict[str, str],
    files: Any,
    timeout: float,
    budget: Budget,
    max_bytes: int = MAX_ANSWER,
) -> Answer:
    """One POST, its whole answer read within ``timeout`` (and the run's deadline)."""
    left = budget.remaining()
    if left is not None and left <= 0:
        raise Fatal("the run's --deadline has passed", "portal-deadline")
    limit = timeout if left is None else min(timeout, left)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["answer"] = _post(session, url, data, headers, files, limit, max_bytes, box)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=work, name="statpub-portal-call", daemon=True)
    thread.start()
    if not done.wait(limit):
        box["abandoned"] = True
        _close(box.get("response"))
        if left is not None and left <= timeout:
            raise Fatal(f"the run's --deadline passed during the call ({limit:g} s left)",
                        "portal-deadline")  # fmt: skip
        raise Transient(f"no complete answer within {limit:g} s")
    if "error" in box:
        raise box["error"]
    answer: Answer = box["answer"]
    return answer


def _post(
    session: Any,
    url: str,
    data: Any,
    headers: dict[str, str],
    files: Any,
    limit: float,
    max_bytes: int,
    box: dict[str, Any],
) -> Answer:
    import requests

    try:
        r = session.post(
            url, data=data, headers=headers, files=files, allow_redirects=False, stream=True,
            timeout=(min(limit, 10.0), limit),
        )  # fmt: skip
    except requests.Timeout:
        raise Transient(f"no answer within {limit:g} s") from None
    except requests.ConnectionError as exc:
        raise Transient(f"connection failed ({_kind(exc)})") from None
    except requests.RequestException as exc:
        raise Fatal(f"the request failed ({type(exc).__name__})") from None
    box["response"] = r
    try:
        encoding = str(r.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise Fatal(
                f"the answer is compressed ({encoding[:40]}), which statpub did not ask for"
            )
        declared = r.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > max_bytes:
            raise Fatal(f"the answer is {int(declared)} bytes, over the limit of {max_bytes}")
        body = bytearray()
        for chunk in r.raw.stream(_CHUNK, decode_content=False):
            if box.get("abandoned"):
                break
            body += chunk
            if len(body) > max_bytes:
                raise Fatal(f"the answer is over the limit of {max_bytes} bytes")
        return Answer(r.status_code, bytes(body), str(r.headers.get("Content-Type") or ""))
    except (requests.RequestException, OSError, _urllib3_errors()) as exc:
        raise Transient(f"the answer was cut off ({_kind(exc)})") from None
    finally:
        r.close()


def _urllib3_errors() -> type[BaseException]:
    from urllib3.exceptions import HTTPError

    return HTTPError


def _close(response: Any) -> None:
    """Cut the connection under a call that is being abandoned, without waiting for the
    thread that reads from it (closing the response would wait for its read to end)."""
    import socket

    try:
        sock = response.raw._connection.sock
        sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # no connection (any more), or not a socket: nothing to cut
        pass


def _kind(exc: BaseException) -> str:
    """The kind of a network failure, in words that never quote a request."""
    text = str(exc).lower()
    for words, kind in (
        ("reset", "connection reset"),
        ("refused", "connection refused"),
        ("aborted", "connection aborted"),
        ("timed out", "timed out"),
        ("name or service", "unknown host"),
        ("nodename", "unknown host"),
        ("broken pipe", "connection broken"),
        ("incomplete", "answer incomplete"),
        ("remote end closed", "connection closed by the portal"),
        ("protocol", "protocol error"),
    ):
        if words in text:
            return kind
    return type(exc).__name__


def retrying(
    call: Callable[[], Answer],
    budget: Budget,
    action: str,
    *,
    idempotent: bool,
    check: Callable[[], Any] | None = None,
) -> Answer | Any:
    """``call()``, retried while it fails transiently (a 502/503/504 answer counts).

    A call that is not idempotent is repeated only after ``check()`` (itself
    idempotent) found that the first attempt had no effect: ``check`` returns a
    result to use instead, or None. Without ``check``, it is not repeated.
    """
    waited = 0.0
    attempt = 0
    while True:
        answer: Answer | None = None
        try:
            answer = call()
            if answer.status not in RETRY_STATUS:
                return answer
            failure = Transient(f"HTTP {answer.status}")
        except Transient as exc:
            failure = exc
        if not idempotent and check is None:
            if answer is not None:  # the caller says what the portal answered
                return answer
            raise failure
        pause = budget.rng.uniform(0, min(budget.max_backoff, budget.backoff * 2**attempt))
        left = budget.remaining()
        if (
            attempt >= budget.retries
            or waited + pause > budget.retry_time
            or (left is not None and left <= pause)
        ):
            if attempt:
                failure.what += f" (after {attempt} retries in {waited:.1f} s of backoff)"
            if answer is not None:
                answer.retried = failure.what
                return answer
            raise failure
        attempt += 1
        budget.retried[action] = budget.retried.get(action, 0) + 1
        budget.sleep(pause)
        waited += pause
        if not idempotent and check is not None:
            found = check()
            if found is not None:
                return found
