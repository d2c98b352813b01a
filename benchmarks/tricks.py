"""What each speed trick of the loader buys (issue 16): every trick on and off, runs alternating.

    .venv/bin/python benchmarks/tricks.py [--roles 1000] [--rounds 5] [--root DIR]

A trick stays only if it pays at least 15 % of the figure it targets at 1,000 roles: the
`check` of benchmarks/run.py (load and check in process).  Each run is a fresh interpreter
that loads and checks the synthetic organisation (benchmarks/synth.py) once; the variants
take turns, round after round, so that a change in the load of a shared machine falls on
all of them alike.  Printed per variant: the minimum and median of the wall and CPU
seconds (os.times, user + system, children included) of loading and of load + check.

Variants (the code as it is, with one trick switched off):

* `all`: every trick on;
* `no-walk`: every file read by the full reader (`yaml_reader.read_plain` gives up at once);
* `no-pause`: the cyclic collector left running while loading, nothing frozen;
* `no-freeze`: the collector paused while loading, the loaded objects not frozen after;
* `reload`: all on, the second load of a process that still holds the first (serve).

The tricks removed in issue 16 (the forked loader, the collector bookkeeping) are gone
from the code; their figures on the benchmark page were measured the same way on commit
d83ae09.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (the generator beside this file)

VARIANTS = ("all", "no-walk", "no-pause", "no-freeze", "reload")

ONE_RUN = r"""
import contextlib, gc, json, os, sys, time
from pathlib import Path
from generator import loading, yaml_reader
from generator.checks import run_checks
from generator.site_inputs import check_site_inputs

root, variant = Path(sys.argv[1]), sys.argv[2]
if variant == "no-walk":
    yaml_reader.read_plain = lambda text: None
elif variant == "no-pause":
    loading._collector_paused = contextlib.nullcontext
elif variant == "no-freeze":
    @contextlib.contextmanager
    def paused_only():
        gc.collect()
        gc.disable()
        try:
            yield
        finally:
            gc.enable()
    loading._collector_paused = paused_only
if variant == "reload":
    first = loading.load_handbook(root)

def cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system

t0, c0 = time.perf_counter(), cpu()
book, findings = loading.load_handbook(root)
t1, c1 = time.perf_counter(), cpu()
findings = findings + run_checks(book) + check_site_inputs(root, book)
t2, c2 = time.perf_counter(), cpu()
assert not [f for f in findings if f.severity == "error"], findings[:3]
print(json.dumps({"load_s": t1 - t0, "load_cpu_s": c1 - c0, "check_s": t2 - t0, "check_cpu_s": c2 - c0}))
"""


def one_run(root: Path, variant: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    out = subprocess.run(
        [sys.executable, "-c", ONE_RUN, str(root), variant], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"tricks: the {variant} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A/B runs of the loader's speed tricks.")
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="runs of each variant (min and median are printed)")
    parser.add_argument("--root", type=Path, default=None, help="an organisation written before (default: a new one)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    root = args.root
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="handbook-tricks-")) / "org"
        synth.write_organisation(root, roles=args.roles)
    variants = [v for v in args.variants.split(",") if v]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    loads = []
    for _ in range(args.rounds):
        for variant in variants:
            runs[variant].append(one_run(root, variant))
            loads.append(os.getloadavg()[0])
    print(f"{args.rounds} rounds; load average {min(loads):.1f}–{max(loads):.1f}")
    print("| variant | load: wall s (CPU s), min / median | load + check: wall s (CPU s), min / median |")
    print("|---|---|---|")
    for variant, got in runs.items():
        cells = []
        for figure in ("load", "check"):
            wall = [r[f"{figure}_s"] for r in got]
            cpu = [r[f"{figure}_cpu_s"] for r in got]
            cells.append(
                f"{min(wall):.2f} ({min(cpu):.2f}) / {statistics.median(wall):.2f} ({statistics.median(cpu):.2f})"
            )
        print(f"| {variant} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
