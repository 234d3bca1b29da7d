"""Versions, diffs between packages, the revisions log and the changelog."""
