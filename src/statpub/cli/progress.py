"""A one-line progress display on stderr for long validations: rows done and rate.

Shown only on a terminal, and only once a run has lasted long enough to need
it; ``--quiet`` turns it off. The library reports rows through a callback and
never prints; this module is the CLI's side of that callback.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

DELAY = 0.5  # seconds before the first display: short runs stay silent
INTERVAL = 0.2  # seconds between redraws


class Progress:
    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = enabled
        self.clock = clock
        self.start = clock()
        self.last = float("-inf")
        self.shown = False
        self.width = 0

    @classmethod
    def for_stderr(cls, *, quiet: bool) -> Progress:
        stream = sys.stderr
        return cls(stream, enabled=not quiet and stream.isatty())

    @property
    def callback(self) -> Callable[[int], None] | None:
        return self.update if self.enabled else None

    def update(self, rows: int) -> None:
        now = self.clock()
        elapsed = now - self.start
        if elapsed < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        rate = rows / elapsed if elapsed > 0 else 0.0
        line = f"statpub: {rows:,} rows checked ({rate:,.0f} rows/s)"
        self.width = max(self.width, len(line))
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the line, so the report that follows starts clean."""
        if self.shown:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.shown = False
