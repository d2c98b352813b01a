"""`handbook diff`: the handbook's data files as they were at a revision, read out of git safely.

Only the data (handbook.yml, org/, roles/, procedures/) is exported, with `git archive` into a
temporary folder; a symbolic link, a submodule or anything but a plain file at that revision is
refused, since a link in the history could point anywhere on the machine that runs the diff.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from generator.escaping import visible_line


class DiffError(Exception):
    """The comparison cannot start (not a git repository, unknown revision …)."""


def _git(cwd: Path, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise DiffError("git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def export_revision(root: Path, rev: str, into: Path) -> tuple[Path, str]:
    """Write the files of the handbook root as they were at `rev`; (old root, short label)."""
    if not root.is_dir():
        raise DiffError(f"{root} is not a folder")
    try:
        _git(root, "rev-parse", "--show-toplevel")
    except DiffError as exc:
        raise DiffError(f"{root} is not inside a git repository") from exc
    if rev.startswith("-") or not rev.strip() or any(ord(c) < 32 or c == "\x7f" for c in rev):
        raise DiffError(f"'{visible_line(rev)}' is not a revision")
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except DiffError as exc:
        raise DiffError(f"'{rev}' is not a revision of this repository (try a branch, a tag or a commit id)") from exc
    top = Path(_git(root, "rev-parse", "--show-toplevel"))
    prefix = _git(root, "rev-parse", "--show-prefix")
    wanted = _data_files(top, commit, prefix, rev)
    if wanted:
        archive = _git(top, "archive", "--format=tar", commit, "--", *wanted, binary=True)
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                for member in tar.getmembers():
                    if not (member.isfile() or member.isdir()):  # ls-tree said files only; anything else is refused
                        raise DiffError(f"'{member.name}' at {rev} is not a plain file; it is not compared")
                tar.extractall(into, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise DiffError(f"the files of {rev} cannot be unpacked: {exc}") from None
    old_root = into / prefix if prefix else into
    old_root.mkdir(parents=True, exist_ok=True)
    return old_root, commit[:10]


def _data_files(top: Path, commit: str, prefix: str, rev: str) -> list[str]:
    """The data files of the root at `commit`; a symbolic link or a submodule among them is
    refused (a link in the history could point anywhere on the machine that runs diff)."""
    listing = _git(top, "ls-tree", "-r", "--full-tree", "-z", commit, "--", prefix or ".").split("\0")
    wanted = []
    for entry in listing:
        if not entry or "\t" not in entry:
            continue
        info, name = entry.split("\t", 1)
        mode = info.split(" ", 1)[0]
        relative = name[len(prefix) :]
        if not name.startswith(prefix) or not (_is_data(relative) or relative in ("org", "roles", "procedures")):
            continue
        if mode == "120000":
            raise DiffError(
                f"'{visible_line(name)}' is a symbolic link at {rev}; the handbook reads plain files only,"
                f" so {rev} cannot be compared (replace the link by the file in a new commit)"
            )
        if mode not in ("100644", "100755"):
            raise DiffError(f"'{visible_line(name)}' at {rev} is not a plain file (mode {mode}); it cannot be compared")
        wanted.append(name)
    return wanted


def _is_data(relative: str) -> bool:
    return relative == "handbook.yml" or relative.startswith(("org/", "roles/", "procedures/"))
