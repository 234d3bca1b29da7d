"""Port ckanext-fluent 1.0.0 (its only release on PyPI, written for Python 2) to Python 3,
in a folder where its source distribution was unpacked, before it is installed into the
CKAN test stack (scripts/ckan-stack install).

Each rule is a mechanical rewrite of a Python 2 idiom, applied where the rule says and
counted: when a count differs from what 1.0.0 holds, the source is not the one this port
was written for, and it stops rather than install something half-ported.

    python3 fluent_py3.py DIR     # DIR: the unpacked ckanext-fluent-1.0.0
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# (file, pattern, replacement, how many times 1.0.0 has it)
RULES = [
    # Python 2 byte strings were `str`: the decode branches are for bytes now.
    ("validators.py", r"isinstance\((\w+), str\)", r"isinstance(\1, bytes)", 3),
    ("validators.py", r"\bbasestring\b", "str", 4),
    ("validators.py", r"\.iteritems\(\)", ".items()", 3),
    # CKAN 2.9+ has no Pylons; its config is the toolkit's.
    ("validators.py", r"^from pylons import config$", "from ckan.plugins.toolkit import config", 1),
    # CKAN 2.11 keeps the offered locales in ckan.lib.i18n, no longer in its helpers.
    (
        "helpers.py",
        r"^from ckan\.lib\.helpers import get_available_locales$",
        "from ckan.lib.i18n import get_available_locales",
        1,
    ),
]


def port(folder: Path) -> None:
    package = folder / "ckanext" / "fluent"
    texts = {name: (package / name).read_text(encoding="utf-8") for name, *_ in RULES}
    for name, pattern, replacement, expected in RULES:
        text, count = re.subn(pattern, replacement, texts[name], flags=re.MULTILINE)
        if count != expected:
            sys.exit(
                f"fluent_py3: {name}: {pattern!r} found {count} times, expected {expected}: "
                "not the ckanext-fluent 1.0.0 this port is for"
            )
        texts[name] = text
    for name, text in texts.items():
        compile(text, str(package / name), "exec")  # Python 3 syntax, or stop here
        (package / name).write_text(text, encoding="utf-8")
    path = package / "plugins.py"
    compile(path.read_text(encoding="utf-8"), str(path), "exec")


if __name__ == "__main__":
    port(Path(sys.argv[1]))
