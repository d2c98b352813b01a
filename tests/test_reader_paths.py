"""The fast ways of reading give what the full reader gives, finding for finding.

`read_yaml` walks libyaml's events for ordinary files and hands anything else to the
full reader (compose, then convert); large roots are read by two processes.  Both are
only speed: these tests compare them with the slow path on the same inputs.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import generator.loading as loading
import generator.yaml_reader as yaml_reader
import pytest
from generator.pipeline import load_and_check

MINI = Path(__file__).parent / "fixtures" / "mini"

#: Pieces that, inserted anywhere, make a file unusual for the event walk (or not).
SNIPPETS = [
    "&a ",
    "*a",
    "!!str ",
    "<<: ",
    "\t",
    "---\n",
    "no",
    "12:30",
    "\\u202e",
    '"',
    "'",
    "[",
    "{",
    "- ",
    ": ",
    "\n",
    "~",
    "2026-02-30",
    "0x1F",
    ".inf",
    "\ufeff",
    "\x85",
    "? ",
    "|\n  ",
    "!foo ",
    "%YAML 1.1\n---\n",
    "=",
    "\u202e",
]


def _outcome(read: yaml_reader.YamlFile) -> tuple:
    return repr(read.data), read.source.values, read.source.keys, [f.text() for f in read.findings], read.typed_scalars


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    fast = _outcome(yaml_reader.read_yaml(path, "x.yml"))
    with monkeypatch.context() as patch:
        patch.setattr(yaml_reader, "_read_plain", lambda text, result: False)
        full = _outcome(yaml_reader.read_yaml(path, "x.yml"))
    return fast, full


def test_the_event_walk_reads_as_the_full_reader_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(MINI.rglob("*.yml"))]
    rng = random.Random(7)
    path = tmp_path / "x.yml"
    walked = 0
    for n in range(600):
        text = seeds[n] if n < len(seeds) else rng.choice(seeds)
        if n >= len(seeds):
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(text) + 1)
                text = (
                    text[:at] + rng.choice(SNIPPETS) + text[at:]
                    if rng.random() < 0.6
                    else text[:at] + text[at + rng.randint(1, 8) :]
                )
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        fast, full = _both(path, monkeypatch)
        assert fast == full, text
        before = yaml_reader.full_reads()
        yaml_reader.read_yaml(path, "x.yml")
        walked += yaml_reader.full_reads() == before
    assert walked > 100, "the event walk read too few files to say anything"


def _snapshot(root: Path) -> tuple:
    book, findings = load_and_check(root)
    docs = {**{f"role:{k}": v for k, v in book.roles.items()}, **{f"proc:{k}": v for k, v in book.procedures.items()}}
    return [f.text() for f in findings], {
        k: (v.model_dump(mode="json"), v.source_map.values, v.source_map.keys) for k, v in docs.items()
    }


def test_two_processes_load_what_one_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    roles = sorted((root / "roles").rglob("*.yml"))
    # A broken file, an unusual one (an alias) and a typed value, among ordinary ones.
    roles[0].write_text(roles[0].read_text(encoding="utf-8") + "\nextra: 1\nextra: 2\n", encoding="utf-8")
    if len(roles) > 1:
        text = roles[1].read_text(encoding="utf-8")
        roles[1].write_text(text.replace("department:", "department: &d", 1).rstrip("\n") + "\n", encoding="utf-8")
    monkeypatch.setattr(loading, "PARALLEL_FROM", 1)
    # Earlier tests in the session leave idle server threads behind; the loader would then
    # (rightly) not fork. Here the fork itself is under test, so pretend they are gone.
    monkeypatch.setattr(loading.threading, "active_count", lambda: 1)
    forks = []
    real_fork = loading.os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(loading.os, "fork", counting_fork)
    forked = _snapshot(root)
    assert forks, "the loader did not fork (threads running?)"
    monkeypatch.setenv("HANDBOOK_JOBS", "1")
    alone = _snapshot(root)
    assert forked == alone
    assert forked[0], "the broken file was reported"
