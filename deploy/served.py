"""GitHub Pages mode: when each release was really served, kept in an append-only go-live log.

On a self-hosted server the switcher writes ``golive.jsonl`` as it switches. GitHub Pages has
no such moment of its own, so the Publish workflow measures one, in two steps:

- ``went-live`` runs in the build job, where the built site is: it compares the new
  disclosure record with the live one (the site before this deploy) and writes the releases
  this deploy makes public, each with the SHA-256 of the page the build wrote.
- ``confirm`` runs after ``actions/deploy-pages``, in a job that holds a token allowed to push
  and has nothing but ``deploy/`` on disk: it polls each page until the site answers 200 with
  exactly the bytes built and the live record lists the release with its fingerprint, then
  appends ``{"path", "instant", "served", "sha256"}`` to ``golive.jsonl`` on a branch of its
  own. The next build reads that file (``invoke build --golive-log``), so the record shows
  the scheduled instant, the served one and the delay.

The log is append-only: a line is never rewritten or removed, a release already logged is
not logged again (the first serve is the one that counts), and a push that is not a
fast-forward is refused by git, so the job fetches again and appends again. Standard library
only, like every program a token-holding job runs.

    python3 -m deploy.served went-live --previous URL/disclosures.json --since INSTANT \\
        --output output --plan served.json
    python3 -m deploy.served confirm --plan served.json --site URL --remote URL --branch NAME
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOG_FILE = "golive.jsonl"
BRANCH = "golive-log"
#: Who appends to the log: the identity GitHub shows for commits made with GITHUB_TOKEN.
COMMITTER = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
USER_AGENT = "Masthead-Served/1"
TIMEOUT = 20
# A release's address on the site: /news/2026/slug/, in the characters URLs of the site use.
_PATH = re.compile(r"/(?:[A-Za-z0-9_~%-][A-Za-z0-9._~%-]*/)+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# The plan comes from the build job, which runs the content: it is read as untrusted input.
_MAX_PLAN_BYTES = 4 * 1024 * 1024
_MAX_PAGE_BYTES = 64 * 1024 * 1024

Log = Callable[[str], None]


@dataclass(frozen=True)
class Release:
    """One release this deploy makes public: where, its instant, and what to expect there."""

    path: str
    instant: str
    sha256: str
    page_sha256: str

    def as_json(self) -> dict[str, str]:
        return {
            "path": self.path,
            "instant": self.instant,
            "sha256": self.sha256,
            "page_sha256": self.page_sha256,
        }


class ServedError(RuntimeError):
    """The log cannot be written, or the plan cannot be read; the message says which."""


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset or Z."""
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return instant.astimezone(UTC)


def stamp(instant: datetime) -> str:
    """UTC with milliseconds, as the switcher writes its log."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{instant.microsecond // 1000:03d}Z"
    )


def logged(text: str) -> list[tuple[str, datetime]]:
    """(path, served) of each line of a go-live log that reads as one; others are passed over.

    Used to decide what to append and whether to deploy again, never to show anything: the
    build reads the log with the record's own validating reader (newsroom.disclosures).
    """
    found = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            found.append((str(entry["path"]), parse_instant(str(entry["served"]))))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return found


# --- went-live: in the build job ---------------------------------------------------------


def read_record(source: str) -> dict[str, Any] | None:
    """A disclosure record from an address or a file, or None when it cannot be read."""
    try:
        if source.startswith(("http://", "https://")):
            request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                data = json.load(response)
        else:
            data = json.loads(Path(source).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("disclosures"), list):
        return None
    return data


def _entries(record: dict[str, Any], site: str = "") -> dict[str, dict[str, Any]]:
    """The record's entries by their path on the site (``/news/2026/x/``), also when the
    site lives under a path of its own (``https://example.github.io/newsroom``)."""
    prefix = urlsplit(site).path.rstrip("/")
    found = {}
    for entry in record["disclosures"]:
        if not isinstance(entry, dict):
            continue
        path = urlsplit(str(entry.get("url", ""))).path
        if prefix and path.startswith(f"{prefix}/"):
            path = path[len(prefix) :]
        found[path] = entry
    return found


def went_live(
    current: dict[str, Any],
    previous: dict[str, Any] | None,
    since: datetime | None,
    output: Path,
    site: str = "",
    log: Log = print,
) -> list[Release]:
    """The releases the new record lists, public, that the live one did not.

    Without the live record (the site could not be read), the releases whose instant is
    after the live build's; without that either, none: a release already served before
    this deploy must not be logged as first served now.
    """
    before = _entries(previous, site) if previous is not None else None
    found = []
    for path, entry in sorted(_entries(current, site).items()):
        if entry.get("withdrawn") or entry.get("served") or not _PATH.fullmatch(path):
            continue
        if before is not None and path in before:
            continue
        try:
            instant = parse_instant(str(entry["published"]["utc"]))
            if before is None and (since is None or instant <= since):
                continue
            page = (output / path.strip("/") / "index.html").read_bytes()
            sha256 = str(entry["sha256"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            # The deploy never waits on the record's bookkeeping: this one is not confirmed.
            log(f"::warning::{path}: not confirmed after the deploy ({err}).")
            continue
        found.append(
            Release(
                path=path,
                instant=instant.strftime("%Y-%m-%dT%H:%M:%SZ"),
                sha256=sha256,
                page_sha256=hashlib.sha256(page).hexdigest(),
            )
        )
    return found


# --- confirm: in the job that may push --------------------------------------------------


def read_plan(path: Path) -> list[Release]:
    """The build job's list, checked field by field: it was written where content runs."""
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(_MAX_PLAN_BYTES + 1))
        if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
            raise ValueError("no list of releases")
        releases = []
        for item in data["releases"]:
            release = Release(
                str(item["path"]),
                str(item["instant"]),
                str(item["sha256"]),
                str(item["page_sha256"]),
            )
            parse_instant(release.instant)
            if not (
                _PATH.fullmatch(release.path)
                and _SHA256.fullmatch(release.sha256)
                and _SHA256.fullmatch(release.page_sha256)
            ):
                raise ValueError(f"not a release address and two SHA-256: {item!r:.200}")
            releases.append(release)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ServedError(f"{path}: not a list of releases to confirm ({err}).") from None
    return releases


def _get(url: str) -> tuple[int, bytes]:
    """(HTTP status, body), asking caches on the way for a fresh copy; no answer is 0."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Cache-Control": "no-cache"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read(_MAX_PAGE_BYTES)
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def _fingerprints(site: str) -> dict[str, str]:
    """The live record's fingerprint of each release, by path (empty when unreadable)."""
    status, body = _get(f"{site}/disclosures.json")
    try:
        record = json.loads(body) if status == 200 else None
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("disclosures"), list):
        return {}
    return {path: str(entry.get("sha256")) for path, entry in _entries(record, site).items()}


def confirm(
    site: str,
    releases: Iterable[Release],
    timeout: float,
    interval: float,
    log: Log = print,
) -> tuple[dict[str, datetime], dict[str, str]]:
    """Poll until each release is served as built, or the time is up.

    Returns (served instant by path, why not by path). The served instant is taken when the
    answer has arrived: readers may have had the page a moment earlier, never later.
    """
    site = site.rstrip("/")
    pending = {r.path: r for r in releases}
    served: dict[str, datetime] = {}
    why: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while pending:
        fingerprints = _fingerprints(site)
        for path, release in list(pending.items()):
            status, body = _get(f"{site}{path}")
            now = datetime.now(UTC)
            if status != 200:
                why[path] = f"the page answers HTTP {status or 'nothing'}"
            elif hashlib.sha256(body).hexdigest() != release.page_sha256:
                why[path] = "the page is not the one this deploy built"
            elif fingerprints.get(path) != release.sha256:
                why[path] = "the live record does not list it with its fingerprint"
            else:
                served[path] = now
                why.pop(path, None)
                del pending[path]
                log(f"Served: {path} at {stamp(now)}.")
        if not pending or time.monotonic() + interval > deadline:
            break
        time.sleep(interval)
    return served, {path: why[path] for path in pending}


def _git(folder: Path, *args: str, env: dict[str, str], data: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(folder), *args],
        input=data,
        capture_output=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise ServedError(f"git {args[0]}: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def git_env(remote: str, token: str | None) -> dict[str, str]:
    """Git's environment: no prompt, no user config, and the token as an HTTP header.

    The token reaches git through its environment only (never a command line, which other
    processes can read, nor a file), as actions/checkout passes it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    name, email = COMMITTER
    env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email)
    env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    if token and remote.startswith("https://"):
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0=f"http.{remote}.extraheader",
            GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {basic}",
        )
    return env


def append(
    remote: str,
    branch: str,
    lines: dict[str, str],
    token: str | None = None,
    attempts: int = 5,
    log: Log = print,
) -> list[str]:
    """Append the lines of paths the log does not hold yet to ``branch`` of ``remote``.

    ``lines`` is one JSON line per path. Works in a bare repository, so nothing of the
    branch is ever checked out onto disk. Returns the paths appended. The branch is made
    (with no history of its own) on the first call, so that builds can read it from then on.
    """
    env = git_env(remote, token)
    with tempfile.TemporaryDirectory(prefix="masthead-golive-") as scratch:
        folder = Path(scratch)
        _git(folder, "init", "-q", "--bare", env=env)
        for _ in range(attempts):
            listed = _git(folder, "ls-remote", remote, f"refs/heads/{branch}", env=env)
            parent: str | None = None
            text, entries = b"", list[bytes]()
            if listed.strip():
                ref = f"refs/heads/{branch}"
                _git(folder, "fetch", "-q", "--depth", "1", "--no-tags", remote, ref, env=env)
                parent = _git(folder, "rev-parse", "FETCH_HEAD", env=env).decode().strip()
                text, entries = _tip(folder, parent, env)
            already = {path for path, _ in logged(text.decode("utf-8", "replace"))}
            new = {path: line for path, line in lines.items() if path not in already}
            if not new and parent:
                return []
            if text and not text.endswith(b"\n"):
                text += b"\n"  # a torn last line stays as it is, alone on its line
            text += "".join(f"{line}\n" for line in new.values()).encode()
            blob = _git(folder, "hash-object", "-w", "--stdin", env=env, data=text)
            entries.append(b"100644 blob " + blob.strip() + b"\t" + LOG_FILE.encode())
            tree = _git(folder, "mktree", "-z", env=env, data=b"".join(e + b"\0" for e in entries))
            message = "Served: " + ", ".join(new) if new else "Start the go-live log"
            commit = _git(
                folder,
                "commit-tree",
                tree.decode().strip(),
                *(["-p", parent] if parent else []),
                "-m",
                message,
                env=env,
            )
            target = f"{commit.decode().strip()}:refs/heads/{branch}"
            try:
                _git(folder, "push", "-q", remote, target, env=env)
            except ServedError as err:
                log(f"The log moved on while appending, trying again ({err}).")
                continue
            return list(new)
    raise ServedError(f"Could not append to {LOG_FILE} on {branch} in {attempts} attempts.")


def _tip(folder: Path, commit: str, env: dict[str, str]) -> tuple[bytes, list[bytes]]:
    """The log's bytes at ``commit``, and the tree's other entries (kept as they are)."""
    listing = _git(folder, "ls-tree", "-z", commit, env=env)
    text, others = b"", []
    for entry in filter(None, listing.split(b"\0")):
        info, name = entry.split(b"\t", 1)
        mode, kind, sha = info.split()
        if name != LOG_FILE.encode():
            others.append(entry)
        elif kind == b"blob" and mode in (b"100644", b"100755"):
            text = _git(folder, "cat-file", "blob", sha.decode(), env=env)
    return text, others


def line(release: Release, served: datetime) -> str:
    """One line of the go-live log, in the switcher's form plus the fingerprint confirmed."""
    return json.dumps(
        {
            "path": release.path,
            "instant": release.instant,
            "served": stamp(served),
            "sha256": release.sha256,
        }
    )


def summary(releases: list[Release], served: dict[str, datetime], why: dict[str, str]) -> str:
    """The job summary: each release, its instant, when it was served and how late."""
    if not releases:
        return "No release went live with this deploy."
    rows = ["### Served on GitHub Pages", "", "| Release | Instant | Served | Late by |"]
    rows.append("| --- | --- | --- | --- |")
    for release in releases:
        instant = parse_instant(release.instant)
        when = served.get(release.path)
        if when is None:
            rows.append(
                f"| {release.path} | {release.instant} | not served: {why[release.path]} | |"
            )
            continue
        late = max(0, int((when - instant).total_seconds()))
        rows.append(
            f"| {release.path} | {release.instant} | {stamp(when)} | "
            f"{late // 60} min {late % 60:02d} s |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("went-live", help="which releases this deploy makes public")
    plan.add_argument("--site", default="", help="the site's address")
    plan.add_argument("--previous", required=True, help="the live disclosures.json, before")
    plan.add_argument("--since", default="", help="the live build's instant (when unreadable)")
    plan.add_argument("--output", type=Path, default=Path("output"), help="the built site")
    plan.add_argument("--plan", type=Path, required=True, help="where to write the list")
    check = commands.add_parser("confirm", help="wait until each is served; log when")
    check.add_argument("--plan", type=Path, required=True)
    check.add_argument("--site", required=True, help="the site's address")
    check.add_argument("--remote", required=True, help="the repository that keeps the log")
    check.add_argument("--branch", default=BRANCH)
    check.add_argument("--timeout", type=float, default=600, metavar="SECONDS")
    check.add_argument("--interval", type=float, default=2, metavar="SECONDS")
    args = parser.parse_args(argv)

    if args.command == "went-live":
        current = read_record(str(args.output / "disclosures.json"))
        if current is None:
            print(f"::error::{args.output}/disclosures.json is not a disclosure record.")
            return 1
        previous = read_record(args.previous)
        if previous is None:
            print(f"The live record {args.previous} cannot be read: going by instants alone.")
        since = parse_instant(args.since) if args.since else None
        releases = went_live(current, previous, since, args.output, args.site)
        data = {"releases": [r.as_json() for r in releases]}
        args.plan.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.plan}: {len(releases)} release(s) go live with this deploy.")
        return 0

    try:
        releases = read_plan(args.plan)
        served, why = confirm(args.site, releases, args.timeout, args.interval)
        lines = {r.path: line(r, served[r.path]) for r in releases if r.path in served}
        appended = append(args.remote, args.branch, lines, os.environ.get("GITHUB_TOKEN"))
    except ServedError as err:
        print(f"::error::{err}")
        return 1
    print(f"Appended {len(appended)} line(s) to {LOG_FILE} on {args.branch}.")
    text = summary(releases, served, why)
    print(text)
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    for path, reason in why.items():
        print(f"::error::{path} was not served as built within {args.timeout:.0f} s: {reason}.")
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main())
