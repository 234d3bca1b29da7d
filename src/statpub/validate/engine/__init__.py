"""statpub's columnar validation engine for tabular resources (CSV and Parquet).

Tables are read in batches of Arrow arrays; every rule runs on whole columns
(pyarrow compute), keys are checked as fixed-width hashes (NumPy), so memory
stays bounded by the batch size plus 20 bytes a row per key. The verdicts match
frictionless-py's except where docs/validation.md lists a difference.

Tables are read by :mod:`statpub.tables` (``reader``, and ``lexical`` and
``typed`` for cells against their field), the same code every command reads
rows with. Here: ``constraints`` checks cells; ``plans`` and ``keys`` check
primary, unique and foreign keys (hashed by ``statpub.tables.hashing``);
``table`` runs one table batch by batch and ``runner`` every table of a
package; ``messages`` words the issues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statpub.package import Package
    from statpub.validate.engine.runner import EngineResult

__all__ = ["run"]


def run(
    pkg: Package,
    *,
    limit_errors: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> EngineResult:
    """Check the rows of every tabular resource; ``on_progress`` gets the rows read so far."""
    from statpub.tables.reader import read_ahead

    # The first table starts being read now, while the checks' modules load.
    early = read_ahead(next((r.spec for r in pkg.resources if r.spec is not None), None))
    from statpub.validate.engine.runner import run_all

    return run_all(pkg, limit_errors=limit_errors, on_progress=on_progress, early=early)
