"""A Data Package on disk: the one way in for every command.

``read_package(path)`` (or ``open_package(spec)`` for ``REF:PATH`` too) reads
the descriptor (JSON or YAML), resolves every resource once under one path
policy, and gives a :class:`Package`. Its files are checked against the
descriptor by :func:`check_files`; its rows are read through the one Arrow
reader by :func:`read_table` and :func:`parsed_batches`.

Where things are: ``descriptor`` reads descriptor files, ``paths`` is the path
policy, ``resolve`` resolves resources, ``model`` holds the dataclasses,
``integrity`` checks files against ``hash``/``bytes``, ``files`` hashes and
writes SHA256SUMS, ``atomic`` writes files and folders whole, ``tables`` reads
rows, ``open`` finds a package from what the user named, ``copies`` pairs
the CSV and Parquet copies of one table.
"""

from __future__ import annotations

from statpub.package.integrity import PackageFile, check_files, package_files
from statpub.package.model import Package, Resource
from statpub.package.open import open_package, read_package
from statpub.package.tables import parsed_batches, read_table, typed_batches

__all__ = [
    "Package",
    "PackageFile",
    "Resource",
    "check_files",
    "open_package",
    "package_files",
    "parsed_batches",
    "read_package",
    "read_table",
    "typed_batches",
]
