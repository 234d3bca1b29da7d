"""Publishing a built package: a zip for manual upload, catalogue metadata, CKAN.

Each publisher takes the package through :func:`statpub.publish.local.publishable`,
which reads it with :mod:`statpub.package` and refuses it when a file no longer
matches its descriptor: what is published must be what was validated.
"""
