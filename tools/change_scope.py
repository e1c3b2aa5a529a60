"""Which checks a change needs: the content checks alone, or the whole test suite too.

A pull request that touches nothing but ``content/`` cannot change how the newsroom is
built, so the checks that read content (the check, the comparison with what is published,
the builds, the summary) are all it needs; anything else (code, theme, settings, workflows,
requirements, docs) runs the whole suite as well. Run by the ``Checks`` workflow before any
package is installed, so it uses the standard library only:

    python3 tools/change_scope.py --against origin/main    prints suite=content or suite=full

    python3 tools/change_scope.py --gate                  the last job: did every job pass?

The comparison is with the merge base, as GitHub shows a pull request's files. Both sides
of a rename count, so moving a file out of ``content/`` is a code change. Without
``--against`` (a push to main) the answer is always ``full``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

#: The only folder whose files are content: written by PR authors, read by the check.
CONTENT = "content/"


def changed_files(against: str, head: str = "HEAD") -> list[str]:
    """Every path the change adds, edits, deletes or renames (old and new names)."""
    result = subprocess.run(
        ["git", "diff", "--name-only", "--no-renames", "-z", f"{against}...{head}", "--"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise SystemExit(f"change_scope: cannot compare with {against}: {message}")
    return [p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def outside_content(paths: Sequence[str]) -> list[str]:
    """The paths that are not content (a path exactly ``content`` is a file, not the folder)."""
    return [path for path in paths if not path.startswith(CONTENT)]


#: The jobs of checks.yml that must pass whatever changed, by their environment variable.
ALWAYS = ("SCOPE", "CONTENT", "BUILD")


def gate(env: Mapping[str, str]) -> list[str]:
    """Why the checks did not pass ([] when they did), from the jobs' results.

    GitHub reports a job as success, failure, cancelled or skipped. The suite may be
    skipped only when the scope job said that only content changed.
    """
    problems = [
        f"{name.lower()}: {env.get(name) or 'no result'}"
        for name in ALWAYS
        if env.get(name) != "success"
    ]
    tests = env.get("TESTS") or "no result"
    if tests == "skipped" and env.get("SUITE") == "content":
        return problems
    if tests != "success":
        problems.append(f"tests: {tests}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", help="the base to compare with, like origin/main")
    parser.add_argument("--head", default="HEAD", help="the change's last commit (default HEAD)")
    parser.add_argument(
        "--gate",
        action="store_true",
        help="judge the jobs' results in SUITE, SCOPE, CONTENT, BUILD and TESTS",
    )
    args = parser.parse_args(argv)
    if args.gate:
        problems = gate(os.environ)
        for problem in problems:
            print(f"Not passed: {problem}", file=sys.stderr)
        if not problems:
            print("Every job that had to run passed.")
        return 1 if problems else 0
    if not args.against:
        print("suite=full")
        print("No base to compare with: the whole test suite runs.", file=sys.stderr)
        return 0
    others = outside_content(changed_files(args.against, args.head))
    if others:
        shown = "\n".join(f"  {path}" for path in others[:20])
        more = f"\n  … and {len(others) - 20} more" if len(others) > 20 else ""
        print("suite=full")
        print(
            f"Files outside content/ changed, so the whole test suite runs:\n{shown}{more}",
            file=sys.stderr,
        )
    else:
        print("suite=content")
        print(
            "Only content/ changed: the content checks run, the test suite does not.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
