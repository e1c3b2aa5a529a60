"""The host's limits: a warning, in plain words, when the built site nears what its host takes.

GitHub Pages publishes a site of at most 1 GB and cancels a deployment that takes longer than
10 minutes (docs.github.com, "GitHub Pages limits"); past either, the newsroom stops
deploying, usually on the day of an important release. The build measures what it wrote
(manifest.measured, in the walk that records the output for the next build) and
warns from three quarters of the limit on, while there is still time to act (see "When the
site outgrows its host" in docs/operations.md). A self-hosted server has no such limit unless
one is configured (NEWSROOM "output_limit_mb").
"""

from __future__ import annotations

from dataclasses import dataclass

#: Decimal megabytes, as hosts state their limits (GitHub's "1 GB" is 1,000 of them).
MB = 1000 * 1000
#: From this share of the limit on, the build warns.
WARN_FROM = 0.75
ADVICE = (
    'See "When the site outgrows its host" in docs/operations.md: serve it from your own '
    "server, put a CDN in front of it, or move the pictures to object storage."
)


@dataclass(frozen=True)
class Host:
    name: str
    #: Largest published site, in MB (None: no limit known).
    limit_mb: float | None
    #: What else stops a deployment, said after the size.
    note: str = ""


HOSTS = {
    "github-pages": Host(
        "GitHub Pages",
        1000,
        "On GitHub Pages a site may be at most 1 GB, a deployment may take at most 10 "
        "minutes, and every deploy uploads the whole site.",
    ),
    "self-hosted": Host("your server", None),
}


def size_warning(size: int, files: int, host_key: str, limit_mb: float = 0) -> str | None:
    """The warning for a site of ``size`` bytes on the host, or None while it is far off.

    ``limit_mb`` (NEWSROOM "output_limit_mb") replaces the host's own limit when set.
    """
    host = HOSTS[host_key]
    limit = limit_mb or host.limit_mb
    if not limit:
        return None
    share = size / (limit * MB)
    if share < WARN_FROM:
        return None
    took = (
        f"the {limit:,g} MB limit set in NEWSROOM['output_limit_mb']"
        if limit_mb
        else f"the {limit:,g} MB {host.name} takes"
    )
    verdict = f"over {took}" if share >= 1 else f"{share:.0%} of {took}"
    built = f"The built site is {size / MB:,.1f} MB in {files:,} files, {verdict}."
    return " ".join(part for part in (built, host.note, ADVICE) if part)
