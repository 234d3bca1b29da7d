"""``statpub release``: log changed values, bump the version, archive the package.

``pipeline`` is the one release mechanism (recover, audit, diff, bump, reasons,
log, build, validate, commit through the ``journal``); ``steps`` and ``commit``
are its parts. Two adapters plug into it: ``cut`` for this repository's figure
model (``reasons`` reads the maintainer's reasons from the figure files) and
``tables`` for any tables (``tablereasons``: the reasons file and ``--reason``).
"""

from __future__ import annotations

from statpub.release.cut import Paths, ReleaseResult, archive_current, release

__all__ = ["Paths", "ReleaseResult", "archive_current", "release"]
