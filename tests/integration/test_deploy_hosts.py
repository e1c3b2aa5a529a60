"""Several web servers, deployed by the real workflow steps: build without secrets, pack,
unpack, ship with the standard library only, and switch every host at the same instants.

Two real sshd + nginx pairs run on 127.0.0.1, each with the switcher as its service would
run it. The steps of .github/workflows/deploy-server.yml run as GitHub would run them
(bash -eo pipefail, their own env), with a python3 that has no site-packages: the job that
holds the key has nothing but the standard library.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from test_deploy import answers, from_a_due_snapshot, read_site
from workflow_runner import stdlib_python, workflow_step

from deploy.command import deploy
from support import FIXTURES, ROOT
from tools.harness import missing_programs, nginx, sshd, switcher, write_release

WORKFLOW = "deploy-server.yml"
pytestmark = pytest.mark.skipif(
    bool(missing_programs()), reason=f"needs {', '.join(missing_programs())}"
)


def test_two_hosts_get_every_snapshot_switch_together_and_refuse_half_a_deploy(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "basic", site)
    hosts = [tmp_path / "srv-a", tmp_path / "srv-b"]
    python = stdlib_python(tmp_path / "bin")
    with ExitStack() as servers:
        first_ssh = servers.enter_context(sshd(tmp_path / "sshd-a"))
        second_ssh = servers.enter_context(sshd(tmp_path / "sshd-b", first_ssh.identity))
        ports = [
            servers.enter_context(nginx(tmp_path / f"nginx-{n}", h))
            for n, h in zip("ab", hosts, strict=True)
        ]
        known = "".join(s.known_hosts.read_text() for s in (first_ssh, second_ssh))
        secrets = {
            "MASTHEAD_DEPLOY_TARGET": " ".join(
                f"ssh://{s.user}@127.0.0.1:{s.port}{h}"
                for s, h in zip((first_ssh, second_ssh), hosts, strict=True)
            ),
            "MASTHEAD_DEPLOY_SSH_PORT": "",
            "DEPLOY_SSH_KEY": first_ssh.identity.read_text(),
            "DEPLOY_KNOWN_HOSTS": known,
        }
        start = math.ceil(time.time())
        # Time enough to build three snapshots and ship them to both hosts on a busy machine.
        first, second = start + 60, start + 63
        path_a = write_release(site, "hosts-first", first, f"Hosts first {start}")
        path_b = write_release(site, "hosts-second", second, f"Hosts second {start}")

        def build_job(runner: Path) -> Any:
            """The build job: what `invoke deploy --build-only` runs, then the pack step."""
            manifest = deploy(
                [],
                settings_file=ROOT / "publishconf.py",
                days=0.01,
                site_url="https://news.example.com",
                content=site,
                root=site,
                work=runner / "snapshots",
                out=io.StringIO(),
            )
            packed = workflow_step(WORKFLOW, "build", "Pack the snapshots", runner, {}, python)
            assert packed.returncode == 0, packed.stderr
            return manifest

        def ship_job(build_runner: Path, runner: Path) -> subprocess.CompletedProcess[str]:
            """The ship job, on another runner: the artifact, unpacked, shipped."""
            shutil.copytree(build_runner / "dist", runner / "dist")
            unpacked = workflow_step(WORKFLOW, "ship", "Unpack the snapshots", runner, {}, python)
            assert unpacked.returncode == 0, unpacked.stderr
            return workflow_step(WORKFLOW, "ship", "Ship to every server", runner, secrets, python)

        manifest = build_job(tmp_path / "runner-1")
        sbom = json.loads((tmp_path / "runner-1" / "dist" / "sbom.cdx.json").read_text())
        assert sbom["bomFormat"] == "CycloneDX"
        assert "pelican" in {c["name"] for c in sbom["components"]}
        shipped = ship_job(tmp_path / "runner-1", tmp_path / "runner-2")
        assert shipped.returncode == 0, shipped.stdout + shipped.stderr
        assert time.time() < first - 1, "the deploy took too long to test"
        for host in hosts:
            names = json.loads((host / "schedule.json").read_text())["snapshots"]
            assert [n["dir"] for n in names] == [s.dir for s in manifest.snapshots]
            assert all((host / "snapshots" / s.dir).is_dir() for s in manifest.snapshots)
            assert os.readlink(host / "current") == f"snapshots/{manifest.snapshots[0].dir}"

        paths = ["/", path_a, path_b]
        table = answers(manifest.snapshots, paths)
        logs = [tmp_path / f"switcher-{n}.log" for n in "ab"]
        for host, log in zip(hosts, logs, strict=True):
            servers.enter_context(switcher(host, log))
        # Read from a few seconds before the first instant: the reader stops at 8000.
        time.sleep(max(0.0, first - 4 - time.time()))
        stop = threading.Event()
        threading.Timer(second + 2 - time.time(), stop.set).start()
        seen = read_site(ports, paths, stop, table, threads=1)

        # A second deploy, with a release further ahead; host b refuses its snapshot midway.
        later = start + 3600
        write_release(site, "hosts-later", later, f"Hosts later {start}")
        before = [(h / "schedule.json").read_bytes() for h in hosts]
        shown = [os.readlink(h / "current") for h in hosts]
        again = build_job(tmp_path / "runner-3")
        blocked = hosts[1] / "snapshots" / f".incoming-{again.snapshots[-1].dir}"
        blocked.write_text("in the way: rsync cannot make this a folder")
        refused = ship_job(tmp_path / "runner-3", tmp_path / "runner-4")
        after_refusal = [(h / "schedule.json").read_bytes() for h in hosts]
        current_after_refusal = [os.readlink(h / "current") for h in hosts]
        blocked.unlink()
        retried = ship_job(tmp_path / "runner-3", tmp_path / "runner-5")

    for host_number in range(len(hosts)):
        mine = [s for s in seen if s.host == host_number]
        wrong = [s for s in mine if not from_a_due_snapshot(s, manifest)]
        assert not wrong, [(s.path, s.status, s.sent) for s in wrong[:5]]
        for path, instant in ((path_a, first), (path_b, second)):
            early = [s for s in mine if s.path == path and s.received < instant]
            assert early and all(s.status == 404 for s in early), (host_number, path)
            late = [s for s in mine if s.path == path and s.sent >= instant + 1.0]
            assert late and all(s.status == 200 for s in late), (host_number, path)

    assert refused.returncode == 1
    assert "No host was switched" in refused.stderr, refused.stdout + refused.stderr
    assert after_refusal == before
    assert current_after_refusal == shown
    assert retried.returncode == 0, retried.stdout + retried.stderr
    for host in hosts:
        names = [n["dir"] for n in json.loads((host / "schedule.json").read_text())["snapshots"]]
        assert names == [s.dir for s in again.snapshots]
