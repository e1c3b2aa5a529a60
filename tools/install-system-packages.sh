#!/usr/bin/env bash
# Install the Debian packages the test suite needs, as listed in tools/system-packages.txt.
# Safe to run again and again: when everything is installed it returns at once.
set -euo pipefail

list="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/system-packages.txt"

# Package names, without comments and blank lines (a while loop: mapfile needs bash 4).
# "package:command" skips the package when the command is already on PATH, so a Node.js
# installed another way (a CI runner's, NodeSource's) is used rather than replaced.
packages=()
while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [[ -z "$line" ]] && continue
    if [[ "$line" == *:* ]]; then
        command -v "${line#*:}" >/dev/null 2>&1 && continue
        line="${line%%:*}"
    fi
    packages+=("$line")
done <"$list"

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == *" ok installed" ]]
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for package in "${packages[@]}"; do
        is_installed "$package" || missing+=("$package")
    done
else
    missing=("${packages[@]}")
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need these Debian packages, but this system has no apt-get:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "Install the equivalents with your package manager, then run the tests again." >&2
    exit 1
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "Installing ${missing[*]} needs root, and sudo is not available." >&2
        echo "As root, run: apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi

apt() {
    # sudo resets the environment, so pass DEBIAN_FRONTEND through env.
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

echo "Installing system packages the tests need: ${missing[*]}"
# Fresh containers ship without package lists; refresh them first, else only on failure.
if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
    apt update -qq
fi
if ! apt install -y -q --no-install-recommends "${missing[@]}"; then
    echo "Refreshing the package lists and trying again…"
    apt update -qq
    apt install -y -q --no-install-recommends "${missing[@]}"
fi
