"""Tables as Arrow: the one reader of CSV and Parquet, the cell rules, and the writers.

``reader`` reads a table in batches (every command that reads rows uses it),
``header`` matches its columns to the schema's fields, ``lexical`` and
``typed`` read cells against their field, ``hashing`` hashes keys; ``spec``
says how to read one table; ``schema`` maps Table Schema types to Arrow, and
``csvio`` and ``parquetio`` write the files statpub publishes. ``compute`` and
``arrow`` call Arrow's kernels and build Arrow values without the slow imports.
Nothing here reads a descriptor: that is :mod:`statpub.package`.
"""
