"""The fast way of reading gives what the full reader gives, finding for finding.

`read_yaml` walks libyaml's events for ordinary files (generator.yaml_walk) and hands
anything else to the full reader (compose, then convert).  The walk is only speed: this
test compares it with the full reader on the same inputs.
"""

from __future__ import annotations

import random
from pathlib import Path

import generator.yaml_reader as yaml_reader
import pytest

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


def test_the_event_walk_reads_as_the_full_reader_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(MINI.rglob("*.yml"))]
    rng = random.Random(7)
    path = tmp_path / "x.yml"
    walk = yaml_reader.read_plain
    walked: list[bool] = []

    def counted(text: str) -> object:
        plain = walk(text)
        walked.append(plain is not None)
        return plain

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
        with monkeypatch.context() as patch:
            patch.setattr(yaml_reader, "read_plain", counted)
            fast = _outcome(yaml_reader.read_yaml(path, "x.yml"))
            patch.setattr(yaml_reader, "read_plain", lambda text: None)
            full = _outcome(yaml_reader.read_yaml(path, "x.yml"))
        assert fast == full, text
    assert sum(walked) > 100, "the event walk read too few files to say anything"
