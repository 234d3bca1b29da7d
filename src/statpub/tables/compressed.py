"""Compressed tables (gz, bz2, xz, zstd): decompressed into a temporary file, within limits.

The decompressed file is then read by the same reader as any other, fast
paths included. A file that decompresses to more than :data:`MAX_BYTES`, or
to more than :data:`MAX_RATIO` times its compressed size once past
:data:`RATIO_FROM` bytes, is refused (``source-error``): a few kilobytes of
gzip can expand to terabytes. Decompressing uses a bounded buffer, whatever
the file; the temporary file is removed when its reading ends.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CODECS = ("gz", "bz2", "xz", "zst")
MAX_BYTES = 1 << 30  # 1 GiB decompressed, all files of the resource together
MAX_RATIO = 200
RATIO_FROM = 64 << 20
CHUNK = 1 << 20


class TooLarge(Exception):
    """The file decompresses beyond the limits; the message says which."""


class Unreadable(Exception):
    """The file is not valid in its compression."""


def _open(path: Path, codec: str) -> Any:
    if codec == "gz":
        import gzip

        return gzip.open(path, "rb")
    if codec == "bz2":
        import bz2

        return bz2.open(path, "rb")
    if codec == "xz":
        import lzma

        return lzma.open(path, "rb")
    import pyarrow as pa

    return pa.input_stream(str(path), compression="zstd")


def decompress(files: list[Path], codec: str) -> tuple[list[Path], Path]:
    """The files decompressed into a new temporary folder, and that folder."""
    folder = Path(tempfile.mkdtemp(prefix="statpub-decompressed-"))
    out: list[Path] = []
    total = 0
    try:
        for n, path in enumerate(files):
            compressed = max(path.stat().st_size, 1)
            written = 0
            target = folder / f"{n}-{path.name.rsplit('.', 1)[0]}"
            try:
                with _open(path, codec) as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise TooLarge(
                                f"{path.name} decompresses to more than {MAX_BYTES >> 20} MiB, "
                                "the most statpub decompresses; decompress it yourself and "
                                "validate the plain file"
                            )
                        if written > RATIO_FROM and written > MAX_RATIO * compressed:
                            raise TooLarge(
                                f"{path.name} decompresses to more than {MAX_RATIO} times its "
                                "size, as a compression bomb does; if it is real data, "
                                "decompress it yourself and validate the plain file"
                            )
                        dst.write(chunk)
            except TooLarge:
                raise
            except Exception as exc:  # OSError, EOFError, zlib's and pyarrow's own errors
                raise Unreadable(f"{path.name} is not a valid {codec} file ({exc})") from exc
            out.append(target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return out, folder


def removing(batches: Iterator[Any], folder: Path) -> Iterator[Any]:
    """``batches``, then ``folder`` removed (also when the reading is dropped unfinished)."""

    def run() -> Iterator[Any]:
        try:
            yield from batches
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    out = run()
    weakref.finalize(out, shutil.rmtree, folder, True)
    return out
