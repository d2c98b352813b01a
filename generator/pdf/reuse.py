"""Write a PDF again only when what it would contain changed.

Every output file gets a key: the SHA-256 of the program's fingerprint
(:func:`generator.pdf.style.fingerprint`: this package's code, the PDF templates, the
labels, the engine's and HarfBuzz's versions) and of the document's HTML (a card: its
first variant and its list of styles; a booklet or pack: its front matter and the keys
of its parts).  The HTML holds everything the data puts on the page, so a file whose key
is unchanged would come out byte for byte as it is, and an upgrade of the program or of
WeasyPrint changes every key.

The keys live in ``<out>/.handbook-pdf-cache.json``.  Before anything is written the
entries of the files about to change are dropped from it, so a run that is interrupted
never leaves a key beside a file it no longer describes.  An unchanged file is kept
where it is (``handbook pdf``) or hard-linked from the previous output into the new one
(``handbook build --pdf`` writes into a fresh folder that replaces the site's).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

from generator.pdf.render import Combined, Job, Part
from generator.pdf.style import fingerprint

MANIFEST = ".handbook-pdf-cache.json"
FORMAT = 1


def part_key(part: Part) -> str:
    digest = hashlib.sha256(fingerprint().encode())
    digest.update(part.variants[0].encode())
    digest.update(repr((len(part.variants), part.max_pages, part.sizes, part.groups)).encode())
    return digest.hexdigest()


def combined_key(combined: Combined, parts: list[str]) -> str:
    digest = hashlib.sha256(fingerprint().encode())
    digest.update((combined.front or "").encode())
    for key in parts:
        digest.update(key.encode())
    return digest.hexdigest()


def _read(folder: Path) -> dict[str, str]:
    """The keys of an earlier output; nothing (a full run) if the file is missing or odd."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
        return {}
    return {str(k): str(v) for k, v in data["files"].items()}


class Cache:
    """The keys of the previous output and of this run, and the files to carry over."""

    def __init__(self, out: Path, previous: Path) -> None:
        self.out, self.previous = out.resolve(), previous.resolve()
        self.old = _read(self.previous)
        self.keys: dict[str, str] = {}  # every output of this run → its key
        self.reused: list[str] = []

    def _rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.out).as_posix()

    def _fresh(self, rel: str) -> bool:
        return self.old.get(rel) == self.keys[rel] and (self.previous / rel).is_file()

    def select(self, jobs: list[Job]) -> tuple[list[Job], list[Path]]:
        """The jobs (cut down to their stale outputs) to run; the files reused as they are."""
        todo = []
        for job in jobs:
            keys = [part_key(p) for p in job.parts]
            for part, key in zip(job.parts, keys, strict=True):
                if part.path is not None:
                    self.keys[self._rel(part.path)] = key
            for combined in job.combined:
                self.keys[self._rel(combined.path)] = combined_key(combined, [keys[i] for i in combined.parts])
            smaller = self._stale_only(job)
            if smaller is not None:
                todo.append(smaller)
        self.reused = [rel for rel in self.keys if self._fresh(rel)]
        self._save({rel: self.old[rel] for rel in self.reused} if self.out == self.previous else {})
        return todo, [self.out / rel for rel in self.reused]

    def _stale_only(self, job: Job) -> Job | None:
        """The job without its fresh outputs, and without parts nothing needs; None if all fresh."""
        combined = tuple(c for c in job.combined if not self._fresh(self._rel(c.path)))
        needed = {i for c in combined for i in c.parts}
        keep: list[int] = []
        parts: list[Part] = []
        for i, part in enumerate(job.parts):
            stale = part.path is not None and not self._fresh(self._rel(part.path))
            if stale or i in needed:
                keep.append(i)
                parts.append(part if stale else replace(part, path=None))
        if not parts and not combined:
            return None
        where = {old: new for new, old in enumerate(keep)}
        return Job(tuple(parts), tuple(replace(c, parts=tuple(where[i] for i in c.parts)) for c in combined))

    def commit(self, jobs: list[Job]) -> list[Path]:
        """Link the reused files in, remove what this run no longer writes, save the keys."""
        if self.out != self.previous:
            for rel in self.reused:
                target = self.out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(self.previous / rel, target)
                except OSError:
                    shutil.copy2(self.previous / rel, target)
        self._remove_stale()
        self._save(self.keys)
        return [self.out / rel for rel in self.keys]

    def _remove_stale(self) -> None:
        """A role or procedure removed from the data must not leave its old PDF behind."""
        from generator.pdf.views import LANGS

        for path in (p for lang in LANGS if (self.out / lang).is_dir() for p in (self.out / lang).rglob("*")):
            if path.is_file() and path.suffix in (".pdf", ".tmp") and self._rel(path) not in self.keys:
                path.unlink()

    def _save(self, files: dict[str, str]) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = self.out / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "files": dict(sorted(files.items()))}, indent=0), encoding="utf-8")
        tmp.replace(self.out / MANIFEST)
