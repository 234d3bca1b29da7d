"""Where a project's tables come from: one adapter per ``adapter:`` setting of statpub.yml.

- ``tables`` (:mod:`.tables`, the default): tables named in ``statpub.yml``, each read
  from its own file (CSV, Excel, Parquet);
- ``figures`` (:mod:`.figures`): this repository's figure model, tables derived from
  figure files whose quotes are checked against their sources.

An adapter reads the settings only it has (``configure``), names the folder a writer
holds (``lock_dir``), reads the revisions log (``read_log``), makes the package source
the one writer builds from (``source``: a :class:`~statpub.builder.write.PackageSource`),
builds and validates the package (``build``), names its tables' SDMX roles (``sdmx``)
and the release options it takes (``release_flags``). The rest of statpub asks the
adapter; nothing tests an adapter's name. A new kind of input is a new adapter here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.project.adapters.figures import FiguresAdapter
from statpub.project.adapters.tables import TablesAdapter

if TYPE_CHECKING:
    from statpub.project.config import Project

Adapter = TablesAdapter | FiguresAdapter

ADAPTERS: dict[str, Adapter] = {a.name: a for a in (TablesAdapter(), FiguresAdapter())}


def adapter_of(project: Project) -> Adapter:
    """The adapter that reads ``project``'s tables."""
    return ADAPTERS[project.adapter]
