"""A file upload as a ``multipart/form-data`` body read from the file as it is sent.

requests builds a multipart body in memory (the whole file, then the whole body:
twice the file's size held at once). This body is the same bytes urllib3's
``encode_multipart_formdata`` makes for the same fields and boundary, read
piece by piece: the form fields and the file part's headers, the file itself in
blocks, the closing boundary. Its length is known, so it is sent with a
``Content-Length``, as before, not chunked.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO


class MultipartFile:
    """The body of a form with text ``fields`` and one file (``name``: the form field,
    ``filename``: the name sent), read from ``fh``'s current position to its end."""

    def __init__(
        self,
        fields: dict[str, str],
        name: str,
        filename: str,
        fh: BinaryIO,
        boundary: str | None = None,
    ) -> None:
        from urllib3.fields import RequestField
        from urllib3.filepost import choose_boundary

        self.boundary = boundary or choose_boundary()
        head = io.BytesIO()
        utf8 = codecs.lookup("utf-8")[3]
        for key, value in fields.items():
            rf = RequestField.from_tuples(key, value.encode("utf-8"))
            head.write(f"--{self.boundary}\r\n".encode("latin-1"))
            utf8(head).write(rf.render_headers())
            head.write(rf.data if isinstance(rf.data, bytes) else str(rf.data).encode())
            head.write(b"\r\n")
        part = RequestField(name=name, data=b"", filename=filename)
        part.make_multipart(content_type=None)
        head.write(f"--{self.boundary}\r\n".encode("latin-1"))
        utf8(head).write(part.render_headers())
        tail = f"\r\n--{self.boundary}--\r\n".encode("latin-1")
        self._parts: list[BinaryIO] = [io.BytesIO(head.getvalue()), fh, io.BytesIO(tail)]
        here = fh.tell()
        size = fh.seek(0, io.SEEK_END) - here
        fh.seek(here)
        self._length = len(head.getvalue()) + size + len(tail)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:  # requests sends it as the Content-Length
        return self._length

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (all that is left when negative); b"" at the end.
        (No ``tell``: requests would then take the body for one of unknown length.)"""
        out = bytearray()
        while self._parts and (size < 0 or len(out) < size):
            got = self._parts[0].read(-1 if size < 0 else size - len(out))
            if got:
                out += got
            else:
                self._parts.pop(0)
        return bytes(out)
