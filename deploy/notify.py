"""After a go-live: ping the WebSub hub and call the webhooks, without ever failing publication.

This module runs on the build machine and on the web host alike, so it uses the standard
library only. It is called once the site has switched: a receiver that is down, slow or
wrong is retried and logged, but it can neither block nor undo what is already public, so
``after_go_live`` never raises. Every endpoint is called at once, in its own thread, so no
receiver hears of a disclosure systematically before another (Reg FD).

For receivers, ``verify_signature`` is the reference check. Every webhook request carries
``X-Masthead-Delivery`` (an id, the same on every retry), ``X-Masthead-Timestamp`` (Unix
seconds when this attempt was sent) and ``X-Masthead-Signature-256: sha256=<hex>``, the
HMAC-SHA256, with the secret you share with the newsroom, of ``<delivery>.<timestamp>.``
followed by the exact body bytes. Signing the id and the time with the body is what lets a
receiver refuse a replay: an old request sent again under a fresh id, or late, fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

EVENT = "newsroom.go_live"
SIGNATURE_HEADER = "X-Masthead-Signature-256"
DELIVERY_HEADER = "X-Masthead-Delivery"
EVENT_HEADER = "X-Masthead-Event"
TIMESTAMP_HEADER = "X-Masthead-Timestamp"
#: How old (or how far ahead, for clocks that differ) a signed request may be, in seconds.
TOLERANCE = 300.0
_DELIVERY = re.compile(r"[0-9A-Za-z-]{1,64}")  # no ".": the signed text splits unambiguously
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
USER_AGENT = "Masthead-Notify/1"
# A receiver's answer is not used; reading a little of it lets the connection close cleanly.
_ANSWER_BYTES = 64 * 1024
# What a feed index may hold: site paths made of the characters feed names use, and hashes.
_FEED_PATH = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
_SHA256 = re.compile(r"[0-9a-f]{64}")

Log = Callable[[str], None]


def verify_signature(
    body: bytes,
    headers: Mapping[str, str],
    secrets: str | Sequence[str],
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE,
) -> bool:
    """Whether a request's headers sign its ``body``, its delivery id and its timestamp with
    one of ``secrets``, sent less than ``tolerance`` seconds from ``now``.

    The reference for receivers. ``headers`` are the request's (names in any case);
    ``secrets`` is the shared secret, or two while one replaces the other (docs/operations.md).
    Check over the raw bytes, before parsing them; then drop a delivery id already seen.
    An empty secret is a mistake, never a match: it raises ``ValueError``.
    """
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    if not keys or not all(isinstance(k, str) and k.strip() for k in keys):
        raise ValueError("verify_signature needs the shared secret (two while rotating), not ''")
    named = {str(k).lower(): v for k, v in headers.items()}
    got, delivery, stamp = (
        named.get(h.lower()) for h in (SIGNATURE_HEADER, DELIVERY_HEADER, TIMESTAMP_HEADER)
    )
    if not (isinstance(got, str) and got.isascii() and got.startswith("sha256=")):
        return False
    if not (isinstance(delivery, str) and _DELIVERY.fullmatch(delivery)):
        return False
    if not (isinstance(stamp, str) and _TIMESTAMP.fullmatch(stamp)):
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        return False
    # Every secret is tried, so the time taken says nothing about which one matched.
    matches = [hmac.compare_digest(signature(body, k, delivery, stamp), got) for k in keys]
    return any(matches)


def signature(body: bytes, secret: str, delivery: str, timestamp: str) -> str:
    """The X-Masthead-Signature-256 value: ``delivery`` and ``timestamp`` signed with ``body``."""
    if not secret.strip():
        raise ValueError("a webhook is never signed with an empty secret")
    signed = f"{delivery}.{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Policy:
    """How hard to try: ``attempts`` in all (the first included), doubling waits between."""

    attempts: int = 4
    backoff: float = 1.0
    timeout: float = 5.0

    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1, 2, 4, ... x backoff)."""
        return self.backoff * 2 ** (attempt - 1)

    @property
    def longest(self) -> float:
        """How long to wait for one delivery at most: name lookups and answers that trickle
        in are not bounded by the socket timeout, so the caller stops waiting after this."""
        waits = sum(self.wait(n) for n in range(1, self.attempts))
        return self.attempts * (self.timeout + 1.0) + waits


@dataclass(frozen=True)
class Delivery:
    """One POST to make, possibly several times; ``label`` names it in the log. With a
    ``secret``, each attempt is signed afresh with its own timestamp."""

    label: str
    url: str
    body: bytes
    headers: dict[str, str]
    secret: str = field(default="", repr=False)

    def headers_at(self, now: float) -> dict[str, str]:
        """The headers of an attempt sent at ``now``."""
        if not self.secret:
            return self.headers
        stamp = str(int(now))
        sign = signature(self.body, self.secret, self.headers[DELIVERY_HEADER], stamp)
        return {**self.headers, TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign}


def after_go_live(changes: list[dict[str, Any]], config: dict[str, Any], log: Log) -> None:
    """Tell the hub and every webhook what just went live; log each attempt; never raise."""
    say = _safe(log)
    try:
        _notify(changes, config, say)
    except Exception as err:  # publication has happened: report, never raise
        say(f"notify: stopped by an unexpected error ({type(err).__name__}: {err})")


def _notify(changes: list[dict[str, Any]], config: dict[str, Any], log: Log) -> None:
    if not isinstance(config, dict):
        log("notify: the configuration is not a dict; nothing sent")
        return
    policy = _policy(config, log)
    if not config.get("websub_hub") and not config.get("webhooks"):
        log("notify: no WebSub hub and no webhooks are configured; nothing sent")
        return
    # The hub hears of every feed that changed, a correction included; webhooks hear of
    # what went live.
    deliveries = _websub(config, log)
    if changes:
        deliveries += _webhooks(changes, config, log)
    elif config.get("webhooks"):
        log("webhooks: nothing went live; none called")
    if not deliveries:
        return
    results = [False] * len(deliveries)

    def run(index: int) -> None:
        results[index] = deliver(deliveries[index], policy, log)

    threads = [
        # Daemon threads: a receiver that never answers must not keep the process alive.
        threading.Thread(target=run, args=(i,), name=f"notify {d.label}", daemon=True)
        for i, d in enumerate(deliveries)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + policy.longest
    for thread, delivery in zip(threads, deliveries, strict=True):
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log(f"{delivery.label}: no outcome after {policy.longest:g} s; not waiting longer")
    done = sum(results)
    log(f"notify: {done} of {len(deliveries)} deliveries succeeded")


def feed_digests(index: object) -> dict[str, str] | None:
    """The ``{path: sha256}`` of a build's feed index (``newsroom.feeds.INDEX``), or None
    when ``index`` is not one: a path must stay inside the site, a digest be SHA-256 hex."""
    feeds = index.get("feeds") if isinstance(index, dict) else None
    if not isinstance(feeds, dict):
        return None
    for path, digest in feeds.items():
        if not (isinstance(path, str) and _FEED_PATH.fullmatch(path)):
            return None
        if {".", ".."} & set(path.split("/")):
            return None
        if not (isinstance(digest, str) and _SHA256.fullmatch(digest)):
            return None
    return dict(feeds)


def changed_feeds(before: object, after: object, site_url: str) -> list[str]:
    """The full addresses of the feeds in ``after`` that are new or whose bytes differ from
    ``before``; every feed in ``after`` when ``before`` is unknown (a first deploy, an
    unreadable live index): a needless ping costs the hub one fetch, a missing one leaves
    subscribers behind. A feed that is gone is not announced: there is nothing to fetch."""
    now, then = feed_digests(after), feed_digests(before)
    if now is None:
        return []
    base = site_url.rstrip("/")
    return [f"{base}/{path}" for path in sorted(now) if then is None or then.get(path) != now[path]]


def _websub(config: dict[str, Any], log: Log) -> list[Delivery]:
    """WebSub 'publish' pings: one form-encoded POST per changed feed, so the hub refetches it.

    ``feeds_before`` and ``feeds_after`` are the feed indexes of the site shown until now and
    of the site shown from now on; ``site_url`` turns their paths into addresses.
    """
    hub = config.get("websub_hub")
    if not hub:
        return []
    if not _is_web_address(hub):
        log("websub: 'websub_hub' is not an http:// or https:// address; no ping sent")
        return []
    site_url = config.get("site_url")
    if not _is_web_address(site_url):
        log("websub: 'site_url' is not an http:// or https:// address; no ping sent")
        return []
    if feed_digests(config.get("feeds_after")) is None:
        log(f"websub {shown(hub)}: the new site's feed index is missing or unusable; no ping sent")
        return []
    if feed_digests(config.get("feeds_before")) is None:
        log(f"websub {shown(hub)}: the previous feed index is unknown; announcing every feed")
    feeds = changed_feeds(config.get("feeds_before"), config.get("feeds_after"), site_url)
    if not feeds:
        log(f"websub {shown(hub)}: no feed changed; no ping sent")
    return [
        Delivery(
            f"websub {shown(hub)} for {feed}",
            hub,
            urlencode({"hub.mode": "publish", "hub.url": feed}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
        )
        for feed in feeds
    ]


def _webhooks(changes: list[dict[str, Any]], config: dict[str, Any], log: Log) -> list[Delivery]:
    """One signed JSON POST per webhook; a webhook without its secret is never called."""
    hooks = config.get("webhooks") or []
    if not isinstance(hooks, list):
        log("webhooks: 'webhooks' is not a list; none called")
        return []
    if not hooks:
        return []
    try:
        body = json.dumps(
            {"event": EVENT, "changes": changes, "sent_at": _now()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    except (TypeError, ValueError) as err:
        log(f"webhooks: the changes cannot be written as JSON ({err}); none called")
        return []
    deliveries = []
    urls = [h.get("url") for h in hooks if isinstance(h, dict)]
    origins = [shown(u) for u in urls if _is_web_address(u)]
    for number, hook in enumerate(hooks, start=1):
        url = hook.get("url") if isinstance(hook, dict) else None
        env = hook.get("secret_env") if isinstance(hook, dict) else None
        if not isinstance(url, str) or not _is_web_address(url) or not isinstance(env, str):
            log(f"webhook {number}: needs an http(s) 'url' and a 'secret_env'; not called")
            continue
        # Logs show only the origin; two webhooks on one origin are told apart by number.
        name = f"#{number} {shown(url)}" if origins.count(shown(url)) > 1 else shown(url)
        secret = os.environ.get(env, "") if env else ""
        if not secret.strip():
            log(
                f"webhook {name}: the environment variable {env} holding its secret "
                "is not set or empty; not called (a webhook is never sent unsigned)"
            )
            continue
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: EVENT,
            # One id per delivery, the same on every retry, so a receiver can drop repeats.
            DELIVERY_HEADER: str(uuid.uuid4()),
        }
        deliveries.append(Delivery(f"webhook {name}", url, body, headers, secret))
    return deliveries


def deliver(delivery: Delivery, policy: Policy, log: Log) -> bool:
    """POST until it is accepted, refused, or out of attempts; one log line per attempt."""
    for attempt in range(1, policy.attempts + 1):
        started = time.monotonic()
        status, problem = _post(delivery, policy.timeout)
        said = f"{delivery.label} attempt {attempt}/{policy.attempts}:"
        if status is not None and 200 <= status < 300:
            ms = round((time.monotonic() - started) * 1000)
            log(f"{said} delivered ({status}) in {ms} ms")
            return True
        outcome = problem or str(status)
        if status is not None and not (status == 429 or status >= 500):
            why = "the address redirects; configure the final one" if status < 400 else ""
            log(f"{said} {outcome}, not retried{f' ({why})' if why else ''}")
            return False
        if attempt == policy.attempts:
            log(f"{said} {outcome}, giving up")
            return False
        wait = policy.wait(attempt)
        log(f"{said} {outcome}, retrying in {round(wait, 3)} s")
        time.sleep(wait)
    return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would be resent as a GET without its body: report it instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post(delivery: Delivery, timeout: float) -> tuple[int | None, str | None]:
    """(HTTP status, None), or (None, what went wrong) when no answer came."""
    headers = delivery.headers_at(time.time())
    request = urllib.request.Request(
        delivery.url, data=delivery.body, headers=headers, method="POST"
    )
    # Built per request: it reads the proxy settings of the environment at that moment.
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(_ANSWER_BYTES)
            return response.status, None
    except urllib.error.HTTPError as err:
        err.close()
        return err.code, None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            return None, f"no answer within {timeout:g} s"
        return None, f"connection failed ({_reason(err.reason)})"
    except TimeoutError:
        return None, f"no answer within {timeout:g} s"
    except (OSError, http.client.HTTPException) as err:
        return None, f"connection failed ({_reason(err)})"


def _reason(err: object) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


def _policy(config: dict[str, Any], log: Log) -> Policy:
    """The retry policy from the config; a bad value falls back to its default, logged."""
    default = Policy()
    values: dict[str, Any] = {}
    # Bounded above too: a typo such as 'retries': 400 must not keep announcements busy for days.
    for key, name, kind, low, high in (
        ("retries", "attempts", int, 1, 10),
        ("backoff_seconds", "backoff", float, 0, 60),
        ("timeout_seconds", "timeout", float, 0.001, 120),
    ):
        value = config.get(key, getattr(default, name))
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not low <= value <= high or (kind is int and not isinstance(value, int)):
            log(f"notify: {key} {value!r} is not usable; using {getattr(default, name)}")
            continue
        values[name] = kind(value)
    return Policy(**values)


def _is_web_address(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def shown(url: str) -> str:
    """The address as logs show it: scheme and host only, for paths and queries often hold
    tokens, and deploy logs (GitHub Actions on a public fork) may be public."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port out of range: the request will fail and say so
        port = ""
    rest = "/…" if parts.path not in ("", "/") or parts.query else "/"
    return f"{parts.scheme}://{host}{port}{rest}"


def _now() -> str:
    # The one clock reading: when the message left, for receivers; never part of a build.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _safe(log: Log) -> Log:
    """A log that cannot fail either, with whole lines even when threads log at once."""
    lock = threading.Lock()

    def say(line: str) -> None:
        # A broken logger must not stop delivery.
        with lock, contextlib.suppress(Exception):
            log(line)

    return say


def main(argv: Sequence[str]) -> int:
    """``python3 -m deploy.notify FILE``: send what ``invoke announce --plan FILE`` wrote.

    The Pages workflow works out what to announce where the content is, and sends it from a
    job that holds the webhook secrets but neither the content nor any installed package.
    """
    if len(argv) != 1:
        print("usage: python3 -m deploy.notify ANNOUNCEMENT.json", file=sys.stderr)
        return 2
    try:
        plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        changes, config = plan["changes"], plan["config"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"notify: cannot read {argv[0]}: {err}", file=sys.stderr)
        return 1
    after_go_live(changes, config, print)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
