"""What hostile sizes cost `handbook check` (issue 11): a huge glossary, a very deep hierarchy.

    .venv/bin/python benchmarks/hostile_cost.py [--terms 20000] [--depth 6000] [--json out.json]

A pull request can make the data large in ways the 1,000-role benchmark (benchmarks/run.py)
does not: a glossary of 20,000 terms, or a reporting line 6,000 levels deep.  Both used to
cost quadratic time in the rules (12-17 s and 40 s).  This writes the two roots and prints,
for each, the seconds spent loading, in the rules, in the slowest rule, and of the whole
`handbook check` command; the target is about a second for the rules.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from generator import checks  # noqa: E402
from generator.loading import load_handbook  # noqa: E402

MINI = REPO / "tests" / "fixtures" / "mini"
TARGET_RULES_S = 1.0

_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def glossary_root(out: Path, terms: int) -> Path:
    """The bundled handbook with `terms` extra glossary terms (real terms kept, so texts hit them)."""
    root = out / "glossary"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in ("handbook.yml", "org", "roles", "procedures"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    rng = random.Random(11)
    seen: set[str] = set()
    lines: list[str] = []
    while len(lines) < terms:
        zh = "".join(rng.choice(_HAN) for _ in range(rng.randint(2, 4)))
        if zh in seen:
            continue
        seen.add(zh)
        lines.append(f"  - {{id: t{len(lines)}, zh: {zh}, en: term {len(lines)}}}\n")
    glossary = root / "org" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")
    return root


def deep_root(out: Path, depth: int) -> Path:
    """The mini handbook whose clerk sits `depth` levels below the director, one role per level."""
    root = out / "deep"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(MINI, root)
    folder = root / "roles" / "cs"
    above = "supervisor"
    for level in range(depth):
        rid = f"level-{level}"
        (folder / f"{rid}.yml").write_text(
            f"id: {rid}\ntitle: {{zh: 层级{level}, en: Level {level}}}\ndepartment: cs\nreports_to: {above}\n"
            "purpose: {zh: 调度, en: Dispatches.}\n"
            'document: {version: "1.0", effective: 2026-01-01, owner: director, reviewed: 2026-06-01}\n'
            f"duties:\n  - id: answer\n    text: {{zh: 接听电话, en: Answers the phone.}}\n    escalate_to: {above}\n",
            encoding="utf-8",
        )
        above = rid
    clerk = folder / "clerk.yml"
    clerk.write_text(
        clerk.read_text(encoding="utf-8").replace("reports_to: supervisor", f"reports_to: {above}"), encoding="utf-8"
    )
    return root


class Figures(TypedDict):
    """What one measured handbook gives: seconds, the slowest rule by name, the command's exit code."""

    load_s: float
    rules_s: float
    slowest_rule: str
    slowest_rule_s: float
    check_command_s: float
    exit: int


def measure(root: Path) -> Figures:
    started = time.perf_counter()
    book, _ = load_handbook(root)
    loaded = time.perf_counter()
    slowest, slowest_s = "", 0.0
    for rule in [*checks.RULES, lambda b: checks.review_dates(b, checks.dt.date.today())]:
        t = time.perf_counter()
        found = list(rule(book))
        spent = time.perf_counter() - t
        if spent > slowest_s:
            slowest, slowest_s = getattr(rule, "__name__", "review_dates"), spent
        del found
    rules = time.perf_counter() - loaded
    t = time.perf_counter()
    command = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--root", str(root)], cwd=REPO, capture_output=True
    )
    return {
        "load_s": round(loaded - started, 3),
        "rules_s": round(rules, 3),
        "slowest_rule": slowest,
        "slowest_rule_s": round(slowest_s, 3),
        "check_command_s": round(time.perf_counter() - t, 3),
        "exit": command.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument("--depth", type=int, default=6_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handbook-hostile-cost-") as tmp:
        out = Path(tmp)
        figures = {
            f"glossary of {args.terms:,} terms": measure(glossary_root(out, args.terms)),
            f"reporting line {args.depth:,} levels deep": measure(deep_root(out, args.depth)),
        }
    for name, f in figures.items():
        verdict = "met" if f["rules_s"] <= TARGET_RULES_S * 1.5 else "MISSED"
        print(
            f"{name}: load {f['load_s']} s, rules {f['rules_s']} s (target ~{TARGET_RULES_S} s: {verdict}; "
            f"slowest {f['slowest_rule']} {f['slowest_rule_s']} s), `handbook check` {f['check_command_s']} s,"
            f" exit {f['exit']}"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
