"""The scale benchmark (benchmarks/run.py) works: a tiny run gives every figure.

This is not a timed test: the figures of a tiny organisation say nothing about speed.
It makes sure that the benchmark still runs against the current code, and that the
synthetic organisation it measures is one `handbook check` accepts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import pytest  # noqa: E402
from generator.pipeline import load_and_check  # noqa: E402

import synth  # noqa: E402


def test_synthetic_organisation_passes_check(tmp_path: Path) -> None:
    summary = synth.write_organisation(tmp_path / "org", roles=60, departments=3, duties=20, procedures=6)
    assert summary["roles"] == 60 and summary["duties"] == 60 * 20 and summary["procedures"] == 6
    book, findings = load_and_check(tmp_path / "org")
    assert [f.text() for f in findings] == []
    # Reporting lines are several levels deep: top → director → manager → supervisor → lead → staff.
    depth = {}
    for role in book.roles.values():
        d, current = 0, role
        while current.reports_to:
            d, current = d + 1, book.roles[current.reports_to]
        depth[role.id] = d
    assert max(depth.values()) >= 5
    duties = [d for r in book.roles.values() for d in r.duties]
    assert {d.frequency for d in duties} >= {"daily", "weekly", "monthly", "on-demand"}
    assert any(d.escalate_to for d in duties)
    assert len(book.kinds) == 40
    first = next((tmp_path / "org" / "roles").rglob("*.yml")).read_text(encoding="utf-8")
    assert first.startswith("# yaml-language-server: $schema=../../schema/role.schema.json\n")


def test_synthetic_organisation_is_deterministic(tmp_path: Path) -> None:
    synth.write_organisation(tmp_path / "a", roles=20, procedures=2)
    synth.write_organisation(tmp_path / "b", roles=20, procedures=2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yml"))
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yml"))
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def _benchmark(args: list[str], out: Path, tmp_path: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    """benchmarks/run.py with `args`, its figures written to `out`, its scratch under tmp_path."""
    command = [sys.executable, str(REPO / "benchmarks" / "run.py"), *args]
    command += ["--json", str(out), "--work", str(tmp_path / "work")]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow  # runs the benchmark script: a build and a check of two organisations
def test_benchmark_small_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run = _benchmark(
        ["--roles", "30", "--small-roles", "10", "--procedures", "4", "--repeat", "1"], out, tmp_path, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:] + run.stdout[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["sizes"]) == {"30", "10"}
    big = result["sizes"]["30"]
    assert big["check"]["warnings"] == 0
    for key in ("in_process_s", "cli_s", "max_rss_mb"):
        assert big["check"][key] > 0
    for key in ("cli_s", "cpu_s", "max_rss_mb"):
        assert big["build"][key] > 0
    assert big["baseline"]["sequential_s"] > 0 and big["baseline"]["parallel_s"] > 0 and big["build_ratio"] > 0
    assert big["rebuild"]["detected"] and big["rebuild"]["rebuild_s"] > 0
    for size in ("30", "10"):
        for lang in ("zh", "en"):
            pages = result["sizes"][size]["pages"][lang]
            assert pages["role_pages"] == int(size)
            for key in (
                "median_role_page_kb",
                "largest_role_page_kb",
                "largest_page_kb",
                "search_index_kb",
                "matrix_page_kb",
            ):
                assert pages[key] > 0, (size, lang, key)
    assert set(result["targets"]) == {
        "check_under_1s",
        "build_vs_plain_mkdocs",
        "median_role_page_small_and_flat",
        "rebuild_fifth_of_build",
    }
    assert result["machine"]["nproc"] >= 1 and result["machine"]["python"]
    # The printed table carries the same figures.
    assert "plain MkDocs" in run.stdout and "median / largest role page" in run.stdout


@pytest.mark.slow  # runs the benchmark script's PDF path: two PDF sets of a small organisation
def test_benchmark_pdf_run_reports_every_figure(tmp_path: Path) -> None:
    """`run.py --pdf` on a tiny organisation: the report has its fields (no figure is judged)."""
    out = tmp_path / "bench.json"
    out.write_text(json.dumps({"search": {"kept": True}}), encoding="utf-8")  # other figures stay
    run = _benchmark(["--pdf", "--pdf-roles", "4"], out, tmp_path, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:] + run.stdout[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["search"] == {"kept": True}
    e = data["pdf"]["sizes"]["4"]
    assert e["documents"] == sum(e["by_kind"].values()) > 0
    assert e["pages"] == sum(e["pages_by_kind"].values()) >= e["documents"]
    for key in ("wall_s", "cpu_s", "peak_mb", "disk_mb", "cpu_s_per_page", "cpu_s_per_role"):
        assert e[key] > 0, key
    assert len(e["load_average_before"]) == 3 and e["set"].startswith("property")
    inc = e["incremental"]
    assert inc["rewritten"] >= 1 and inc["cpu_s"] > 0 and inc["cpu_fraction_of_full"] > 0
    assert inc["no_change_wall_s"] > 0 and "no_change_cpu_s" in inc
    targets = data["pdf"]["targets"]
    assert targets["basis"] == "projected from 4 roles"
    for key in ("full_set_10_min", "disk_1_gb", "peak_4_gb", "incremental_tenth"):
        assert set(targets[key]) >= {"value", "target", "met", "projected"}, key
    assert "PDF target at 1,000 roles" in run.stdout and "CPU s per page" in run.stdout
