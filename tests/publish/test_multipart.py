"""An upload's body is read from the file as it is sent, and is the body requests made."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
import urllib3.filepost

from statpub.publish.multipart import MultipartFile

FIELDS = {"id": "abc", "description": "Индикаторы «x»\n", "sha256": "", "schema": '{"a": 1}'}


def requests_body(fields: dict[str, str], name: str, data: bytes, boundary: str) -> bytes:
    """What requests sends for ``data=fields, files={"upload": (name, file)}``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(urllib3.filepost, "choose_boundary", lambda: boundary)
        body, content_type = requests.models.RequestEncodingMixin._encode_files(
            {"upload": (name, io.BytesIO(data))}, fields
        )
    assert content_type == f"multipart/form-data; boundary={boundary}"
    return bytes(body)


@pytest.mark.parametrize("name", ["observations.csv", "данные.csv", 'a"b.csv'])
@pytest.mark.parametrize("size", [0, 1, 8192, 100_003])
def test_the_body_is_the_one_requests_builds(tmp_path: Path, name: str, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    with path.open("rb") as fh:
        body = MultipartFile(FIELDS, "upload", name, fh, boundary="b0undary")
        assert body.content_type == "multipart/form-data; boundary=b0undary"
        chunks = iter(lambda: body.read(4096), b"")
        sent = b"".join(chunks)
    expected = requests_body(FIELDS, name, data, "b0undary")
    assert sent == expected and len(body) == len(expected)


def test_reading_it_all_at_once_and_a_fresh_boundary(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"a,b\n1,2\n")
    with path.open("rb") as fh:
        one, two = MultipartFile({}, "upload", "t.csv", fh), None
        whole = one.read()
        fh.seek(0)
        two = MultipartFile({}, "upload", "t.csv", fh)
    assert one.boundary != two.boundary
    assert len(whole) == len(one) and b"\r\n\r\na,b\n1,2\n\r\n--" in whole
    assert one.read() == b""
