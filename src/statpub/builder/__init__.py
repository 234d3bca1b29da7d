"""Write a Data Package folder from any source of tables (:mod:`statpub.builder.write`).

A source (:class:`~statpub.builder.write.PackageSource`) says which tables a package
has and its metadata; this layer writes the CSV and Parquet files, the descriptor, the
data card and the changelog, and validates the staged folder (:mod:`.staged`). Each
project adapter (:mod:`statpub.project.adapters`) is one such source.
"""
