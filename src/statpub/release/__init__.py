"""``statpub release``: log changed figures, bump the version, archive the package.

``cut`` decides and checks the release (reasons, bump, the revisions log, the
quote check), ``commit`` writes it, ``reasons`` reads the maintainer's reasons
for each change from the figure files.
"""

from __future__ import annotations

from statpub.release.cut import Paths, ReleaseResult, archive_current, release

__all__ = ["Paths", "ReleaseResult", "archive_current", "release"]
