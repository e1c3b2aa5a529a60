"""Empty the CDN's cache when the web root switches: Cloudflare, Fastly, CloudFront.

``invoke deploy`` installs this file as ``<root>/bin/purge.py`` beside the switcher, which
calls ``purge_all`` right after each switch (at a go-live instant, and at a deploy's own
switch). Standard library only, like the switcher. The origin's Cache-Control already
keeps every page out of a cache past the next instant it knew of; a purge also reaches
what a deploy changed since (a correction, an instant added closer than that).

Each entry of ``NEWSROOM["cache_purge"]`` names a provider, what to purge and the
environment variables holding its credentials (kept in ``<root>/notify.env`` on the host,
like the webhook secrets; never in schedule.json):

    {"provider": "cloudflare", "zone": "ZONE_ID", "token_env": "CLOUDFLARE_PURGE_TOKEN"}
    {"provider": "fastly", "service": "SERVICE_ID", "token_env": "FASTLY_PURGE_TOKEN"}
    {"provider": "cloudfront", "distribution": "DISTRIBUTION_ID",
     "key_id_env": "AWS_ACCESS_KEY_ID", "secret_env": "AWS_SECRET_ACCESS_KEY"}

``endpoint`` (optional) sends the request to another address than the provider's API,
such as an egress proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

Log = Callable[[str], None]
API = {
    "cloudflare": "https://api.cloudflare.com",
    "fastly": "https://api.fastly.com",
    "cloudfront": "https://cloudfront.amazonaws.com",
}
CLOUDFRONT_XML = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


class MissingSecret(Exception):
    """The environment variable that should hold a credential is not set."""


def _secret(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise MissingSecret(f"the environment variable {name} is not set")
    return value


def request_for(
    entry: Mapping[str, Any], environ: Mapping[str, str], now: float
) -> urllib.request.Request:
    """The HTTP request that empties one provider's cache of the whole site."""
    provider = entry["provider"]
    base = str(entry.get("endpoint") or API[provider]).rstrip("/")
    if provider == "cloudflare":
        zone = urllib.parse.quote(entry["zone"], safe="")
        return urllib.request.Request(
            f"{base}/client/v4/zones/{zone}/purge_cache",
            data=json.dumps({"purge_everything": True}).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {_secret(environ, entry['token_env'])}",
                "Content-Type": "application/json",
            },
        )
    if provider == "fastly":
        service = urllib.parse.quote(entry["service"], safe="")
        return urllib.request.Request(
            f"{base}/service/{service}/purge_all",
            data=b"",
            method="POST",
            headers={
                "Fastly-Key": _secret(environ, entry["token_env"]),
                "Accept": "application/json",
            },
        )
    if provider == "cloudfront":
        distribution = urllib.parse.quote(entry["distribution"], safe="")
        path = f"/2020-05-31/distribution/{distribution}/invalidation"
        reference = f"masthead-{now:.3f}"
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<InvalidationBatch xmlns="{CLOUDFRONT_XML}">'
            "<Paths><Quantity>1</Quantity><Items><Path>/*</Path></Items></Paths>"
            f"<CallerReference>{reference}</CallerReference></InvalidationBatch>"
        ).encode()
        host = urllib.parse.urlsplit(base).netloc
        headers = sign_v4(
            "POST",
            host,
            path,
            body,
            _secret(environ, entry["key_id_env"]),
            _secret(environ, entry["secret_env"]),
            now,
        )
        headers["Content-Type"] = "application/xml"
        return urllib.request.Request(f"{base}{path}", data=body, method="POST", headers=headers)
    raise ValueError(f"unknown provider {provider!r}")


def sign_v4(
    method: str, host: str, path: str, body: bytes, key_id: str, secret: str, now: float
) -> dict[str, str]:
    """AWS Signature Version 4 headers for CloudFront (a global service: us-east-1)."""
    region, service = "us-east-1", "cloudfront"
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    day = stamp[:8]
    payload = hashlib.sha256(body).hexdigest()
    signed = "host;x-amz-content-sha256;x-amz-date"
    canonical = "\n".join(
        [
            method,
            path,
            "",
            f"host:{host}",
            f"x-amz-content-sha256:{payload}",
            f"x-amz-date:{stamp}",
            "",
            signed,
            payload,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Host": host,
        "X-Amz-Date": stamp,
        "X-Amz-Content-Sha256": payload,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed}, "
            f"Signature={signature}"
        ),
    }


def purge_all(
    config: list[Mapping[str, Any]],
    log: Log,
    environ: Mapping[str, str] | None = None,
    attempts: int = 3,
    timeout: float = 5,
) -> int:
    """Purge every configured cache; log each outcome; return how many succeeded.

    Never raises: the switch it follows has happened, and the next one must not wait.
    """
    environ = os.environ if environ is None else environ
    done = 0
    for entry in config:
        name = f"purge {entry.get('provider')}"
        try:
            request = request_for(entry, environ, time.time())
        except (MissingSecret, KeyError, ValueError) as err:
            log(f"{name}: not sent, {err}")
            continue
        for attempt in range(1, attempts + 1):
            try:
                with urllib.request.urlopen(request, timeout=timeout) as answer:
                    log(f"{name}: {answer.status} after {attempt} attempt(s)")
                    done += 1
                    break
            except urllib.error.HTTPError as err:
                log(f"{name}: attempt {attempt}: HTTP {err.code}")
                if err.code < 500 and err.code != 429:
                    break
            except OSError as err:
                log(f"{name}: attempt {attempt}: {err}")
            time.sleep(0.5 * attempt)
    return done
