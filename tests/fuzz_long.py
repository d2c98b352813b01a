"""Long fuzz run of `handbook check` on mutated copies of tests/fixtures/mini (issue 7).

    .venv/bin/python tests/fuzz_long.py --minutes 20 [--seed N] [--out DIR]

Each input mutates one or two files of the mini handbook with 1–4 of the mutations in
tests/hostile/mutate.py, runs `handbook check --format json` in this process (with an alarm
against hangs and an address-space limit against memory blow-ups) and judges the outcome:
exit 0 or 1 only, no internal error or traceback, findings with a code, a file and a line
inside the file.  Every distinct problem is saved with its files under --out, so that it
can be replayed and added to the corpus; the run goes on after a problem.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hostile.mutate import MINI, WEIGHTED_NAMES, data_files, mutate, run_check  # noqa: E402

MEMORY_LIMIT = 2 * 1024**3


def signature(problem: str) -> str:
    """Problems that differ only in numbers, positions and quoted values count once."""
    first = problem.splitlines()[0]
    first = re.sub(r"'[^']*'", "'…'", first)
    return re.sub(r"\d+", "N", first)[:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "handbook-fuzz")
    args = parser.parse_args()

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rnd = random.Random(seed)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-root-"))
    root = work / "root"
    shutil.copytree(MINI, root)
    files = data_files()
    originals = {rel: (MINI / rel).read_bytes() for rel in files}

    started = time.monotonic()
    deadline = started + args.minutes * 60
    inputs = 0
    mutator_errors = 0
    exits: collections.Counter[int] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    problems: dict[str, int] = {}
    slowest = (0.0, "")
    last_report = started
    print(f"fuzz: seed {seed}, {args.minutes} min, findings to {args.out}", flush=True)
    while time.monotonic() < deadline:
        if rnd.random() < 0.25:  # data-level changes to several files: cross-file rules
            chosen = rnd.sample(files, rnd.randint(2, 4))
            plan = {rel: [("restructure", rnd.randrange(2**32))] for rel in chosen}
        else:
            chosen = rnd.sample(files, 2 if rnd.random() < 0.2 else 1)
            plan = {rel: [(rnd.choice(WEIGHTED_NAMES), rnd.randrange(2**32)) for _ in range(rnd.randint(1, 4))] for rel in chosen}
        try:
            for rel, steps in plan.items():
                (root / rel).write_bytes(mutate(originals[rel], steps))
        except Exception as exc:  # noqa: BLE001 - a fault of the mutator, not of the tool under test
            mutator_errors += 1
            print(f"fuzz: mutator error (not a finding): {type(exc).__name__}: {exc} for {json.dumps(plan)}", flush=True)
            for rel in plan:
                (root / rel).write_bytes(originals[rel])
            continue
        t0 = time.monotonic()
        outcome = run_check(root, seconds=10)
        took = time.monotonic() - t0
        inputs += 1
        exits[outcome.code] += 1
        if took > slowest[0]:
            slowest = (took, json.dumps(plan))
        if outcome.problem is None and outcome.stdout.strip():
            codes.update({f["code"] for f in json.loads(outcome.stdout)})
        if outcome.problem is not None:
            sig = signature(outcome.problem)
            problems[sig] = problems.get(sig, 0) + 1
            if problems[sig] == 1:
                case = args.out / f"problem-{len(problems):03d}"
                shutil.rmtree(case, ignore_errors=True)
                for rel in plan:
                    target = case / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes((root / rel).read_bytes())
                (case / "PROBLEM.txt").write_text(f"{outcome.problem}\nplan: {json.dumps(plan)}\nstderr:\n{outcome.stderr}\n", encoding="utf-8")
                print(f"fuzz: NEW PROBLEM {case}: {outcome.problem[:200]}", flush=True)
        for rel in plan:
            (root / rel).write_bytes(originals[rel])
        if time.monotonic() - last_report > 60:
            last_report = time.monotonic()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"fuzz: {inputs} inputs in {last_report - started:.0f} s, exits {dict(exits)}, {len(problems)} distinct problem(s), peak RSS {peak} MB", flush=True)

    elapsed = time.monotonic() - started
    shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"fuzz: done. seed {seed}; ran {elapsed / 60:.1f} min; {inputs} inputs ({inputs / elapsed:.0f}/s); exits {dict(exits)}; peak RSS {peak} MB")
    print(f"fuzz: slowest input {slowest[0]:.2f} s: {slowest[1][:300]}")
    print(f"fuzz: finding codes seen: {', '.join(f'{c}×{n}' for c, n in sorted(codes.items()))}")
    print(f"fuzz: {mutator_errors} mutator error(s) (inputs not run)")
    print(f"fuzz: {len(problems)} distinct problem(s)")
    for sig, n in problems.items():
        print(f"  {n:6d}× {sig}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
