"""Printing a site page from the browser: A4, no site chrome, running header, page numbers.

A page with Material's frame (header bar, tabs, sidebars, footer) and a long duty
table is printed by Chromium with assets/print.css and the header style block.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from generator.pdf import print_header_style
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
from support import chromium_or_skip  # noqa: E402

CHROMIUM = chromium_or_skip()
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]


def _page(style: str) -> str:
    rows = "\n".join(
        f"<tr><td>{i}</td><td>负责第 {i} 项日常工作，并做好记录 duty-{i}</td><td>每天</td></tr>" for i in range(1, 90)
    )
    return f"""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<link rel="stylesheet" href="print.css">{style}</head><body>
<header class="md-header">HEADERBAR 搜索</header>
<nav class="md-tabs">TABSNAV</nav>
<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">
<div class="md-sidebar md-sidebar--primary"><nav class="md-nav">SIDEBARNAV</nav></div>
<div class="md-content"><article class="md-content__inner md-typeset">
<a class="md-content__button">EDITBUTTON</a>
<h1>前台调度员</h1>
<div class="hb-actions"><a class="md-button">PRINTBUTTON</a></div>
<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>
<thead><tr><th>序号</th><th>职责</th><th>频次</th></tr></thead><tbody>{rows}</tbody></table></div></div>
<ul class="hb-checklist"><li><label><input type="checkbox"> 交班检查</label></li></ul>
</article></div></div></main>
<footer class="md-footer">FOOTERCHROME</footer></div>
</body></html>"""


@pytest.mark.browser
@pytest.mark.slow  # Chromium prints a page
def test_a_role_page_prints_clean_a4_with_running_header(tmp_path: Path) -> None:
    shutil.copy(REPO / "generator" / "assets" / "print.css", tmp_path / "print.css")
    style = print_header_style("物业客户服务部手册", '前台调度员 · KF003 "</style>', "版本 1.0 · 生效日期 2026-12-01")
    (tmp_path / "role.html").write_text(_page(str(style)), encoding="utf-8")
    out = tmp_path / "role.pdf"
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--print-to-pdf={out}", (tmp_path / "role.html").as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    reader = PdfReader(out)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert sorted((float(page.mediabox.width), float(page.mediabox.height))) == pytest.approx(
            [595.3, 841.9], abs=1.5
        )
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for chrome in ("HEADERBAR", "TABSNAV", "SIDEBARNAV", "EDITBUTTON", "PRINTBUTTON", "FOOTERCHROME"):
        assert chrome not in text
    pages = text.split("\f")[: len(reader.pages)]
    for number, page_text in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", page_text)
        assert (
            "物业客户服务部手册" in flat
            and '前台调度员·KF003"</style>' in flat
            and "版本1.0·生效日期2026-12-01" in flat
        )
        assert f"{number}/{len(reader.pages)}" in flat
    flat = re.sub(r"\s+", "", text)
    assert all(f"duty-{i}" in flat for i in range(1, 90))  # no row lost at a page break
