"""Publishing at an exact time on a self-hosted web server.

``snapshots`` builds the site as it is now and as it will be at each upcoming go-live
instant; ``remote`` ships those builds to the host and switches the web root atomically;
``switcher`` runs on the host and switches again at each instant. ``command`` ties the
first two together for ``invoke deploy``.
"""
