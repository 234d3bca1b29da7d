"""``pattern`` constraints: the one pattern engine is :mod:`statpub.tables.patterns` (RE2),
which the schema rules use too, so a pattern the schema check accepts is the one matched."""

from statpub.tables.patterns import MAX_MEM, MAX_PATTERN, compile_pattern, translate

__all__ = ["MAX_MEM", "MAX_PATTERN", "compile_pattern", "translate"]
