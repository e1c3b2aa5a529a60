"""Addresses of the site's own files, as readers and machines see them."""

from __future__ import annotations

#: The disclosure record for machines (disclosures.py writes it; monitor.py reads the live
#: one): named here, so that reading it needs none of the build's modules.
DISCLOSURES_JSON = "disclosures.json"


def absolute(site_url: str, path: str) -> str:
    """With SITEURL: a full address; without (development): a root-relative one."""
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"
