"""Long fuzz run of `handbook check` (and `build`) on mutated copies of tests/fixtures/mini (issues 7, 11).

    .venv/bin/python tests/fuzz_long.py --minutes 20 [--seed N] [--out DIR] [--build-share 0.15]

The root is the mini handbook plus a site configuration and hand-written pages
(SITE_FILES: mkdocs.yml, docs/zh and docs/en pages with macros, links and front matter).
Each input mutates one or two files with 1–4 of the mutations in tests/hostile/mutate.py;
a site file gets, besides, hostile snippets (SITE_SNIPPETS: Jinja that reaches for Python's
internals, tags, INHERIT, hooks, plugins, links out of the root …).  It runs
`handbook check --format json` in this process (with an alarm against hangs and an
address-space limit against memory blow-ups) and judges the outcome: exit 0 or 1 only, no
internal error or traceback, findings with a code, a file and a line inside the file.  A
share of the inputs that change a site file and pass the check (--build-share) is also built (`handbook
build`): exit 0 or 1, no traceback or internal error.  No input may leave the marker file
that an attack which ran would write.  Every distinct problem is saved with its files under
--out, so that it can be replayed and added to the corpus; the run goes on after a problem.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
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

from hostile.mutate import (
    MINI,
    WEIGHTED_NAMES,
    Outcome,
    Plan,
    apply_plan,
    data_files,
    restore,
    run_check,
    run_in_process,
)

MEMORY_LIMIT = 2 * 1024**3
MARKER = Path(tempfile.gettempdir()) / "handbook-fuzz-PWNED"

#: The site files added to the mini root: a valid configuration and pages to break.
SITE_FILES: dict[str, str] = {
    "mkdocs.yml": (
        "INHERIT: generator/templates/site/mkdocs.base.yml\n"
        "site_name: 测试手册\n"
        "docs_dir: docs/zh\n"
        "theme:\n  name: material\n  language: zh\n"
        "plugins:\n  - search:\n      pipeline: [stopWordFilter]\n  - macros:\n      render_by_default: false\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - tables\n  - admonition\n"
        "extra_css:\n  - assets/handbook/site.css\n"
        "extra:\n  note: plain\n"
    ),
    "docs/zh/index.md": (
        "---\nrender_macros: true\n---\n# 首页\n\n共 {{ hb.counts.roles }} 个岗位。\n\n[岗位](roles/index.md)\n"
    ),
    "docs/en/index.md": (
        "---\nrender_macros: true\n---\n# Home\n\n"
        "{{ hb.counts.roles }} roles, {{ hb.text(hb.meta.title) }}.\n\n[Roles](roles/index.md)\n"
    ),
    "docs/en/guide.md": (
        "---\ntitle: Guide\n---\n# Guide\n\n"
        "Plain text, a [link](index.md#home) and a table:\n\n| a | b |\n| - | - |\n| 1 | 2 |\n"
    ),
}

#: Hostile pieces dropped into a site file (at a line start or anywhere).
SITE_SNIPPETS = [
    "{{ cycler.__init__.__globals__.os.popen('touch " + str(MARKER) + "').read() }}",
    "{{ hb.__class__.__mro__ }}",
    "{{ hb._renderer() }}",
    "{{ ''|attr('__class__') }}",
    "{{ hb.meta.model_fields }}",
    "{% for x in hb.counts %}{{ x }}{% endfor %}",
    "{{ hb.role('nope') }}",
    "{{ hb.procedure(7) }}",
    "{{ hb.text(1) }}",
    "{{ lipsum() }}",
    "{% set x = hb %}{{ x|attr('_BOOK') }}",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "{{",
    "{%",
    "}}",
    "[x](nope.md)",
    "[x](../../roles/cs/clerk.md)",
    "[x](/etc/passwd)",
    "[x](roles/index.md#nope)",
    "![i](../../../etc/passwd)",
    "---\ntemplate: ../../etc/passwd\n---\n",
    "---\ntitle: !!python/name:os.system\n---\n",
    "render_macros: true\n",
    "INHERIT: /etc/passwd\n",
    "hooks:\n  - evil.py\n",
    "plugins:\n  - evil\n",
    "plugins: search\n",
    "markdown_extensions:\n  - pymdownx.snippets\n",
    "extra_javascript:\n  - https://cdn.example.com/x.js\n",
    "extra:\n  a: !!python/object/apply:os.system ['touch " + str(MARKER) + "']\n",
    "docs_dir: /etc\n",
    "theme: readthedocs\n",
    "- a\n",
    "!ENV HOME",
    "\x1b]0;x\x07",
    "\u202e",
    "\ufeff",
    "\r",
]


def site_snippet(data: bytes, rnd: random.Random) -> bytes:
    """Drop a hostile snippet into a site file, at the start of a line or anywhere."""
    piece = rnd.choice(SITE_SNIPPETS).encode("utf-8")
    if rnd.random() < 0.6:
        starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A]
        i = rnd.choice(starts)
    else:
        i = rnd.randint(0, len(data))
    return data[:i] + piece + data[i:]


#: The mutations only the long run uses, by the names a plan gives them.
SITE_MUTATIONS = {"site_snippet": site_snippet}


def run_build(root: Path, site: Path, seconds: int = 120) -> Outcome:
    """`handbook build` in this process; judged: exit 0 or 1, no traceback, nothing ran."""
    code, out, text = run_in_process(["build", "--root", str(root), "--site-dir", str(site)], seconds)
    if code is None:
        return Outcome(-1, out, text, f"hang: build took more than {seconds} s")
    problem = None
    if code not in (0, 1):
        problem = f"build exit code {code}: {text.strip()[-300:]}"
    elif "Traceback" in text or "internal error" in text:
        problem = f"build traceback: {text.strip()[-300:]}"
    return Outcome(code, out, text, problem)


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
    parser.add_argument(
        "--build-share",
        type=float,
        default=0.15,
        help="share of the inputs that check passes with a changed site file that are also built",
    )
    args = parser.parse_args()

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rnd = random.Random(seed)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="fuzz-root-"))
    root = work / "root"
    shutil.copytree(MINI, root)
    (root / "generator" / "templates" / "site").mkdir(parents=True)  # INHERIT names the program's file by this path
    for rel, text in SITE_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    os.environ["HANDBOOK_JOBS"] = "1"
    MARKER.unlink(missing_ok=True)
    files = data_files() + sorted(SITE_FILES)
    originals = {rel: (MINI / rel).read_bytes() for rel in data_files()}
    originals.update({rel: text.encode("utf-8") for rel, text in SITE_FILES.items()})
    builds = 0

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
            plan: Plan = {rel: [("restructure", rnd.randrange(2**32))] for rel in chosen}
        else:
            chosen = rnd.sample(files, 2 if rnd.random() < 0.2 else 1)
            plan = {
                rel: [(rnd.choice(WEIGHTED_NAMES), rnd.randrange(2**32)) for _ in range(rnd.randint(1, 4))]
                for rel in chosen
            }
            for rel in chosen:  # site files: hostile snippets, alone or before the byte-level mutations
                if rel in SITE_FILES and rnd.random() < 0.7:
                    snippets = [("site_snippet", rnd.randrange(2**32)) for _ in range(rnd.randint(1, 3))]
                    plan[rel] = snippets + (plan[rel] if rnd.random() < 0.3 else [])
        try:
            apply_plan(root, plan, originals, SITE_MUTATIONS)
        except Exception as exc:
            mutator_errors += 1
            print(
                f"fuzz: mutator error (not a finding): {type(exc).__name__}: {exc} for {json.dumps(plan)}", flush=True
            )
            restore(root, plan, originals)
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
        if (
            outcome.problem is None
            and outcome.code == 0
            and any(rel in SITE_FILES for rel in plan)
            and rnd.random() < args.build_share
        ):
            builds += 1
            outcome = run_build(root, work / "site")
            exits[100 + outcome.code] += 1  # 100: built, 101: refused
        if outcome.problem is None and MARKER.exists():
            outcome = Outcome(outcome.code, outcome.stdout, outcome.stderr, "an attack ran: the marker file appeared")
            MARKER.unlink()
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
                (case / "PROBLEM.txt").write_text(
                    f"{outcome.problem}\nplan: {json.dumps(plan)}\nstderr:\n{outcome.stderr}\n", encoding="utf-8"
                )
                print(f"fuzz: NEW PROBLEM {case}: {outcome.problem[:200]}", flush=True)
        restore(root, plan, originals)
        if time.monotonic() - last_report > 60:
            last_report = time.monotonic()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(
                f"fuzz: {inputs} inputs in {last_report - started:.0f} s, exits {dict(exits)}, "
                f"{len(problems)} distinct problem(s), peak RSS {peak} MB",
                flush=True,
            )

    elapsed = time.monotonic() - started
    shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"fuzz: done. seed {seed}; ran {elapsed / 60:.1f} min; {inputs} inputs ({inputs / elapsed:.0f}/s); "
        f"exits {dict(exits)}; peak RSS {peak} MB"
    )
    print(f"fuzz: slowest input {slowest[0]:.2f} s: {slowest[1][:300]}")
    print(f"fuzz: finding codes seen: {', '.join(f'{c}×{n}' for c, n in sorted(codes.items()))}")
    print(f"fuzz: {builds} input(s) also built (exits 100+code: { ({k: v for k, v in exits.items() if k >= 100}) })")
    print(f"fuzz: {mutator_errors} mutator error(s) (inputs not run)")
    print(f"fuzz: {len(problems)} distinct problem(s)")
    for sig, n in problems.items():
        print(f"  {n:6d}× {sig}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
