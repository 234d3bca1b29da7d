"""Publishing a built package: a zip for manual upload, catalogue metadata, CKAN.

Each publisher reads the package folder through :func:`statpub.publish.local.read_package`,
which refuses a package whose files no longer match their descriptor: what is
published must be what was validated.
"""
