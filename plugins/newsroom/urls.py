"""Addresses of the site's own files, as readers and machines see them."""

from __future__ import annotations


def absolute(site_url: str, path: str) -> str:
    """With SITEURL: a full address; without (development): a root-relative one."""
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"
