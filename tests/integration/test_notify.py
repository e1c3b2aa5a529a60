"""Go-live notifications against a real HTTP receiver on 127.0.0.1: signed, retried, never fatal."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qs

import pytest

from deploy.notify import after_go_live, changed_feeds, signature, verify_signature
from deploy.snapshots import notify_config
from newsroom.settings import SettingsError, Webhook, from_pelican
from support import ROOT

SECRET = "s3cret-for-tests"
CHANGES = [
    {
        "kind": "release",
        "title": "Aldercrest opens grid software lab in Hamburg",
        "url": "https://news.example.com/news/2026/hamburg-lab/",
        "path": "/news/2026/hamburg-lab/",
        "instant": "2026-12-03T06:00:00Z",
        "local_time": "2026-12-03T07:00:00+01:00",
    }
]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """Records every POST; answers with the statuses in ``plan`` first, then 200."""

    url: str
    plan: list[int | str] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.requests.append(
                    Received(self.path, dict(self.headers), body, time.monotonic())
                )
                action = state.plan.pop(0) if state.plan else 200
            if action == "hang":
                state.release.wait(5)  # longer than the client's timeout
                return
            self.send_response(int(action))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def config(receiver: Receiver, **extra: Any) -> dict[str, Any]:
    return {
        "websub_hub": None,
        "site_url": "https://news.example.com",
        "webhooks": [{"url": f"{receiver.url}/hook", "secret_env": "TEST_HOOK_SECRET"}],
        "retries": 4,
        "backoff_seconds": 0.05,
        "timeout_seconds": 2,
        **extra,
    }


def run(changes: list[dict[str, Any]], cfg: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    after_go_live(changes, cfg, lines.append)
    return lines


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_HOOK_SECRET", SECRET)


def test_a_webhook_gets_the_signed_payload(receiver: Receiver) -> None:
    lines = run(CHANGES, config(receiver))
    [hit] = receiver.to("/hook")
    assert verify_signature(hit.body, hit.headers, SECRET)
    assert verify_signature(hit.body, {k.lower(): v for k, v in hit.headers.items()}, SECRET)
    assert not verify_signature(hit.body, hit.headers, "wrong")
    assert not verify_signature(hit.body + b" ", hit.headers, SECRET)
    bad = {**hit.headers, "X-Masthead-Signature-256": "md5=abc"}
    assert not verify_signature(hit.body, bad, SECRET)
    assert abs(int(hit.headers["X-Masthead-Timestamp"]) - time.time()) < 60
    assert hit.headers["Content-Type"] == "application/json"
    assert len(hit.headers["X-Masthead-Delivery"]) == 36
    payload = json.loads(hit.body)
    assert payload["event"] == "newsroom.go_live"
    assert payload["changes"] == CHANGES
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload["sent_at"])
    port = receiver.url.rsplit(":", 1)[1]
    assert lines[0].startswith(
        f"webhook http://127.0.0.1:{port}/… attempt 1/4: delivered (200) in "
    )
    assert lines[0].endswith(" ms")
    assert lines[-1] == "notify: 1 of 1 deliveries succeeded"


def test_failures_are_retried_with_doubling_waits(receiver: Receiver) -> None:
    receiver.plan = [503, 429, 502]
    lines = run(CHANGES, config(receiver))
    hits = receiver.to("/hook")
    assert len(hits) == 4
    gaps = [b.at - a.at for a, b in pairwise(hits)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2
    # The same delivery id and the same signed bytes on every attempt.
    assert len({h.headers["X-Masthead-Delivery"] for h in hits}) == 1
    assert len({h.body for h in hits}) == 1
    assert [line.split(": ", 1)[1] for line in lines[:3]] == [
        "503, retrying in 0.05 s",
        "429, retrying in 0.1 s",
        "502, retrying in 0.2 s",
    ]
    assert "attempt 4/4: delivered (200)" in lines[3]


def test_each_webhook_has_its_own_secret_and_delivery(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTHER_HOOK_SECRET", "another-secret")
    hooks = [
        {"url": f"{receiver.url}/hook", "secret_env": "TEST_HOOK_SECRET"},
        {"url": f"{receiver.url}/other", "secret_env": "OTHER_HOOK_SECRET"},
    ]
    lines = run(CHANGES, config(receiver, webhooks=hooks))
    [first], [second] = receiver.to("/hook"), receiver.to("/other")
    assert verify_signature(first.body, first.headers, SECRET)
    assert verify_signature(second.body, second.headers, "another-secret")
    assert not verify_signature(second.body, second.headers, SECRET)
    assert first.headers["X-Masthead-Delivery"] != second.headers["X-Masthead-Delivery"]
    # Both are on one origin, and logs show only the origin: the entry number tells them apart.
    assert sorted(line.split(" attempt")[0] for line in lines[:2]) == [
        f"webhook #1 {receiver.url}/…",
        f"webhook #2 {receiver.url}/…",
    ]


def test_a_refusal_is_not_retried(receiver: Receiver) -> None:
    receiver.plan = [400]
    lines = run(CHANGES, config(receiver))
    assert len(receiver.to("/hook")) == 1
    assert lines[0].endswith("attempt 1/4: 400, not retried")
    assert lines[-1] == "notify: 0 of 1 deliveries succeeded"


def test_a_receiver_that_keeps_failing_is_given_up(receiver: Receiver) -> None:
    receiver.plan = [500, 500]
    lines = run(CHANGES, config(receiver, retries=2))
    assert len(receiver.to("/hook")) == 2
    assert lines[1].endswith("attempt 2/2: 500, giving up")


def test_a_receiver_that_hangs_times_out_and_is_retried(receiver: Receiver) -> None:
    receiver.plan = ["hang"]
    started = time.monotonic()
    lines = run(CHANGES, config(receiver, timeout_seconds=0.3))
    assert time.monotonic() - started < 2
    assert lines[0].endswith("attempt 1/4: no answer within 0.3 s, retrying in 0.05 s")
    assert "attempt 2/4: delivered (200)" in lines[1]


def test_a_dead_address_is_logged_not_raised() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cfg = {
        "webhooks": [{"url": f"http://127.0.0.1:{port}/hook", "secret_env": "TEST_HOOK_SECRET"}],
        "retries": 3,
        "backoff_seconds": 0.01,
        "timeout_seconds": 1,
    }
    lines = run(CHANGES, cfg)
    assert lines[0].endswith(
        "attempt 1/3: connection failed (Connection refused), retrying in 0.01 s"
    )
    assert lines[2].endswith("attempt 3/3: connection failed (Connection refused), giving up")


def test_a_missing_secret_skips_the_webhook(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_HOOK_SECRET")
    lines = run(CHANGES, config(receiver))
    assert receiver.requests == []
    assert lines == [
        f"webhook {receiver.url}/…: the environment variable TEST_HOOK_SECRET holding its "
        "secret is not set or empty; not called (a webhook is never sent unsigned)"
    ]


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_an_empty_secret_skips_the_webhook(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("TEST_HOOK_SECRET", value)
    lines = run(CHANGES, config(receiver))
    assert receiver.requests == []
    assert "secret is not set or empty; not called" in lines[0]


def signed(receiver: Receiver) -> Received:
    run(CHANGES, config(receiver))
    [hit] = receiver.to("/hook")
    return hit


def test_a_replay_under_a_fresh_delivery_id_is_refused(receiver: Receiver) -> None:
    hit = signed(receiver)
    replay = {**hit.headers, "X-Masthead-Delivery": str(uuid.uuid4())}
    assert not verify_signature(hit.body, replay, SECRET)
    # Nor can the id move into the timestamp or the body to keep the signed text the same.
    delivery, stamp = hit.headers["X-Masthead-Delivery"], hit.headers["X-Masthead-Timestamp"]
    moved = {
        **hit.headers,
        "X-Masthead-Delivery": f"{delivery}.{stamp}",
        "X-Masthead-Timestamp": "",
    }
    assert not verify_signature(hit.body, moved, SECRET)
    shifted = {**hit.headers, "X-Masthead-Delivery": delivery[:-1]}
    assert not verify_signature(delivery[-1].encode() + hit.body, shifted, SECRET)


def test_a_late_or_early_request_is_refused(receiver: Receiver) -> None:
    hit = signed(receiver)
    sent = int(hit.headers["X-Masthead-Timestamp"])
    assert verify_signature(hit.body, hit.headers, SECRET, now=sent + 299)
    assert not verify_signature(hit.body, hit.headers, SECRET, now=sent + 301)
    assert not verify_signature(hit.body, hit.headers, SECRET, now=sent - 301)
    assert verify_signature(hit.body, hit.headers, SECRET, now=sent + 3000, tolerance=3600)
    for stamp in (str(sent + 1), "", "+" + str(sent), f"{sent}.0", "١٢٣"):
        changed = {**hit.headers, "X-Masthead-Timestamp": stamp}
        assert not verify_signature(hit.body, changed, SECRET, now=sent)
    missing = {k: v for k, v in hit.headers.items() if k != "X-Masthead-Timestamp"}
    assert not verify_signature(hit.body, missing, SECRET, now=sent)


def test_each_retry_is_signed_with_its_own_time(receiver: Receiver) -> None:
    receiver.plan = [503]
    run(CHANGES, config(receiver, backoff_seconds=1.1))
    first, second = receiver.to("/hook")
    assert first.headers["X-Masthead-Delivery"] == second.headers["X-Masthead-Delivery"]
    assert first.body == second.body
    assert first.headers["X-Masthead-Timestamp"] != second.headers["X-Masthead-Timestamp"]
    assert verify_signature(first.body, first.headers, SECRET)
    assert verify_signature(second.body, second.headers, SECRET)


def test_two_secrets_are_accepted_while_one_replaces_the_other(receiver: Receiver) -> None:
    hit = signed(receiver)
    assert verify_signature(hit.body, hit.headers, [SECRET, "the-next-secret"])
    assert verify_signature(hit.body, hit.headers, ("the-previous-secret", SECRET))
    assert not verify_signature(hit.body, hit.headers, ["the-previous", "the-next"])


@pytest.mark.parametrize("secrets", ["", "  ", [], [""], [SECRET, ""], (SECRET, None)])
def test_an_empty_secret_never_verifies(receiver: Receiver, secrets: Any) -> None:
    hit = signed(receiver)
    with pytest.raises(ValueError, match="needs the shared secret"):
        verify_signature(hit.body, hit.headers, secrets)
    with pytest.raises(ValueError, match="never signed with an empty secret"):
        signature(hit.body, "", hit.headers["X-Masthead-Delivery"], "1")


def index(**digests: str) -> dict[str, dict[str, str]]:
    """A feed index like the build's: ``all_atom="a"`` is ``feeds/all.atom.xml``, "a" * 64."""
    return {
        "feeds": {
            f"feeds/{name.replace('_', '.', 1)}.xml": (d * 64)[:64] for name, d in digests.items()
        }
    }


def test_websub_pings_the_hub_once_per_changed_feed(receiver: Receiver) -> None:
    before = index(all_atom="a", all_rss="b", gone_atom="c")
    after = index(all_atom="a", all_rss="d", new_atom="e")
    cfg = config(
        receiver,
        websub_hub=f"{receiver.url}/hub",
        feeds_before=before,
        feeds_after=after,
        webhooks=[],
    )
    lines = run(CHANGES, cfg)
    feeds = [
        "https://news.example.com/feeds/all.rss.xml",
        "https://news.example.com/feeds/new.atom.xml",
    ]
    hits = receiver.to("/hub")
    assert sorted(h.body for h in hits) == [
        b"hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.com%2Ffeeds%2Fall.rss.xml",
        b"hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.com%2Ffeeds%2Fnew.atom.xml",
    ]
    assert sorted(parse_qs(h.body.decode())["hub.url"][0] for h in hits) == feeds
    assert {h.headers["Content-Type"] for h in hits} == {"application/x-www-form-urlencoded"}
    assert sorted(line.split(" attempt")[0] for line in lines[:2]) == [
        f"websub {receiver.url}/… for {feed}" for feed in feeds
    ]
    assert lines[-1] == "notify: 2 of 2 deliveries succeeded"


def test_a_correction_pings_the_hub_though_nothing_went_live(receiver: Receiver) -> None:
    cfg = config(
        receiver,
        websub_hub=f"{receiver.url}/hub",
        feeds_before=index(all_atom="a"),
        feeds_after=index(all_atom="b"),
    )
    lines = run([], cfg)
    assert len(receiver.to("/hub")) == 1 and receiver.to("/hook") == []
    assert "webhooks: nothing went live; none called" in lines


@pytest.mark.parametrize(
    "after",
    [
        None,
        {"feeds": {"../secrets.xml": "a" * 64}},
        {"feeds": {"feeds/./all.atom.xml": "a" * 64}},
        {"feeds": {"feeds//all.atom.xml": "a" * 64}},
        {"feeds": {"/etc/passwd": "a" * 64}},
        {"feeds": {"https://evil.example/feed": "a" * 64}},
        {"feeds": {"feeds/all.atom.xml": "not a hash"}},
        {"feeds": {"feeds/all.atom.xml?x=1": "a" * 64}},
        {"feeds": ["feeds/all.atom.xml"]},
        [],
    ],
)
def test_an_unusable_feed_index_announces_nothing(after: object) -> None:
    assert changed_feeds(None, after, "https://news.example.com") == []


def test_an_unknown_previous_index_announces_every_feed() -> None:
    after = index(all_atom="a", all_rss="b")
    expected = [
        "https://news.example.com/feeds/all.atom.xml",
        "https://news.example.com/feeds/all.rss.xml",
    ]
    for before in (None, {}, {"feeds": {"../x": "a" * 64}}, "garbage"):
        assert changed_feeds(before, after, "https://news.example.com/") == expected


def test_hub_and_webhooks_are_called_at_the_same_time(receiver: Receiver) -> None:
    # Every endpoint has its own thread: a slow one delays nobody else (Reg FD).
    receiver.plan = ["hang"]
    cfg = config(
        receiver,
        websub_hub=f"{receiver.url}/hub",
        feeds_after=index(all_atom="a"),
        timeout_seconds=0.5,
        retries=1,
    )
    lines = run(CHANGES, cfg)
    assert len(receiver.requests) == 2
    assert abs(receiver.requests[0].at - receiver.requests[1].at) < 0.3
    assert lines[-1] == "notify: 1 of 2 deliveries succeeded"


@pytest.mark.parametrize(
    "cfg",
    [
        None,
        {"webhooks": "https://example.com"},
        {"webhooks": [{"url": "ftp://example.com", "secret_env": "X"}, 7]},
        {"websub_hub": "hub", "feeds_after": "https://example.com/feed"},
        {"websub_hub": "https://hub.example.com/", "site_url": None, "feeds_after": {}},
        {"retries": 3, "webhooks": []},
    ],
)
def test_a_broken_configuration_never_raises(cfg: Any) -> None:
    lines = run(CHANGES, cfg)
    assert lines  # each problem is said, in words


def test_unusable_retry_settings_fall_back_to_the_defaults(receiver: Receiver) -> None:
    cfg = config(receiver, retries=400, backoff_seconds=-1, timeout_seconds="5")
    lines = run(CHANGES, cfg)
    assert lines[:3] == [
        "notify: retries 400 is not usable; using 4",
        "notify: backoff_seconds -1 is not usable; using 1.0",
        "notify: timeout_seconds '5' is not usable; using 5.0",
    ]
    assert lines[-1] == "notify: 1 of 1 deliveries succeeded"


def test_changes_that_are_not_json_are_said_not_raised(receiver: Receiver) -> None:
    lines = run([{"instant": object()}], config(receiver))
    assert receiver.requests == []
    assert lines == [
        "webhooks: the changes cannot be written as JSON (Object of type object is not JSON "
        "serializable); none called"
    ]


def test_a_broken_logger_never_raises(receiver: Receiver) -> None:
    def log(line: str) -> None:
        raise OSError("disk full")

    after_go_live(CHANGES, config(receiver), log)
    assert len(receiver.to("/hook")) == 1


def test_settings_name_webhooks_and_their_secret_variables() -> None:
    hooks = [{"url": "https://ir.example.com/hooks", "secret_env": "NEWS_HOOK_SECRET"}]
    settings = from_pelican(
        {"NEWSROOM": {"websub_hub": "https://pubsubhubbub.appspot.com/", "webhooks": hooks}}
    )
    assert settings.webhooks == (Webhook("https://ir.example.com/hooks", "NEWS_HOOK_SECRET"),)
    assert notify_config(settings, "https://news.example.com") == {
        "websub_hub": "https://pubsubhubbub.appspot.com/",
        "site_url": "https://news.example.com",
        "feed_index": "feeds/index.json",
        "webhooks": hooks,
        "retries": 4,
        "backoff_seconds": 1.0,
        "timeout_seconds": 5,
    }
    defaults = notify_config(from_pelican({}), "")
    assert (defaults["websub_hub"], defaults["site_url"], defaults["webhooks"]) == (None, None, [])


@pytest.mark.parametrize(
    ("newsroom", "message"),
    [
        (
            {"webhooks": "https://ir.example.com/hooks"},
            "NEWSROOM: 'webhooks' must be a list, like [{'url': 'https://ir.example.com/hooks', "
            "'secret_env': 'NEWS_HOOK_SECRET'}].",
        ),
        (
            {"webhooks": ["https://ir.example.com/hooks"]},
            "NEWSROOM: 'webhooks', entry 1: write it as a dict, like {'url': "
            "'https://ir.example.com/hooks', 'secret_env': 'NEWS_HOOK_SECRET'}.",
        ),
        (
            {"webhooks": [{"url": "https://ir.example.com/hooks", "secret": "hunter2"}]},
            "NEWSROOM: 'webhooks', entry 1: 'secret' is not a webhook setting; a webhook has "
            "'url' and 'secret_env'. Never write the secret itself here: put it in an "
            "environment variable and give that variable's name in 'secret_env'.",
        ),
        (
            {"webhooks": [{"url": "ir.example.com/hooks", "secret_env": "NEWS_HOOK_SECRET"}]},
            "NEWSROOM: 'webhooks', entry 1: 'url' must be an http:// or https:// address.",
        ),
        (
            {"webhooks": [{"url": "https://ir.example.com/hooks", "secret_env": "NEWS-SECRET"}]},
            "NEWSROOM: 'webhooks', entry 1: 'secret_env' must name the environment variable "
            "that holds the signing secret (letters, digits and _), like 'NEWS_HOOK_SECRET'.",
        ),
        (
            {"websub_hub": "pubsubhubbub.appspot.com"},
            "NEWSROOM: 'websub_hub' must be an http:// or https:// address, or '' for none.",
        ),
    ],
)
def test_webhook_settings_are_checked_in_plain_words(newsroom: dict, message: str) -> None:
    with pytest.raises(SettingsError) as err:
        from_pelican({"NEWSROOM": newsroom})
    assert str(err.value) == message


def test_the_readme_receiver_check_agrees_with_the_reference(receiver: Receiver) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [code] = re.findall(
        r"```python\n(import hashlib\nimport hmac\n.*?def verify\(.*?)```", readme, re.S
    )
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    verify = namespace["verify"]
    hit = signed(receiver)
    headers = {k.lower(): v for k, v in hit.headers.items()}
    assert verify(hit.body, headers, [SECRET]) and verify(hit.body, headers, ["old", SECRET])
    assert not verify(hit.body + b"x", headers, [SECRET])
    assert not verify(hit.body, {**headers, "x-masthead-delivery": str(uuid.uuid4())}, [SECRET])
    delivery = headers["x-masthead-delivery"]
    for age, accepted in ((0, True), (290, True), (310, False), (-310, False)):
        stamp = str(int(time.time()) - age)
        resigned = {
            **headers,
            "x-masthead-timestamp": stamp,
            "x-masthead-signature-256": signature(hit.body, SECRET, delivery, stamp),
        }
        assert verify(hit.body, resigned, [SECRET]) is accepted, age
    assert not verify(hit.body, {**headers, "x-masthead-signature-256": "sha256=é"}, [SECRET])
    with pytest.raises(ValueError):
        verify(hit.body, headers, [""])
