"""The revisions log as the maintainer's side keeps it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

REVISIONS_FILE = "revisions.csv"


def read_revisions(figures_dir: Path) -> list[dict[str, Any]]:
    """Rows of ``figures/revisions.csv`` (written by ``statpub release``), or none."""
    path = figures_dir / REVISIONS_FILE
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]
