"""Copies: one table published twice, as CSV and as Parquet.

Two resources are copies when each has one path, uncompressed, and the paths
differ only in the extension (``data/x.csv`` and ``data/x.parquet``), as
statpub's own packages publish every table. validate checks that copies hold
the same rows; diff reports their changes once when they agree.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from statpub.package.model import Package, Resource

EXTENSIONS = (".csv", ".parquet")


def copy_pairs(pkg: Package) -> list[tuple[Resource, Resource]]:
    """(CSV, Parquet) resource pairs, in the descriptor order of each pair's first.

    A stem with more than one CSV or Parquet resource has no pair: which two
    are copies would be a guess.
    """
    by_stem: dict[str, list[Resource]] = {}
    for res in pkg.resources:
        if len(res.paths) != 1 or res.compression is not None:
            continue
        path = PurePosixPath(res.paths[0])
        if path.suffix.lower() in EXTENSIONS:
            by_stem.setdefault(str(path.with_suffix("")), []).append(res)
    pairs = []
    for group in by_stem.values():
        kinds = [PurePosixPath(r.paths[0]).suffix.lower() for r in group]
        if sorted(kinds) == sorted(EXTENSIONS):
            csv, parquet = group if kinds[0] == ".csv" else group[::-1]
            pairs.append((csv, parquet))
    return pairs
