#!/usr/bin/env python3
"""Offline dependency checks, in the spirit of `cargo deny`: licences and duplicate versions.

Reads `cargo tree --locked` (the lock file as committed; crates.io is reached only for the
manifests of crates not yet downloaded) for the platform CI builds on, then fails when

* a package's licence expression uses a licence outside ALLOWED (every crate we ship must be
  usable in a closed-source hosted service and in a GPL WordPress plugin), or
* a crate appears in two or more versions that are not listed in `duplicates.txt` with the
  reason we live with it — or a listed duplicate is gone (so the list stays true).

Why not `cargo deny` itself: it needs its advisory database from GitHub, which CI here does
not reach, and building it costs minutes; its licence and ban checks are a few lines over
`cargo metadata`.

Run it from anywhere: `python3 tests/deps/check.py`.
"""

import pathlib
import re
import subprocess
import sys
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[2]
DUPLICATES = pathlib.Path(__file__).with_name("duplicates.txt")
TARGET = "x86_64-unknown-linux-gnu"

# Permissive licences, plus the copyleft ones that only bind changes to the files themselves
# (MPL-2.0) and Unicode's data licence. No GPL/AGPL/SSPL in the tree.
ALLOWED = {
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "Unlicense",
    "CC0-1.0",
    "BSL-1.0",
    "MPL-2.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "CDLA-Permissive-2.0",
    "OpenSSL",
}


def licence_ok(expression: str) -> bool:
    """Whether an SPDX expression can be satisfied with ALLOWED licences.

    Handles `A OR B`, `A AND B`, `A/B` (the old cargo spelling of OR) and parentheses.
    """
    expression = expression.replace("/", " OR ")
    tokens = re.findall(r"\(|\)|[A-Za-z0-9.+-]+(?: WITH [A-Za-z0-9.+-]+)?", expression)
    pos = 0

    def parse_or() -> bool:
        nonlocal pos
        value = parse_and()
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            right = parse_and()
            value = value or right
        return value

    def parse_and() -> bool:
        nonlocal pos
        value = parse_atom()
        while pos < len(tokens) and tokens[pos] == "AND":
            pos += 1
            right = parse_atom()
            value = value and right
        return value

    def parse_atom() -> bool:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "(":
            value = parse_or()
            pos += 1  # ")"
            return value
        return token in ALLOWED

    result = parse_or()
    return result and pos == len(tokens)


def main() -> int:
    # `cargo tree`, not `cargo metadata`: metadata unifies features the old way and lists
    # crates (ring, getrandom 0.2) that no build here compiles.
    tree = subprocess.run(
        [
            "cargo",
            "tree",
            "--quiet",
            "--locked",
            "--workspace",
            "--edges",
            "normal,build,dev",
            "--target",
            TARGET,
            "--prefix",
            "none",
            "--format",
            "{p}|{l}",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    used = {}
    for line in tree.splitlines():
        if not line.strip():
            continue
        package, _, licence = line.partition("|")
        licence = licence.removesuffix(" (*)").strip()
        name, version, *rest = package.split()
        local = any(part.startswith("(/") for part in rest)
        used[(name, version.lstrip("v"))] = (licence, local)

    problems = []
    for (name, version), (licence, local) in sorted(used.items()):
        if local:
            continue
        if not licence:
            problems.append(
                f"{name} {version}: no SPDX licence in its manifest; read its licence file "
                "and add an exception here if it is acceptable"
            )
        elif not licence_ok(licence):
            problems.append(
                f"{name} {version}: licence `{licence}` is not in the allowed list "
                "(tests/deps/check.py)"
            )

    versions = defaultdict(set)
    for name, version in used:
        versions[name].add(version)
    found = {name: sorted(v) for name, v in versions.items() if len(v) > 1}

    listed = {}
    for number, line in enumerate(DUPLICATES.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            problems.append(f"duplicates.txt line {number}: `{name}` needs a reason")
        listed[name] = reason.strip()

    for name, vs in sorted(found.items()):
        if name not in listed:
            problems.append(
                f"{name} is built in {len(vs)} versions ({', '.join(vs)}): align the "
                "dependencies (`cargo tree -d -i " + name + "` shows who pulls which), or list "
                "it in tests/deps/duplicates.txt with the reason"
            )
    for name in sorted(listed):
        if name not in found:
            problems.append(
                f"{name} is listed in tests/deps/duplicates.txt but is built in one version "
                "now: remove the line"
            )

    for problem in problems:
        print(f"deps: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"deps: {sum(not local for _, local in used.values())} packages, licences allowed; "
        f"{len(found)} known duplicates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
