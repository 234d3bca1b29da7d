"""Comparing versions: ``diff`` between any two packages, the release archive, vintages,
the revisions log and the changelog. Cutting a release is :mod:`statpub.release`."""
