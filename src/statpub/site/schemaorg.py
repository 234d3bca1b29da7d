"""The page's schema.org ``Dataset`` (JSON-LD in the head).

The Dataset itself comes from the publishers' catalog mapping, so the page and
the portals describe the package the same way; only the downloads differ: the
page offers its own copies under ``files/`` (and the descriptor and bundle too).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from statpub.package import Package
from statpub.site.reader import FileInfo

_MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "markdown": "text/markdown",
    "zip": "application/zip",
}


def page_dataset(
    pkg: Package,
    files: Sequence[FileInfo],
    *,
    base_url: str = "",
    files_prefix: str = "",
    language: str | None = None,
) -> dict[str, Any]:
    """The Dataset, with one DataDownload per file at ``base_url + files_prefix + path``.

    Without ``base_url`` the addresses stay relative to the page; JSON-LD
    resolves them against the page's address once it is published.
    """
    from statpub.publish.catalog import schemaorg_dataset

    out = schemaorg_dataset(pkg, base_url=base_url or None, language=language)
    base = out.get("url", "")
    out["distribution"] = [
        {
            "@type": "DataDownload",
            "name": f.title,
            "encodingFormat": _MEDIATYPES.get(f.format, "application/octet-stream"),
            "contentUrl": f"{base}{files_prefix}{f.path}",
            "contentSize": f"{f.bytes} B",
            "sha256": f.sha256,
        }
        for f in files
    ]
    return out


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: no ``</script>`` or comment opener can appear."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
