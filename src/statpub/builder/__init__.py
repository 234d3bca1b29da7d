"""Build a Data Package from a figures folder: ``build()``."""

from statpub.builder.package import BuildResult, build

__all__ = ["BuildResult", "build"]
