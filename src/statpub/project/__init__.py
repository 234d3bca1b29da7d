"""statpub projects: a folder of tables and a project file, built into a Data Package.

A project is a folder with ``statpub.yml`` (package metadata: name, title,
description, licenses, contributors, sources, keywords, homepage...; and its
``tables:``), the tables' input files and their Table Schemas in ``schemas/``.
``statpub init`` writes one from existing tables (:mod:`statpub.project.init`);
``statpub build`` builds it. See docs/projects.md for the file's reference.

The API other layers use (release, site) is:

- :func:`load_project` ``(root) -> Project``: ``root`` (folder or project file)
  read; a :class:`Project` has ``root``, ``out`` (package folder, default
  ``datapackage/``), ``releases`` (archive, ``releases/``), ``history``
  (``releases.yml``), ``revisions`` (``revisions.csv``), ``schemas``,
  ``metadata``, ``tables`` (:class:`TableConfig`: name, input, schema path),
  ``adapter`` (``tables``, or ``figures`` for this repository's figure model)
  and ``lock_dir`` (the folder a writer holds).
- :func:`find_project` ``(folder) -> Path | None``: ``folder/statpub.yml`` if any.
- :func:`build_package` ``(project, folder, *, releases=None, revisions=None)
  -> dict[path, sha256]``: every file of the package written into ``folder``
  (empty); ``releases`` (a list of :class:`~statpub.figures.records.Release`)
  and ``revisions`` (log rows) default to the project's ``releases.yml`` and
  ``revisions.csv``, so a release can build the next version aside.
- :func:`read_history` / :func:`read_log`: those two files as read.
- :func:`project_sdmx`: the SDMX roles of the tables that map to SDMX.

Each ``adapter:`` setting has one adapter object (:data:`statpub.project.adapters.ADAPTERS`:
``tables``, ``figures``) that reads its own settings, the log, makes the package
source, builds, and names the SDMX roles and its release options; the functions
here ask it, never test its name.
- :func:`build` ``(project) -> ProjectBuild | BuildResult``: ``project.out``
  built aside, validated, swapped in.
"""

from statpub.project.adapters.tables import ProjectBuild, table_schema
from statpub.project.build import (
    build,
    build_package,
    project_sdmx,
    read_log,
)
from statpub.project.config import (
    PROJECT_FILE,
    Project,
    TableConfig,
    figures_project,
    find_project,
    load_project,
    read_history,
)

__all__ = [
    "PROJECT_FILE",
    "Project",
    "ProjectBuild",
    "TableConfig",
    "build",
    "build_package",
    "figures_project",
    "find_project",
    "load_project",
    "project_sdmx",
    "read_history",
    "read_log",
    "table_schema",
]
