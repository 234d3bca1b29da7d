"""The dataset page (``statpub site``) and the data dictionary (``statpub docs dictionary``)."""

from statpub.site.page import SiteResult, render_site

__all__ = ["SiteResult", "render_site"]
