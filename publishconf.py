"""Production settings: pelicanconf.py plus the public address of the newsroom."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# The public address, without a trailing slash. Forks set NEWSROOM_SITEURL in CI.
SITEURL = os.environ.get("NEWSROOM_SITEURL", "https://newsroom.aldercrest.example")
RELATIVE_URLS = False
