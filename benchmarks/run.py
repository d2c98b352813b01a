"""The scale benchmark of issue 8: check, build, page sizes, rebuild, memory.

    .venv/bin/python benchmarks/run.py [--roles 1000] [--small-roles 100] [--json out.json]

It writes a synthetic organisation (benchmarks/synth.py) at two sizes, then measures:

* `handbook check`: in process (the `load_and_check` call alone, in a fresh interpreter)
  and as the command a person or CI runs (interpreter start and imports included);
* `handbook build` as a command, and plain MkDocs Material building the same pages;
* the size of the pages (role pages, the largest page, matrices, search indexes) at both
  sizes, to show that a page does not grow with the number of roles;
* the rebuild that `handbook serve` runs after one YAML file changed;
* peak memory (maximum resident set size) of each command.

`--search` measures the staff search instead (search_figures): the bytes the first search
on a page loads and the time from the last keystroke to the results, for a fixed query
set in both languages at both sizes, in Chromium; with `--json`, its figures are written
under "search" in that file and the other figures in it are kept.

The baseline ("what a team would have without this tool") is the very Markdown the
tool generates, both languages, with the tool's navigation (roles grouped by department),
theme features, Markdown extensions and search settings, built by two plain `mkdocs build`
commands, one per language: no data loading, no checks, no page rendering, no macros
plugin, no theme overrides.  The handbook's CSS and scripts are copied in, as a team
would keep its own.  So the ratio is the whole cost of the tool on top of MkDocs.  The
headline ratio compares like with like: the handbook builds its two languages in two
processes, so it is divided by the two plain builds run at the same time (wall and CPU
seconds); the two plain builds one after the other are shown too.

Timings are wall-clock seconds of the median of `--repeat` runs (check) or of one run
(builds); CPU seconds (user + system, children included) are given beside them because
the wall clock of a shared 2-core machine depends on whatever else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.append(str(REPO))  # after PYTHONPATH: children import the snapshot of the code
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (the generator beside this file)

PYTHON = sys.executable
BIN = Path(PYTHON).parent

TARGETS = {
    "check_s": 1.0,
    "build_ratio": 1.2,
    "median_role_page_kb": 60.0,
    "rebuild_fraction": 0.2,
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One command: wall and CPU seconds, peak resident memory, exit code."""

    wall: float
    cpu: float
    max_rss_mb: float
    code: int
    output: str


#: Where the children import `generator` from: a copy taken when the run starts, so that
#: every figure of one run measures the same code even while the work tree changes.
CODE = {"dir": REPO}


def snapshot_code(work: Path) -> None:
    target = work / "code"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "generator", target / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    CODE["dir"] = target


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(CODE["dir"]), str(HERE)])
    return env


def measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd`; os.wait4 gives the peak RSS of this child (and the children it waited for)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env or child_env(), cwd=CODE["dir"])
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, text)


def _must(run: Run, what: str) -> Run:
    if run.code != 0:
        raise SystemExit(f"benchmark: {what} failed (exit {run.code}):\n{run.output[-3000:]}")
    return run


def python_snippet(code: str, *args: str) -> dict[str, Any]:
    """Run `code` in a fresh interpreter of the venv; it prints one JSON object last."""
    run = _must(measured([PYTHON, "-c", code, *args]), "a measuring snippet")
    data = json.loads(run.output.strip().splitlines()[-1])
    data["process_max_rss_mb"] = run.max_rss_mb
    return data


CHECK_IN_PROCESS = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from generator.pipeline import load_and_check
t1 = time.perf_counter(); c1 = time.process_time()
book, findings = load_and_check(Path(sys.argv[1]))
t2 = time.perf_counter(); c2 = time.process_time()
print(json.dumps({"import_s": t1 - t0, "wall": t2 - t1, "cpu": c2 - c1,
                  "errors": sum(f.severity == "error" for f in findings),
                  "warnings": sum(f.severity == "warning" for f in findings),
                  "roles": len(book.roles), "procedures": len(book.procedures)}))
"""

#: What `handbook serve` runs when a file changes (generator.site.serve → rebuild()):
#: look for changes, load and check everything, then bring the site up to date: with
#: `site.LiveSite` (serve's incremental rebuild: only the pages that changed are rendered
#: again) where the code has it, else a whole build into a scratch folder swapped in.
#: Measured in one warm process, as serve's is: the modules are imported, jieba's
#: dictionary is loaded, the handbook was loaded once and serve's first (full) build is
#: done before the edit.  CPU seconds include the worker processes of the rebuild.
REBUILD = r"""
import json, os, sys, time
from pathlib import Path
from generator import site
from generator.pipeline import load_and_check
root, site_dir, edit = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
incremental = [
    name for name in ("LiveSite", "rebuild", "incremental_build", "rebuild_changed", "Builder") if hasattr(site, name)
]
live = site.LiveSite(root, site_dir) if hasattr(site, "LiveSite") else None

t0 = time.perf_counter()
book, _ = load_and_check(root)
import mkdocs.commands.build, material  # noqa: E401,F401
try:
    import jieba
    jieba.initialize()
except ImportError:
    pass
if live is not None:
    live.rebuild(book)  # serve's first build
first = time.perf_counter() - t0
snapshot = getattr(site, "_snapshot", None)
before = snapshot(root) if snapshot else None
text = edit.read_text(encoding="utf-8")
edit.write_text(text.replace("zh: ", "zh: （已修订）", 1).replace("en: ", "en: (revised) ", 1), encoding="utf-8")
t1 = time.perf_counter(); changed = snapshot(root) != before if snapshot else True; t2 = time.perf_counter()
c0 = os.times()
book, findings = load_and_check(root); t3 = time.perf_counter()
if live is not None:
    report = live.rebuild(book)
    pages = report.pages if report.incremental else None
else:
    site.build_site(book, root, site_dir, with_pdf=False)
    pages = None
t4 = time.perf_counter()
c1 = os.times()
cpu = (c1.user + c1.system + c1.children_user + c1.children_system) - (
    c0.user + c0.system + c0.children_user + c0.children_system
)
edit.write_text(text, encoding="utf-8")
if live is not None:
    live.close()
print(json.dumps({"warm_up_s": first, "detect_s": t2 - t1, "detected": changed, "check_s": t3 - t2,
                  "build_s": t4 - t3, "rebuild_s": t4 - t2, "rebuild_cpu_s": cpu,
                  "incremental_api": incremental, "pages_rendered_again": pages}))
"""


# --------------------------------------------------------------------------- the baseline

WRITE_BASELINE = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from run import write_baseline
print(json.dumps({lang: str(p) for lang, p in write_baseline(Path(sys.argv[1]), Path(sys.argv[2])).items()}))
"""


def write_baseline(root: Path, out: Path) -> dict[str, Path]:
    """The tool's generated Markdown and navigation as two plain MkDocs projects (zh, en)."""
    import yaml
    from generator import site
    from generator.pages import LANGS, navigation
    from generator.pipeline import load_and_check

    book, findings = load_and_check(root)
    if any(f.severity == "error" for f in findings):
        raise SystemExit("benchmark: the synthetic organisation does not pass check")
    base = site.read_config(site.BASE_CONFIG)
    if out.exists():
        shutil.rmtree(out)
    configs: dict[str, Path] = {}
    for lang in LANGS:
        docs = out / lang / "docs"
        handwritten = site.prepare_docs(book, root, lang, docs, offline=False, pdfs=[])
        theme = {k: v for k, v in base["theme"].items() if k != "custom_dir"}
        theme["language"] = lang
        cfg = {
            "site_name": getattr(book.meta.title, lang) if book.meta else "Handbook",
            "docs_dir": "docs",
            "site_dir": str(out / "site" / site.LANG_DIRS[lang]),
            "use_directory_urls": True,
            "theme": theme,
            "extra_css": [e for e in base.get("extra_css", []) if (docs / e).is_file()],
            "extra": {"alternate": site._alternate(lang)},
            "plugins": [{"search": {"lang": [lang], "pipeline": ["stopWordFilter"]}}],
            "markdown_extensions": base.get("markdown_extensions", []),
            "nav": navigation(book, lang, handwritten),
        }
        path = out / lang / "mkdocs.yml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
        configs[lang] = path
    return configs


def build_baseline(configs: dict[str, Path], parallel: bool) -> Run:
    """`mkdocs build` per language, one after the other (or both at once)."""
    cmds = [[str(BIN / "mkdocs"), "build", "--quiet", "-f", str(cfg)] for cfg in configs.values()]
    if not parallel:
        runs = [_must(measured(cmd), "plain mkdocs build") for cmd in cmds]
        return Run(sum(r.wall for r in runs), sum(r.cpu for r in runs), max(r.max_rss_mb for r in runs), 0, "")
    # Each into a folder of its own: the zh build would empty its site folder, en/ included.
    scratch = Path(tempfile.mkdtemp(prefix="parallel-", dir=next(iter(configs.values())).parent.parent))
    cmds = [[*cmd, "-d", str(scratch / lang)] for cmd, lang in zip(cmds, configs, strict=True)]
    start = time.perf_counter()
    before = os.times()
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=CODE["dir"], env=child_env())
        for cmd in cmds
    ]
    outcomes = [p.communicate() for p in procs]
    wall = time.perf_counter() - start
    after = os.times()
    shutil.rmtree(scratch, ignore_errors=True)
    if any(p.returncode for p in procs):
        raise SystemExit(
            "benchmark: plain mkdocs build (parallel) failed:\n"
            + "\n".join(err.decode()[-2000:] for _, err in outcomes)
        )
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(wall, cpu, float("nan"), 0, "")


# --------------------------------------------------------------------------- page sizes


def _kb(n: int | float) -> float:
    return round(n / 1000, 1)


def page_sizes(site_dir: Path) -> dict[str, Any]:
    """Sizes in kB (1,000 bytes) of the built site's pages, per language."""
    out: dict[str, Any] = {}
    langs = {"zh": site_dir, "en": site_dir / "en"}
    for lang, top in langs.items():
        pages = [p for p in top.rglob("*.html") if lang == "en" or p.relative_to(top).parts[0] != "en"]
        sizes = {p.relative_to(site_dir).as_posix(): p.stat().st_size for p in pages}
        roles = [
            s
            for k, s in sizes.items()
            if k.startswith(f"{'en/' if lang == 'en' else ''}roles/") and k.count("/") == (3 if lang == "en" else 2)
        ]
        dept_matrices = [
            s
            for k, s in sizes.items()
            if f"{'en/' if lang == 'en' else ''}matrix/" in k and not k.endswith("matrix/index.html")
        ]
        largest = max(sizes, key=sizes.__getitem__)
        index = top / "search" / "search_index.json"
        search_files = [index] if index.is_file() else sorted((top / "search").glob("*.js"))
        matrix = top / "matrix" / "index.html"
        out[lang] = {
            "pages": len(sizes),
            "median_page_kb": _kb(statistics.median(sizes.values())),
            "role_pages": len(roles),
            "median_role_page_kb": _kb(statistics.median(roles)) if roles else None,
            "largest_role_page_kb": _kb(max(roles)) if roles else None,
            "largest_page": largest,
            "largest_page_kb": _kb(sizes[largest]),
            # Material's one file, or the handbook's staff index (all its files; a search loads a few).
            "search_index_kb": _kb(sum(f.stat().st_size for f in search_files)) if search_files else None,
            "matrix_page_kb": _kb(matrix.stat().st_size) if matrix.is_file() else None,
            "department_matrix_pages": len(dept_matrices),
            "median_department_matrix_kb": _kb(statistics.median(dept_matrices)) if dept_matrices else None,
            "largest_department_matrix_kb": _kb(max(dept_matrices)) if dept_matrices else None,
        }
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    out["site_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 1)
    out["site_files"] = len(files)
    return out


# --------------------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        kb = int(
            next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1]
        )
        ram = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for pkg in ("mkdocs", "mkdocs-material", "pydantic", "PyYAML", "Jinja2", "jieba"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:
            pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": ram,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "packages": versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "code": _revision(),
    }


def _revision() -> str:
    """The commit measured, and the generator files that differ from it (a shared work tree)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator"], cwd=REPO, capture_output=True, text=True
        ).stdout.split("\n")
    except OSError:
        return "unknown"
    changed = sorted(line[3:] for line in dirty if line.strip())
    return head + (f" + uncommitted {', '.join(changed)}" if changed else "")


# --------------------------------------------------------------------------- the run


def check_figures(root: Path, repeat: int) -> dict[str, Any]:
    inproc = [python_snippet(CHECK_IN_PROCESS, str(root)) for _ in range(repeat)]
    cli = [measured([str(BIN / "handbook"), "check", "--root", str(root)]) for _ in range(repeat)]
    if inproc[0]["errors"] or any(r.code for r in cli):
        raise SystemExit(f"benchmark: the synthetic organisation has errors:\n{cli[0].output[-3000:]}")
    return {
        "in_process_s": round(statistics.median(r["wall"] for r in inproc), 3),
        "in_process_cpu_s": round(statistics.median(r["cpu"] for r in inproc), 3),
        "import_s": round(statistics.median(r["import_s"] for r in inproc), 3),
        "cli_s": round(statistics.median(r.wall for r in cli), 3),
        "cli_cpu_s": round(statistics.median(r.cpu for r in cli), 3),
        "max_rss_mb": round(max(r.max_rss_mb for r in cli), 1),
        "warnings": inproc[0]["warnings"],
        "runs": repeat,
    }


def build_figures(root: Path, site_dir: Path) -> dict[str, Any]:
    run = _must(
        measured([str(BIN / "handbook"), "build", "--root", str(root), "--site-dir", str(site_dir)]), "handbook build"
    )
    return {"cli_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2), "max_rss_mb": round(run.max_rss_mb, 1)}


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work or tempfile.mkdtemp(prefix="handbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine(), "sizes": {}}
    snapshot_code(work)
    sizes = [args.roles] + ([args.small_roles] if args.small_roles and args.small_roles != args.roles else [])
    for n in sizes:
        log(f"— {n:,} roles: generating")
        root = work / f"org-{n}"
        summary = synth.write_organisation(
            root, roles=n, procedures=args.procedures if n == args.roles else max(2, args.procedures * n // args.roles)
        )
        entry: dict[str, Any] = {"organisation": summary}
        entry["data_mb"] = round(sum(p.stat().st_size for p in root.rglob("*.yml")) / 1e6, 1)
        log(f"— {n:,} roles: check ×{args.repeat}")
        entry["check"] = check_figures(root, args.repeat)
        log(f"— {n:,} roles: handbook build")
        site_dir = work / f"site-{n}"
        entry["build"] = build_figures(root, site_dir)
        entry["pages"] = page_sizes(site_dir)
        if n == args.roles:
            log(f"— {n:,} roles: plain MkDocs baseline (sequential, then parallel)")
            # In a child process: the benchmark itself must stay small, or every command it
            # starts afterwards reports the parent's memory as its own peak (Linux
            # carries the resident size over fork into ru_maxrss).
            configs = {
                lang: Path(p)
                for lang, p in python_snippet(WRITE_BASELINE, str(root), str(work / f"baseline-{n}"), str(HERE)).items()
                if lang in ("zh", "en")
            }
            seq = build_baseline(configs, parallel=False)
            par = build_baseline(configs, parallel=True)
            entry["baseline"] = {
                "sequential_s": round(seq.wall, 2),
                "sequential_cpu_s": round(seq.cpu, 2),
                "max_rss_mb": round(seq.max_rss_mb, 1),
                "parallel_s": round(par.wall, 2),
                "parallel_cpu_s": round(par.cpu, 2),
            }
            # Like with like: both languages at once against both plain builds at once.
            entry["build_ratio"] = round(entry["build"]["cli_s"] / par.wall, 2)
            entry["build_ratio_cpu"] = round(entry["build"]["cpu_s"] / par.cpu, 2)
            entry["build_ratio_sequential"] = round(entry["build"]["cli_s"] / seq.wall, 2)
            entry["baseline_pages"] = page_sizes(work / f"baseline-{n}" / "site")
            log(f"— {n:,} roles: rebuild after one YAML edit, as serve does")
            edit = sorted((root / "roles").rglob("*.yml"))[-1]
            serve_dir = work / f"serve-{n}"
            reb = python_snippet(REBUILD, str(root), str(serve_dir), str(edit))
            shutil.rmtree(serve_dir, ignore_errors=True)
            reb = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in reb.items()}
            reb["edited"] = edit.relative_to(root).as_posix()
            reb["fraction_of_full_build"] = round(reb["rebuild_s"] / entry["build"]["cli_s"], 2)
            entry["rebuild"] = reb
        result["sizes"][str(n)] = entry
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["targets"] = verdicts(result, args.roles, args.small_roles)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def verdicts(result: dict[str, Any], big: int, small: int | None) -> dict[str, Any]:
    b = result["sizes"][str(big)]
    out: dict[str, Any] = {
        "check_under_1s": {
            "value": b["check"]["in_process_s"],
            "cli": b["check"]["cli_s"],
            "target": TARGETS["check_s"],
            "met": b["check"]["in_process_s"] < TARGETS["check_s"],
        },
        "build_vs_plain_mkdocs": {
            "value": b.get("build_ratio"),
            "cpu": b.get("build_ratio_cpu"),
            "target": TARGETS["build_ratio"],
            "met": b.get("build_ratio") is not None and b["build_ratio"] <= TARGETS["build_ratio"],
        },
    }
    medians = {lang: b["pages"][lang]["median_role_page_kb"] for lang in ("zh", "en")}
    flat: dict[str, Any] = {"at_big": medians, "target_kb": TARGETS["median_role_page_kb"]}
    met = all(v is not None and v < TARGETS["median_role_page_kb"] for v in medians.values())
    if small and str(small) in result["sizes"]:
        s = result["sizes"][str(small)]
        small_medians = {lang: s["pages"][lang]["median_role_page_kb"] for lang in ("zh", "en")}
        growth = {lang: round(medians[lang] / small_medians[lang], 2) for lang in medians if small_medians[lang]}
        flat.update(at_small=small_medians, growth=growth)
        met = met and all(g <= 1.1 for g in growth.values())
    flat["met"] = met
    out["median_role_page_small_and_flat"] = flat
    if "rebuild" in b:
        out["rebuild_fifth_of_build"] = {
            "value": b["rebuild"]["fraction_of_full_build"],
            "target": TARGETS["rebuild_fraction"],
            "met": b["rebuild"]["fraction_of_full_build"] <= TARGETS["rebuild_fraction"],
        }
    return out


# --------------------------------------------------------------------------- the PDF set (issue 12)
# Self-contained: `benchmarks/run.py --pdf [--pdf-roles 100,1000]` runs only this part and
# merges its figures into the --json file under "pdf", leaving the other figures alone.

PDF_TARGETS = {"roles": 1000, "full_s": 600.0, "disk_mb": 1000.0, "peak_mb": 4096.0, "incremental_fraction": 0.1}


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 1e6


def measured_tree(cmd: list[str]) -> tuple[Run, float]:
    """Like `measured`, and the peak of the whole process tree's memory (the workers run at
    once, so the peak of one process understates it), sampled every 0.2 s."""
    import threading

    peak = [0.0]
    done = threading.Event()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=child_env(), cwd=CODE["dir"])

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
                done.wait(0.2)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        thread.join()
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), text
    ), round(peak[0], 1)


def _pdf_files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in out.rglob("*.pdf")}


def _pages(paths: list[Path]) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(p).pages) for p in paths)


def pdf_figures(n: int, work: Path) -> dict[str, Any]:
    """The full PDF set of an n-role organisation, then the run after one YAML edit."""
    root = work / f"pdf-org-{n}"
    summary = synth.write_organisation(root, roles=n, procedures=max(2, n // 10))
    out = work / f"pdf-out-{n}"
    load = os.getloadavg()
    log(f"— PDF {n:,} roles: the full set (load {load[0]:.1f})")
    full, peak = measured_tree([str(BIN / "handbook"), "pdf", "--root", str(root), "--out", str(out)])
    _must(full, "handbook pdf")
    files = _pdf_files(out)
    disk = sum(p.stat().st_blocks * 512 for p in files.values())
    kinds: dict[str, int] = {}
    kind_pages: dict[str, int] = {}
    for rel, path in files.items():
        kind = rel.split("/")[1] if rel.count("/") > 1 else rel.split("/")[-1]
        kinds[kind] = kinds.get(kind, 0) + 1
        kind_pages[kind] = kind_pages.get(kind, 0) + _pages([path])
    pages = sum(kind_pages.values())
    before = {rel: p.stat().st_mtime_ns for rel, p in files.items()}
    # One edit as a maintainer makes it: one role's title reworded (the first zh / en of the
    # file), which also changes the sheets that name the role (its superior's, its reports').
    edit = sorted((root / "roles").rglob("*.yml"))[len(before) % 7]
    text = edit.read_text(encoding="utf-8")
    edit.write_text(text.replace("zh: ", "zh: （已修订）", 1).replace("en: ", "en: (revised) ", 1), encoding="utf-8")
    log(f"— PDF {n:,} roles: after editing {edit.relative_to(root)}")
    again, again_peak = measured_tree([str(BIN / "handbook"), "pdf", "--root", str(root), "--out", str(out)])
    _must(again, "handbook pdf after an edit")
    after = {rel: p.stat().st_mtime_ns for rel, p in _pdf_files(out).items()}
    rewritten = sorted(rel for rel in after if before.get(rel) != after[rel])
    log(f"— PDF {n:,} roles: once more, nothing changed")
    noop, _ = measured_tree([str(BIN / "handbook"), "pdf", "--root", str(root), "--out", str(out)])
    _must(noop, "handbook pdf without a change")
    from generator import pdf as printing  # the snapshot's threshold, to name the set printed

    return {
        "organisation": summary,
        "set": "group (bilingual role documents)" if n > printing.SMALL else "property (every edition, packs)",
        "documents": len(files),
        "by_kind": kinds,
        "pages": pages,
        "pages_by_kind": kind_pages,  # a booklet's pages are its sheets' pages again: written, not laid out
        "wall_s": round(full.wall, 1),
        "cpu_s": round(full.cpu, 1),
        "peak_mb": peak,
        "disk_mb": round(disk / 1e6, 1),
        "cpu_s_per_page": round(full.cpu / pages, 3),
        "cpu_s_per_role": round(full.cpu / n, 2),
        "wall_s_per_page": round(full.wall / pages, 3),
        "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "incremental": {
            "edited": edit.relative_to(root).as_posix(),
            "wall_s": round(again.wall, 1),
            "cpu_s": round(again.cpu, 1),
            "peak_mb": again_peak,
            "rewritten": len(rewritten),
            "rewritten_sample": rewritten[:12],
            "fraction_of_full": round(again.wall / full.wall, 3),
            "cpu_fraction_of_full": round(again.cpu / full.cpu, 3),
            "no_change_wall_s": round(noop.wall, 1),
            "no_change_cpu_s": round(noop.cpu, 1),
        },
    }


def pdf_projection(sizes: dict[str, Any]) -> dict[str, Any] | None:
    """The figures at PDF_TARGETS["roles"]: measured if that size ran, else scaled linearly
    from the largest size measured (the work is per role and per department, both linear
    in the number of roles); wall time projected as CPU s over 2 idle cores."""
    n = PDF_TARGETS["roles"]
    if str(n) in sizes:
        e = sizes[str(n)]
        return {
            "projected": False,
            "from_roles": n,
            "wall_s": e["wall_s"],
            "cpu_s": e["cpu_s"],
            "idle_2_core_wall_s": round(e["cpu_s"] / 2, 1),
            "disk_mb": e["disk_mb"],
            "peak_mb": e["peak_mb"],
            "incremental_fraction": e["incremental"]["cpu_fraction_of_full"],
        }
    if not sizes:
        return None
    m = max(int(k) for k in sizes)
    e, f = sizes[str(m)], n / m
    return {
        "projected": True,
        "from_roles": m,
        "wall_s": None,
        "cpu_s": round(e["cpu_s"] * f, 1),
        "idle_2_core_wall_s": round(e["cpu_s"] * f / 2, 1),
        "disk_mb": round(e["disk_mb"] * f, 1),
        # A worker holds one department's layouts at a time: the peak does not grow with the roles.
        "peak_mb": e["peak_mb"],
        # The edit lays out one role and its department's sheets (a constant); loading and
        # hashing (the run without a change) grow with the roles.
        "incremental_fraction": round(
            (e["incremental"]["cpu_s"] - e["incremental"]["no_change_cpu_s"] + e["incremental"]["no_change_cpu_s"] * f)
            / (e["cpu_s"] * f),
            4,
        ),
    }


def pdf_verdicts(sizes: dict[str, Any]) -> dict[str, Any]:
    """Each target at 1,000 roles, met or not, measured or projected (see pdf_projection).

    Time is judged on CPU seconds over the 2 cores (the machine is shared, so the wall
    clock of a loaded run says more about the other users than about the program); the
    wall clock is reported beside it."""
    p = pdf_projection(sizes)
    if p is None:
        return {}

    def verdict(value: float, target: float) -> dict[str, Any]:
        return {"value": value, "target": target, "met": value <= target, "projected": p["projected"]}

    return {
        "full_set_10_min": {
            **verdict(p["idle_2_core_wall_s"], PDF_TARGETS["full_s"]),
            "wall_s_under_load": p["wall_s"],
        },
        "disk_1_gb": verdict(p["disk_mb"], PDF_TARGETS["disk_mb"]),
        "peak_4_gb": verdict(p["peak_mb"], PDF_TARGETS["peak_mb"]),
        "incremental_tenth": verdict(p["incremental_fraction"], PDF_TARGETS["incremental_fraction"]),
        "basis": f"{'projected from' if p['projected'] else 'measured at'} {p['from_roles']:,} roles",
    }


def pdf_table(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    rows = [("", *[f"{int(n):,} roles" for n in sizes])]

    def row(label: str, get) -> None:
        rows.append((label, *[str(get(sizes[n])) for n in sizes]))

    row("set printed", lambda e: e["set"])
    row("documents (files)", lambda e: f"{e['documents']:,}")
    row("pages", lambda e: f"{e['pages']:,}")
    row("full set: wall s under load (CPU s)", lambda e: f"{e['wall_s']} ({e['cpu_s']})")
    row("CPU s per page / per role", lambda e: f"{e['cpu_s_per_page']} / {e['cpu_s_per_role']}")
    row("peak memory, all processes (MB)", lambda e: e["peak_mb"])
    row("on disk (MB)", lambda e: e["disk_mb"])
    row("after one YAML edit: wall s (CPU s)", lambda e: f"{e['incremental']['wall_s']} ({e['incremental']['cpu_s']})")
    row("after one edit: files written again", lambda e: e["incremental"]["rewritten"])
    row(
        "after one edit ÷ full set: CPU (wall)",
        lambda e: f"{e['incremental']['cpu_fraction_of_full']} ({e['incremental']['fraction_of_full']})",
    )
    row(
        "no change: wall s (CPU s)",
        lambda e: f"{e['incremental']['no_change_wall_s']} ({e['incremental']['no_change_cpu_s']})",
    )
    row("load average before → after", lambda e: f"{e['load_average_before'][0]} → {e['load_average_after'][0]}")
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in width) + "|")
    out = "\n".join(lines)
    t = result["targets"]
    if t:

        def yes(v: dict[str, Any]) -> str:
            return "yes" if v["met"] else "no"

        out += f"\n\n| PDF target at 1,000 roles ({t['basis']}) | figure | met |\n|---|---|---|\n"
        full = t["full_set_10_min"]
        under = f"; wall under load {full['wall_s_under_load']} s" if full["wall_s_under_load"] is not None else ""
        out += f"| full set ≤ 10 min on 2 cores | CPU s ÷ 2 = {full['value']} s{under} | {yes(full)} |\n"
        out += f"| ≤ 1 GB on disk | {t['disk_1_gb']['value']} MB | {yes(t['disk_1_gb'])} |\n"
        out += f"| peak memory ≤ 4 GB | {t['peak_4_gb']['value']} MB | {yes(t['peak_4_gb'])} |\n"
        inc = t["incremental_tenth"]
        out += f"| after one edit ≤ 1/10 of the full set (CPU) | {inc['value']} | {yes(inc)} |"
    return out


def run_pdf(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work or tempfile.mkdtemp(prefix="handbook-bench-pdf-"))
    work.mkdir(parents=True, exist_ok=True)
    snapshot_code(work)
    result: dict[str, Any] = {
        "machine": machine(),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "sizes": {},
    }
    for n in sorted(int(x) for x in args.pdf_roles.split(",") if x.strip()):
        result["sizes"][str(n)] = pdf_figures(n, work)
    result["uptime_at_end"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result["targets"] = pdf_verdicts(result["sizes"])
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


# --------------------------------------------------------------------------- output


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table (the docs page shows the same)."""
    rows: list[tuple[str, ...]] = []
    sizes = list(result["sizes"])
    head = ("", *[f"{int(n):,} roles" for n in sizes])

    def row(label: str, get) -> None:
        cells = []
        for n in sizes:
            try:
                value = get(result["sizes"][n])
            except (KeyError, TypeError):
                value = None
            cells.append("—" if value is None else str(value))
        rows.append((label, *cells))

    row("data (YAML files, MB)", lambda e: f"{e['organisation']['files']:,} files, {e['data_mb']} MB")
    row("duties", lambda e: f"{e['organisation']['duties']:,}")
    row("`check` in process (s, CPU s)", lambda e: f"{e['check']['in_process_s']} ({e['check']['in_process_cpu_s']})")
    row("`handbook check` command (s)", lambda e: e["check"]["cli_s"])
    row("`check` peak memory (MB)", lambda e: e["check"]["max_rss_mb"])
    row("`handbook build` command (s, CPU s)", lambda e: f"{e['build']['cli_s']} ({e['build']['cpu_s']})")
    row("`build` peak memory (MB)", lambda e: e["build"]["max_rss_mb"])
    row(
        "plain MkDocs, zh then en (s, CPU s)",
        lambda e: f"{e['baseline']['sequential_s']} ({e['baseline']['sequential_cpu_s']})",
    )
    row(
        "plain MkDocs, zh and en in parallel (s, CPU s)",
        lambda e: f"{e['baseline']['parallel_s']} ({e['baseline']['parallel_cpu_s']})",
    )
    row("build ÷ plain MkDocs in parallel (wall; CPU)", lambda e: f"{e['build_ratio']}; {e['build_ratio_cpu']}")
    row("build ÷ plain MkDocs one after the other (wall)", lambda e: e.get("build_ratio_sequential"))
    row(
        "rebuild after one YAML edit (s)",
        lambda e: f"{e['rebuild']['rebuild_s']} (check {e['rebuild']['check_s']}, build {e['rebuild']['build_s']})",
    )
    row("rebuild ÷ full build", lambda e: e["rebuild"]["fraction_of_full_build"])
    row(
        "pages MkDocs renders again after the edit (zh, en)",
        lambda e: (
            ", ".join(str(v) for v in e["rebuild"]["pages_rendered_again"].values())
            if e["rebuild"].get("pages_rendered_again")
            else None
        ),
    )
    for lang in ("zh", "en"):
        row(f"{lang}: pages", lambda e, lg=lang: f"{e['pages'][lg]['pages']:,}")
        row(
            f"{lang}: median / largest role page (kB)",
            lambda e, lg=lang: f"{e['pages'][lg]['median_role_page_kb']} / {e['pages'][lg]['largest_role_page_kb']}",
        )
        row(f"{lang}: median page (kB)", lambda e, lg=lang: e["pages"][lg]["median_page_kb"])
        row(
            f"{lang}: largest page (kB)",
            lambda e, lg=lang: f"{e['pages'][lg]['largest_page_kb']} (`{e['pages'][lg]['largest_page']}`)",
        )
        row(f"{lang}: search index (kB)", lambda e, lg=lang: e["pages"][lg]["search_index_kb"])
        row(f"{lang}: permission matrix, whole organisation (kB)", lambda e, lg=lang: e["pages"][lg]["matrix_page_kb"])
        row(
            f"{lang}: permission matrix per department, median / largest (kB)",
            lambda e, lg=lang: (
                f"{e['pages'][lg]['median_department_matrix_kb']} / {e['pages'][lg]['largest_department_matrix_kb']}"
            ),
        )
    row("whole site (MB, files)", lambda e: f"{e['pages']['site_mb']} MB, {e['pages']['site_files']:,} files")
    row(
        "plain MkDocs site (MB, files)",
        lambda e: f"{e['baseline_pages']['site_mb']} MB, {e['baseline_pages']['site_files']:,} files",
    )
    width = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(head, width, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in width) + "|",
    ]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) + " |" for r in rows]
    return "\n".join(lines)


def targets_table(result: dict[str, Any]) -> str:
    lines = ["| target | measured | met |", "|---|---|---|"]
    t = result["targets"]
    lines.append(
        f"| check under {TARGETS['check_s']} s | {t['check_under_1s']['value']} s in process,"
        f" {t['check_under_1s']['cli']} s as a command | {'yes' if t['check_under_1s']['met'] else 'no'} |"
    )
    lines.append(
        f"| build ≤ {TARGETS['build_ratio']} × plain MkDocs (both in parallel) | "
        f"{t['build_vs_plain_mkdocs']['value']} × wall, {t['build_vs_plain_mkdocs']['cpu']} × CPU | "
        f"{'yes' if t['build_vs_plain_mkdocs']['met'] else 'no'} |"
    )
    f = t["median_role_page_small_and_flat"]
    growth = f.get("growth", {})
    lines.append(
        f"| median role page < {TARGETS['median_role_page_kb']:.0f} kB, flat | zh {f['at_big']['zh']} kB,"
        f" en {f['at_big']['en']} kB; growth from the small size: {growth} | {'yes' if f['met'] else 'no'} |"
    )
    if "rebuild_fifth_of_build" in t:
        r = t["rebuild_fifth_of_build"]
        lines.append(
            f"| rebuild ≤ {TARGETS['rebuild_fraction']} of a full build | {r['value']} | {'yes' if r['met'] else 'no'}"
            " |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- search (--search)

#: The fixed query set of the search benchmark, for the synthetic organisation
#: (benchmarks/synth.py): a post, a duty's words, a question about an authority, a
#: procedure, an inflected English word, a glossary term.
SEARCH_QUERIES = {
    "zh": ["前台调度员", "钥匙交接", "谁审批装修", "电梯困人", "费用催缴", "退款处理"],
    "en": [
        "Front Desk Dispatcher",
        "handover of keys",
        "who may approve refunds",
        "people trapped in a lift",
        "evacuation routes",
        "payment reminders",
    ],
}
SEARCH_TARGETS = {"first_search_kb": 300.0, "results_ms": 300.0}

#: In the page before any script: when the last key went in, when results were shown.
_SEARCH_TIMER = """
window.__hbBench = { input: 0, focus: 0, shown: {} };
document.addEventListener("input", function () { window.__hbBench.input = performance.now(); }, true);
document.addEventListener("focusin", function () {
  if (!window.__hbBench.focus) window.__hbBench.focus = performance.now();
}, true);
document.addEventListener("hb-search:results", function (e) {
  window.__hbBench.shown[e.detail.query] = { at: performance.now(), count: e.detail.count };
});
"""


def _search_one(browser: Any, url: str, folder: Path, prefix: str, query: str, typed: bool) -> dict[str, Any]:
    """One query on a fresh page (empty cache): bytes of the index loaded before and after
    the search box was used, and the time from the last keystroke to the results."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_SEARCH_TIMER)
    loaded: list[str] = []
    foreign: list[str] = []

    def route(r: Any) -> None:
        u = r.request.url
        if u.startswith((prefix, "file:", "data:")):
            loaded.append(u.split("#")[0].split("?")[0])
            r.continue_()
        else:
            foreign.append(u)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page_files = list(loaded)
        before = [u for u in page_files if "/search/" in u]
        box = page.locator("input.md-search__input")
        box.click()
        if typed:  # English is typed key by key (a search runs after every key)
            box.press_sequentially(query, delay=90)
        else:  # Chinese arrives whole from the input method
            box.fill(query)
        page.wait_for_function("q => window.__hbBench.shown[q] !== undefined", arg=query, timeout=30000)
        timing = page.evaluate(
            "q => ({ms: window.__hbBench.shown[q].at - window.__hbBench.input, "
            "from_focus_ms: window.__hbBench.shown[q].at - window.__hbBench.focus, count:"
            " window.__hbBench.shown[q].count})",
            query,
        )
        after = [u for u in loaded[len(page_files) :] if "/search/" in u]
    finally:
        context.close()

    def size(u: str) -> int:
        rel = u[len(prefix) :]
        path = folder / rel
        return path.stat().st_size if path.is_file() else 0

    return {
        "query": query,
        "ms": round(timing["ms"], 1),
        "from_focus_ms": round(timing["from_focus_ms"], 1),
        "results": timing["count"],
        "kb": _kb(sum(size(u) for u in after)),
        "files": len(after),
        "index_kb_before_use": _kb(sum(size(u) for u in before)),
        "page_load_kb": _kb(sum(size(u) for u in page_files)),
        "foreign_requests": len(foreign),
    }


def _search_site(
    browser: Any, site: Path, offline: bool, role: str, lang: str, queries: list[str]
) -> list[dict[str, Any]]:
    lang_dir = "" if lang == "zh" else "en/"
    if offline:
        prefix = site.resolve().as_uri() + "/"
        return [
            _search_one(browser, prefix + lang_dir + f"roles/{role}.html", site, prefix, q, typed=lang == "en")
            for q in queries
        ]
    if str(REPO / "tests") not in sys.path:
        sys.path.append(str(REPO / "tests"))
    from support import serving  # the tests' loopback server: one helper for tests and benchmark

    with serving(site.resolve(), "/intranet/handbook/") as prefix:
        return [
            _search_one(browser, prefix + lang_dir + f"roles/{role}/", site, prefix, q, typed=lang == "en")
            for q in queries
        ]


def _index_kb(site: Path) -> dict[str, Any]:
    out = {}
    for lang, sub in (("zh", ""), ("en", "en/")):
        folder = site / sub / "search"
        files = list(folder.glob("*.js"))
        out[lang] = {
            "files": len(files),
            "total_kb": _kb(sum(f.stat().st_size for f in files)),
            "largest_kb": _kb(max((f.stat().st_size for f in files), default=0)),
        }
    return out


def search_figures(sizes: list[int], work: Path, procedures: int, roles_big: int) -> dict[str, Any]:
    """The staff search at each size, both languages, in Chromium: bytes of the index
    loaded by the first search on a page, and the time from the last keystroke to the
    results; served from a sub-path, and the offline copy from disk at the smaller size."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {
        "queries": SEARCH_QUERIES,
        "targets": SEARCH_TARGETS,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for n in sizes:
                root = work / f"org-{n}"
                if not (root / "handbook.yml").is_file():
                    log(f"— search, {n:,} roles: generating")
                    synth.write_organisation(
                        root, roles=n, procedures=procedures if n == roles_big else max(2, procedures * n // roles_big)
                    )
                variants = [("served", False)] + ([("offline", True)] if n == min(sizes) else [])
                entry: dict[str, Any] = {}
                for name, offline in variants:
                    site = work / f"search-site-{n}-{name}"
                    log(f"— search, {n:,} roles: handbook build ({name})")
                    cmd = [str(BIN / "handbook"), "build", "--root", str(root), "--site-dir", str(site)] + (
                        ["--offline"] if offline else []
                    )
                    build = _must(measured(cmd), "handbook build")
                    role = sorted(p.stem for p in (root / "roles").rglob("*.yml"))[
                        len(list((root / "roles").rglob("*.yml"))) // 2
                    ]
                    per_lang = {}
                    for lang in ("zh", "en"):
                        log(f"— search, {n:,} roles, {name}, {lang}: {len(SEARCH_QUERIES[lang])} queries in Chromium")
                        runs = _search_site(browser, site, offline, role, lang, SEARCH_QUERIES[lang])
                        per_lang[lang] = {
                            "queries": runs,
                            "max_kb": max(r["kb"] for r in runs),
                            "max_ms": max(r["ms"] for r in runs),
                            "median_ms": round(statistics.median(r["ms"] for r in runs), 1),
                            "index_kb_before_use": max(r["index_kb_before_use"] for r in runs),
                            "foreign_requests": sum(r["foreign_requests"] for r in runs),
                        }
                    entry[name] = {"build_s": round(build.wall, 2), "index": _index_kb(site), "langs": per_lang}
                    shutil.rmtree(site, ignore_errors=True)
                    shutil.rmtree(site.parent / f"www-{site.name}", ignore_errors=True)
                out[str(n)] = entry
        finally:
            browser.close()
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    big = out.get(str(roles_big), {}).get("served", {}).get("langs", {})
    out["verdicts"] = {
        lang: {
            "first_search_kb": {
                "value": v["max_kb"],
                "target": SEARCH_TARGETS["first_search_kb"],
                "met": v["max_kb"] <= SEARCH_TARGETS["first_search_kb"],
            },
            "results_ms": {
                "value": v["max_ms"],
                "target": SEARCH_TARGETS["results_ms"],
                "met": v["max_ms"] <= SEARCH_TARGETS["results_ms"],
            },
            "nothing_before_use": {
                "value": v["index_kb_before_use"],
                "target": 0,
                "met": v["index_kb_before_use"] == 0,
            },
        }
        for lang, v in big.items()
    }
    return out


def search_table(result: dict[str, Any]) -> str:
    lines = [
        "| size | copy | lang | first search: max kB | files | last key → results:"
        " median / max ms | index before use (kB) | index total kB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n, entry in result.items():
        if not n.isdigit():
            continue
        for name, v in entry.items():
            for lang, lv in v["langs"].items():
                files = max(q["files"] for q in lv["queries"])
                lines.append(
                    f"| {int(n):,} | {name} | {lang} | {lv['max_kb']} | {files} | {lv['median_ms']} / {lv['max_ms']} | "
                    f"{lv['index_kb_before_use']} | {v['index'][lang]['total_kb']} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Measure check, build, page sizes and rebuild on a synthetic organisation."
    )
    parser.add_argument("--roles", type=int, default=1000)
    parser.add_argument(
        "--small-roles", type=int, default=100, help="second size, to show page sizes stay flat (0: skip)"
    )
    parser.add_argument(
        "--procedures", type=int, default=100, help="procedures at --roles (scaled down for the small size)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="check runs per size (the median is reported)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (sites, data) to look at")
    parser.add_argument(
        "--search",
        action="store_true",
        help="measure only the staff search (bytes and time to results in Chromium); with --json, "
        "its figures go under 'search' in that file, the others are kept",
    )
    parser.add_argument(
        "--pdf", action="store_true", help='measure only the PDF set (issue 12); its figures go under "pdf" in --json'
    )
    parser.add_argument("--pdf-roles", default="100,1000", help="sizes of the PDF benchmark, comma-separated")
    args = parser.parse_args(argv)
    if args.search:
        return search_main(args)
    if args.pdf:
        result = run_pdf(args)
        print(pdf_table(result))
        print(f"\n{result['uptime']} → {result['uptime_at_end']}")
        if args.json:
            data = json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else {}
            data["pdf"] = result
            args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 0
    result = run_all(args)
    print(table(result))
    print()
    print(targets_table(result))
    m = result["machine"]
    print(
        f"\n{m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB RAM, Python {m['python']},"
        f" load average {m['load_average_at_start']} → {m['load_average_at_end']}"
    )
    if args.json:  # the search and PDF figures in the file are kept: other runs measure them
        kept = json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else {}
        result.update({k: kept[k] for k in ("search", "pdf") if k in kept})
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


def search_main(args: argparse.Namespace) -> int:
    work = Path(args.work or tempfile.mkdtemp(prefix="handbook-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    snapshot_code(work)
    sizes = sorted({args.roles} | ({args.small_roles} if args.small_roles else set()))
    try:
        result = search_figures(sizes, work, args.procedures, args.roles)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(search_table(result))
    for lang, v in result["verdicts"].items():
        print(
            f"{lang}: "
            + "; ".join(
                f"{k} {x['value']} (target {x['target']}): {'met' if x['met'] else 'NOT met'}" for k, x in v.items()
            )
        )
    print(f"load: {result['uptime']}")
    if args.json:
        data = json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else {}
        data["search"] = result
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
