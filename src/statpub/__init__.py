"""statpub: publish statistical figures as versioned Frictionless Data Packages."""

__version__ = "0.1.0"
