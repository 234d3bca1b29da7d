"""Hashing files, and the SHA256SUMS manifest: one implementation for every command.

A descriptor's ``hash`` is ``"<algorithm>:<hex>"``, or bare hex meaning md5
(Data Package v1 and v2). Only algorithms with a fixed digest length are
accepted: ``shake_128`` and ``shake_256`` need a length the property cannot
carry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from statpub.errors import StatpubError
from statpub.package.paths import open_regular

CHUNK = 1 << 20
MANIFEST = "SHA256SUMS"
DATACARD = "README.md"  # files a package may hold beside its resources
CHANGELOG = "CHANGELOG.md"
MAX_MANIFEST = 64 << 20  # bytes: a line per file of a version
HASH_ALGORITHMS = (
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512",
    "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s",
)  # fmt: skip
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass(frozen=True)
class Digest:
    """A file's (or files') digest and size."""

    algorithm: str
    hex: str
    bytes: int


def digest(paths: Path | list[Path], algorithm: str = "sha256") -> Digest:
    """Hash ``paths`` (several files are hashed as one stream, as a multi-part resource)."""
    h = hashlib.new(algorithm)
    size = 0
    for path in [paths] if isinstance(paths, Path) else paths:
        with open_regular(path, follow=True) as fh:
            while chunk := fh.read(CHUNK):
                h.update(chunk)
                size += len(chunk)
    return Digest(algorithm, h.hexdigest(), size)


def sha256_file(path: Path) -> str:
    return digest(path).hex


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DeclaredHash:
    algorithm: str
    hex: str


def parse_hash(value: object) -> DeclaredHash | str:
    """The declared ``hash``, or why it cannot be used (a sentence)."""
    if not isinstance(value, str):
        return f"'hash' must be a string, not {type(value).__name__}"
    algorithm, sep, hexdigest = value.rpartition(":")
    algorithm = algorithm.lower() if sep else "md5"
    if algorithm not in HASH_ALGORITHMS:
        return (
            f"hash algorithm {algorithm!r} is not supported; use one of "
            f"{', '.join(HASH_ALGORITHMS)} (sha256 recommended)"
        )
    size = hashlib.new(algorithm).digest_size * 2
    if not _HEX.match(hexdigest) or len(hexdigest) != size:
        return f"a {algorithm} hash is {size} hexadecimal digits"
    return DeclaredHash(algorithm, hexdigest.lower())


def datacard_name(lang: str, default: str) -> str:
    """``README.md`` in the default language, else ``README.<lang>.md``."""
    return DATACARD if lang == default else f"README.{lang}.md"


def datacard_names(langs: list[str]) -> list[str]:
    """The data cards of a package in ``langs`` (the default first); a language that is
    not letters, digits and hyphens (not a language tag) has none, so no name leaves
    the package folder."""
    if not langs:
        return [DATACARD]
    return [datacard_name(x, langs[0]) for x in langs if x == langs[0] or _LANG.match(x)]


# SHA256SUMS: "<sha256>  <path>" per line, sorted by path; `sha256sum -c` reads it.


def manifest_text(files: dict[str, str]) -> str:
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(files.items()))


def parse_manifest(text: str, label: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        hexdigest, sep, rel = line.partition("  ")
        if not sep or len(hexdigest) != 64 or not _HEX.match(hexdigest) or not rel:
            raise StatpubError(
                f"{label}:{n}: not '<sha256>  <path>'", code="manifest-invalid", path=label
            )
        out[rel] = hexdigest.lower()
    return out


def read_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    try:
        with open_regular(path) as fh:  # never a link out of the archive, never a FIFO
            raw = fh.read(MAX_MANIFEST + 1)
        if len(raw) > MAX_MANIFEST:
            raise OSError(f"over the {MAX_MANIFEST:,} bytes a manifest may have")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StatpubError(
            f"{path}: the archived release has no readable checksum manifest; it cannot be proven",
            code="manifest-missing",
            path=path,
        ) from exc
    return parse_manifest(text, str(path))


def tree_digests(folder: Path, *, skip: tuple[str, ...] = (MANIFEST,)) -> dict[str, str]:
    """Relative POSIX path -> sha256 of every regular file under ``folder`` but ``skip``.

    Symbolic links are not followed: a tree is hashed as it is on disk.
    """
    return {rel: sha256_file(folder / rel) for rel in tree_files(folder, skip=skip)}


def tree_files(folder: Path, *, skip: tuple[str, ...] = (MANIFEST,)) -> list[str]:
    """The relative POSIX paths :func:`tree_digests` hashes, sorted, unhashed."""
    out: list[str] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not path.is_symlink() and rel not in skip:
            out.append(rel)
    return out
