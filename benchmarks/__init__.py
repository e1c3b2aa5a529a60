"""Build benchmarks: the newsroom against a plain Pelican site with the same releases."""
