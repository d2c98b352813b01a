"""Where a command may write: the handbook's own output folders, never its data.

``handbook build --site-dir .`` used to swap the site in for the handbook root, ``.git``
included.  Before anything is written, :func:`refuse_output` says why an output folder is
not acceptable:

* ``/``, the handbook root itself, or a folder that holds the root (its parent …);
* inside the root, a data folder or file (:data:`DATA_NAMES`: roles/, org/, procedures/,
  docs/, source/, schema/, generator/, tests/, .git, handbook.yml, mkdocs.yml …) or
  anything under one;
* a symbolic link, or a path that goes through a link inside the root (nothing is
  written through a link);
* an existing file; an existing folder that is not empty and was not written by the
  handbook.  Every output folder gets a marker file (:data:`MARKER`) when it is written;
  a folder with the marker is the handbook's and may be replaced.

The default outputs (:data:`DEFAULT_OUTPUTS`: ``ROOT/site``, ``ROOT/site-offline``, ``ROOT/site/pdf``) built by an
earlier version of the tool have no marker: such a default folder is accepted when it
looks like what that version wrote (:func:`_earlier_output`: a site with ``index.html``
and ``search/search_index.json``, or a folder holding only PDFs), and gets its marker with
the next build.  Any other unmarked folder is refused; the message says to remove it or to
choose another folder.

:func:`remove_stale_scratch` removes the scratch folders (``.site.build-*``,
``.site.serve-*``) of a build that was killed: each holds the id of the process that made
it (:data:`OWNER`), and a folder whose process is gone is removed at the next run.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from generator.config_reader import visible

MARKER = ".handbook-output"
MARKER_TEXT = "This folder was written by `handbook`; the next build replaces it as a whole.\n"
OWNER = ".handbook-owner"
#: Names at the top of a handbook root that hold its data or its program.
DATA_NAMES = frozenset(
    {
        ".git",
        ".github",
        ".ci",
        ".venv",
        "roles",
        "org",
        "procedures",
        "docs",
        "source",
        "schema",
        "generator",
        "tests",
        "scripts",
        "benchmarks",
        "handbook.yml",
        "mkdocs.yml",
        "mkdocs.yaml",
        "pyproject.toml",
        "requirements.lock",
        "README.md",
    }
)
#: A scratch folder without an owner file older than this is taken as left behind.
ORPHAN_SECONDS = 600


class OutputRefused(Exception):
    """The output folder is not acceptable; the message names it and says what to do."""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


#: The default outputs, relative to the root: an earlier version's unmarked folder there is accepted.
DEFAULT_OUTPUTS = ("site", "site-offline", "site/pdf")


def refuse_output(target: Path, root: Path, *, what: str = "--site-dir") -> str | None:
    """Why `target` may not be written as an output, or None when it may."""
    root = Path(root).resolve()
    lexical = Path(os.path.abspath(target))
    shown = visible(str(lexical))
    if lexical.is_symlink():
        return (
            f"{what} {shown} is a symbolic link; nothing is written through a link:"
            " remove the link or choose a real folder"
        )
    resolved = lexical.resolve()
    if _inside(lexical, root) or _inside(resolved, root):
        inner = lexical if _inside(lexical, root) else resolved
        step = root
        for part in inner.relative_to(root).parts[:-1]:
            step = step / part
            if step.is_symlink():
                return (
                    f"{what} {shown} goes through the symbolic link {visible(str(step))};"
                    " nothing is written through a link: choose a real folder"
                )
    if resolved == Path(resolved.anchor):
        return f"{what} {shown} is the root of the file system; choose a folder of its own, e.g. {root / 'site'}"
    if resolved == root:
        return (
            f"{what} {shown} is the handbook root itself; the build would replace the handbook with the site:"
            f" choose a folder of its own, e.g. {root / 'site'}"
        )
    if _inside(root, resolved):
        return (
            f"{what} {shown} holds the handbook root; the build would replace the handbook with the site:"
            f" choose a folder of its own, e.g. {root / 'site'}"
        )
    if _inside(resolved, root):
        first = resolved.relative_to(root).parts[0]
        if first in DATA_NAMES:
            inside = "inside " if len(resolved.relative_to(root).parts) > 1 else ""
            return f"{what} {shown} is {inside}the handbook's {first}; choose a folder of its own, e.g. {root / 'site'}"
    if resolved.exists() or lexical.is_symlink():
        if not resolved.is_dir():
            return f"{what} {shown} is an existing file; choose a folder (the output is a folder of its own)"
        if (resolved / MARKER).is_file() or not any(resolved.iterdir()):
            return None
        if resolved in {root / d for d in DEFAULT_OUTPUTS} and _earlier_output(resolved):
            return None
        return (
            f"{what} {shown} is a folder that the handbook did not write (it has no {MARKER} file) and is not empty; "
            "remove it yourself or choose another folder — the build replaces its output folder as a whole"
        )
    return None


def _earlier_output(folder: Path) -> bool:
    """Does an unmarked default folder look like what an earlier version wrote?"""
    if (folder / "index.html").is_file() and (folder / "search" / "search_index.json").is_file():
        return True
    entries = list(folder.iterdir())
    return bool(entries) and all(p.is_file() and p.suffix == ".pdf" for p in entries)


def mark(folder: Path) -> None:
    """Write the marker into an output folder (before it is swapped in)."""
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def claim(work: Path) -> None:
    """Write this process's id into a scratch folder, so that a later run can tell it is left over."""
    (work / OWNER).write_text(f"{os.getpid()}\n", encoding="ascii")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_scratch(parent: Path, name: str) -> list[Path]:
    """Remove the scratch folders of a killed build or serve of the output `name`."""
    removed: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for path in entries:
        if not path.name.startswith((f".{name}.build-", f".{name}.serve-")) or path.is_symlink() or not path.is_dir():
            continue
        try:
            pid = int((path / OWNER).read_text(encoding="ascii").strip())
            stale = pid != os.getpid() and not _alive(pid)
        except (OSError, ValueError):
            try:
                stale = time.time() - path.stat().st_mtime > ORPHAN_SECONDS
            except OSError:
                continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
