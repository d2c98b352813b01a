"""PDF engines compared on the HTML the product prints (issue 12): WeasyPrint against Chromium.

Not run in tests; it prints its figures.  On a synthetic organisation (benchmarks/synth.py,
100 roles by default) it takes the HTML of one bilingual role document (the sheet and the
checklists, two HTML documents whose pages make one file) and of one bilingual card (the
variant WeasyPrint chose), as :mod:`generator.pdf` renders them today, and measures:

* WeasyPrint as the product runs it (``render.render_job``): CPU s a document and a page,
  the minimum of ``--repeat`` runs, in this process (``time.process_time``);
* Debian's Chromium through playwright: one browser, one page, documents printed one after
  another (``set_content`` + ``page.pdf``); the CPU of the browser's process tree and of
  playwright's driver is read from /proc (utime + stime + cutime + cstime of every
  descendant of this process, so renderers that exited and were reaped still count);
  a batch of ``--batch`` role documents, and the single document ``--repeat`` times;
* ``chromium --headless --print-to-pdf`` once per file (a browser started per file);
* a few WeasyPrint levers (the CSS parse, fontconfig's font list trimmed to the fonts
  used, a CJK font cut to the characters of GB 2312, write options).

Each PDF is checked with poppler: pages, page size, fonts (embedded, subset), whether
``pdftotext`` gives the Chinese back, and a page of each engine goes to PNG (``--png``).
The machine is shared: compare CPU seconds, not wall seconds.

    .venv/bin/python benchmarks/pdf_engines.py [--roles 100] [--batch 50] [--work /tmp/x]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TICK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- CPU of a process tree


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU s of the process and of its reaped children)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, (utime + stime + cutime + cstime) / TICK


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def tree_cpu(root: int) -> dict[str, float]:
    """CPU s of every live descendant of `root` (not root itself), by command name."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                parents[int(entry)], cpu[int(entry)] = st
    out: dict[str, float] = {}
    for pid in cpu:
        p = parents.get(pid)
        while p and p != root:
            p = parents.get(p)
        if p == root:
            name = "driver" if _comm(pid) == "node" else "chromium"
            out[name] = out.get(name, 0.0) + cpu[pid]
    return out


# --------------------------------------------------------------------------- the HTML


def documents(roles: int, work: Path) -> dict[str, Any]:
    """The parts of the first `count` role documents and one bilingual card, as the product makes them."""
    from generator import pdf
    from generator.loading import load_handbook

    root = work / f"org-{roles}"
    if not (root / "handbook.yml").exists():
        synth.write_organisation(root, roles=roles, procedures=max(2, roles // 10))
    book, _ = load_handbook(root)
    v = pdf._views(book)
    lang = pdf.GROUP_LANG
    role_docs = []
    for rid in list(book.roles):
        sheet = pdf._sheet_part(book, v, lang, rid, None)
        checks = pdf._checklist_part(book, v, lang, rid, None)
        role_docs.append((rid, [sheet] + ([checks] if checks else [])))
    pid = next(iter(book.procedures))
    card = pdf._card_part(book, v, lang, pid, None)
    return {"book": book, "roles": role_docs, "card": card, "card_id": pid}


def with_css(html: str) -> str:
    """The document with the print CSS in it (WeasyPrint gets it as a parsed stylesheet)."""
    from generator.pdf.style import css_text

    return html.replace("<head>", "<head>\n<style>" + css_text() + "</style>", 1)


# --------------------------------------------------------------------------- WeasyPrint


def weasy_role(parts: list, path: Path) -> tuple[float, int]:
    """CPU s and pages of one role document, written as render_job writes it."""
    from generator.pdf.render import Combined, Job, render_job

    job = Job(tuple(parts), (Combined(path, None, tuple(range(len(parts)))),))
    cpu = time.process_time()
    results = render_job(job)
    return time.process_time() - cpu, results[-1].pages


def weasy_card(card, path: Path) -> tuple[float, int, int, int]:
    """CPU s, layouts tried, the variant chosen, and CPU s of laying out and writing that variant alone."""
    from dataclasses import replace

    from generator.pdf.render import Job, _layout, _write, render_job

    part = replace(card, path=path)
    cpu = time.process_time()
    (result,) = render_job(Job((part,)))
    total = time.process_time() - cpu
    cpu = time.process_time()
    _write(_layout(card.variants[result.variant]), path.with_name("card-one.pdf"))
    return total, result.layouts, result.variant, time.process_time() - cpu  # type: ignore[return-value]


def best(fn, repeat: int):
    runs = [fn() for _ in range(repeat)]
    return min(runs, key=lambda r: r[0]), runs


# --------------------------------------------------------------------------- Chromium


def merge(files: list[Path], out: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for f in files:
        writer.append(str(f))
    with out.open("wb") as fh:
        writer.write(fh)


def chromium_playwright(role_docs: list, card_html: str, out: Path, repeat: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    me = os.getpid()
    res: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def pdf(html: str, path: Path) -> None:
            page.set_content(with_css(html), wait_until="load")
            page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)

        pdf(role_docs[0][1][0].variants[0], out / "warm.pdf")  # fonts loaded, code warm
        # the single document, repeat times: CPU of the whole tree per run
        singles = []
        for i in range(repeat):
            before, cpu = tree_cpu(me), time.process_time()
            files = []
            for j, part in enumerate(role_docs[0][1]):
                files.append(out / f"chromium-role-{i}-{j}.pdf")
                pdf(part.variants[0], files[-1])
            after, py = tree_cpu(me), time.process_time() - cpu
            singles.append({k: after.get(k, 0) - before.get(k, 0) for k in after} | {"python": py})
            merge(files, out / "chromium-role.pdf")
        one_file = out / "chromium-role-onefile.pdf"
        htmls = [part.variants[0] for part in role_docs[0][1]]
        joined = htmls[0].replace("</body>", "".join(re.split(r"<body[^>]*>", h, maxsplit=1)[1] for h in htmls[1:]))
        pdf(joined, one_file)
        res["role_runs"] = singles
        cards = []
        for _ in range(repeat):
            before = tree_cpu(me)
            pdf(card_html, out / "chromium-card.pdf")
            after = tree_cpu(me)
            cards.append({k: after.get(k, 0) - before.get(k, 0) for k in after})
        res["card_runs"] = cards
        # a batch of different role documents, one after another
        before, cpu, wall = tree_cpu(me), time.process_time(), time.perf_counter()
        pages = 0
        for rid, parts in role_docs:
            for j, part in enumerate(parts):
                path = out / "batch" / f"{rid}-{j}.pdf"
                path.parent.mkdir(exist_ok=True)
                pdf(part.variants[0], path)
                pages += int(poppler_info(path)["Pages"])
        after = tree_cpu(me)
        res["batch"] = {
            "documents": len(role_docs),
            "pages": pages,
            "wall": time.perf_counter() - wall,
            "python": time.process_time() - cpu,
        } | {k: after.get(k, 0) - before.get(k, 0) for k in after}
        browser.close()
    return res


def chromium_cli(html: str, out: Path, repeat: int) -> list[float]:
    """CPU s (all children) of `chromium --headless --print-to-pdf`, a browser per file."""
    src = out / "cli-src.html"
    src.write_text(with_css(html), encoding="utf-8")
    runs = []
    for _ in range(repeat):
        before = os.times()
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                *CHROMIUM_ARGS,
                "--no-pdf-header-footer",
                f"--print-to-pdf={out / 'chromium-cli.pdf'}",
                src.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        after = os.times()
        runs.append(after.children_user + after.children_system - before.children_user - before.children_system)
    return runs


# --------------------------------------------------------------------------- poppler checks


def poppler_info(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line) | {}


def check_pdf(path: Path, chinese: list[str]) -> dict[str, Any]:
    info = {k.strip(): v.strip() for k, v in poppler_info(path).items()}
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    head, rows = lines[0], lines[2:]
    col = {name: head.index(name) for name in ("type", "encoding", "emb", "sub")}
    names = sorted({r[: col["type"]].strip() for r in rows})
    types = sorted({r[col["type"] : col["encoding"]].strip() for r in rows})
    embedded = all(r[col["emb"] : col["emb"] + 3].strip() == "yes" for r in rows)
    subset = all(r[col["sub"] : col["sub"] + 3].strip() == "yes" for r in rows)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    found = sum(1 for c in chinese if re.sub(r"\s+", "", c) in flat)
    return {
        "bytes": path.stat().st_size,
        "pages": int(info["Pages"]),
        "page size": info.get("Page size", "?"),
        "fonts": names if len(names) < 5 else [*names[:3], "…"],
        "font count": len(rows),
        "font types": types,
        "all embedded": embedded,
        "all subset": subset,
        "chinese strings found": f"{found}/{len(chinese)}",
    }


def chinese_strings(html: str) -> list[str]:
    """The Chinese texts of the document (spans marked zh-Hans), to find again in pdftotext."""
    import html as h

    return [h.unescape(s) for s in re.findall(r'<span lang="zh-Hans">([^<]{4,})</span>', html)]


def margins(path: Path, page: int) -> dict[str, float]:
    """Where ink starts on a page, in mm from each paper edge (pdftoppm at 72 dpi, bbox of non-white)."""
    from PIL import Image

    prefix = path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(path), str(prefix)],
        check=True,
    )
    img = Image.open(str(prefix) + ".png").convert("L").point(lambda x: 255 if x > 245 else 0)
    box = Image.eval(img, lambda x: 255 - x).getbbox() or (0, 0, 0, 0)
    mm = 25.4 / 72
    return {
        "left": round(box[0] * mm, 1),
        "top": round(box[1] * mm, 1),
        "right": round((img.width - box[2]) * mm, 1),
        "bottom": round((img.height - box[3]) * mm, 1),
    }


# --------------------------------------------------------------------------- WeasyPrint levers


LEVER_CODE = r"""
import sys, time, json
sys.path.insert(0, sys.argv[1])
from pathlib import Path
import pdf_engines as e
docs = e.documents(int(sys.argv[2]), Path(sys.argv[3]))
parts = docs["roles"][0][1]
e.weasy_role(parts, Path(sys.argv[3]) / "lever-warm.pdf")
runs = [e.weasy_role(parts, Path(sys.argv[3]) / ("lever-%s.pdf" % sys.argv[4]))[0] for _ in range(int(sys.argv[5]))]
print(json.dumps({"cpu": min(runs), "runs": runs}))
"""


def fontconfig_file(work: Path, dirs: list[str]) -> Path:
    conf = work / f"fonts-{abs(hash(tuple(dirs)))}.conf"
    body = "".join(f"<dir>{d}</dir>" for d in dirs)
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{body}'
        f"<cachedir>{work}/fc-cache</cachedir></fontconfig>"
    )
    return conf


def small_cjk_font(work: Path) -> Path:
    """Noto Sans CJK SC Regular and Bold cut to ASCII, Latin-1, punctuation and GB 2312 (about 7,500 characters)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    folder = work / "small-font"
    folder.mkdir(exist_ok=True)
    chars = (
        set(range(0x20, 0x100)) | set(range(0x2000, 0x2070)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    )
    for a in range(0xA1, 0xF8):
        for b in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([a, b]).decode("gb2312")))
    for weight in ("Regular", "Bold"):
        target = folder / f"NotoSansCJKsc-{weight}-gb2312.otf"
        if target.exists():
            continue
        collection = TTCollection(f"/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc")
        font = next(f for f in collection.fonts if "SC" in f["name"].getDebugName(1))
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        sub = subset.Subsetter(options)
        sub.populate(unicodes=chars)
        sub.subset(font)
        font.save(str(target))
    return folder


def truetype_cjk_font(work: Path) -> Path:
    """The GB 2312 cut of Noto Sans CJK SC with its CFF outlines turned into TrueType ones.

    Chromium (Skia) embeds the CFF-flavoured Noto CJK collection as Type 3 fonts (glyph
    drawings, one font object every 256 glyphs, not subset fonts); a glyf-table font is
    what it embeds as a subset CID font.  This shows whether it does so here."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    small = small_cjk_font(work)
    folder = work / "ttf-font"
    folder.mkdir(exist_ok=True)
    for weight in ("Regular", "Bold"):
        target = folder / f"NotoSansCJKsc-{weight}-gb2312.ttf"
        if target.exists():
            continue
        font = TTFont(str(small / f"NotoSansCJKsc-{weight}-gb2312.otf"))
        order = font.getGlyphOrder()
        glyphs = font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf.glyphs[name] = pen.glyph()
        font["glyf"] = glyf
        font["loca"] = newTable("loca")
        font["maxp"].tableVersion = 0x00010000
        for attr in (
            "maxZones",
            "maxTwilightPoints",
            "maxStorage",
            "maxFunctionDefs",
            "maxInstructionDefs",
            "maxStackElements",
            "maxSizeOfInstructions",
            "maxComponentElements",
        ):
            setattr(font["maxp"], attr, 0)
        font["maxp"].maxZones = 1
        font["post"].formatType = 3.0  # no glyph names
        del font["CFF "]
        if "VORG" in font:
            del font["VORG"]
        font.sfntVersion = "\x00\x01\x00\x00"
        font["head"].glyphDataFormat = 0
        font.save(str(target))
    return folder


def chromium_truetype(parts: list, out: Path) -> dict[str, Any]:
    """The role sheet printed by Chromium with fontconfig finding only the TrueType cut (and DejaVu)."""
    from playwright.sync_api import sync_playwright

    conf = fontconfig_file(out, [str(truetype_cjk_font(out)), "/usr/share/fonts/truetype/dejavu"])
    me = os.getpid()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "FONTCONFIG_FILE": str(conf)}
        )
        page = browser.new_page()
        files: list[Path] = []
        runs = []
        for _i in range(2):
            before = tree_cpu(me)
            files = []
            for j, part in enumerate(parts):
                files.append(out / f"chromium-ttf-{j}.pdf")
                page.set_content(with_css(part.variants[0]), wait_until="load")
                page.pdf(path=str(files[-1]), prefer_css_page_size=True, print_background=True)
            after = tree_cpu(me)
            runs.append(sum(after.values()) - sum(before.values()))
        browser.close()
    merge(files, out / "chromium-ttf-role.pdf")
    return {"cpu (min of 2, first one warms up)": min(runs)}


def levers(roles: int, work: Path, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # the CSS parse: once per worker today (render._stylesheet); what it would cost per document
    from generator.pdf.style import css_text
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fc = FontConfiguration()
    cpu = time.process_time()
    for _ in range(5):
        CSS(string=css_text(), font_config=fc)
    out["css parse s (once per worker today)"] = round((time.process_time() - cpu) / 5, 3)

    def run(name: str, env: dict[str, str]) -> float:
        proc = subprocess.run(
            [sys.executable, "-c", LEVER_CODE, str(HERE), str(roles), str(work), name, str(repeat)],
            env=os.environ | env,
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            raise SystemExit(proc.stderr[-2000:])
        return json.loads(proc.stdout.splitlines()[-1])["cpu"]

    count = len(subprocess.run(["fc-list"], capture_output=True, text=True).stdout.splitlines())
    out[f"as now (system fontconfig, {count} fonts)"] = run("now", {})
    conf = fontconfig_file(work, ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/dejavu"])
    out["fontconfig: Noto CJK + DejaVu only"] = run("fc", {"FONTCONFIG_FILE": str(conf)})
    small = small_cjk_font(work)
    conf = fontconfig_file(work, [str(small), "/usr/share/fonts/truetype/dejavu"])
    out["Noto Sans CJK SC cut to GB 2312 (fontconfig: it + DejaVu)"] = run("small", {"FONTCONFIG_FILE": str(conf)})
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=100, help="size of the synthetic organisation")
    parser.add_argument("--batch", type=int, default=50, help="role documents printed one after another in Chromium")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default=None)
    parser.add_argument("--no-levers", action="store_true")
    parser.add_argument("--truetype", action="store_true", help="also: Chromium with a TrueType cut of the CJK font")
    parser.add_argument("--json", default=None, help="write the figures here as well")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="pdfengine-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; load {os.getloadavg()}", flush=True)
    docs = documents(args.roles, work)
    role_parts = docs["roles"][0][1]
    role_html = [p.variants[0] for p in role_parts]
    chinese = [s for h in role_html for s in chinese_strings(h)]
    fig: dict[str, Any] = {"load at start": os.getloadavg()}

    # WeasyPrint, as the product runs it
    weasy_role(role_parts, work / "warm.pdf")
    (cpu, pages), runs = best(lambda: weasy_role(role_parts, work / "weasy-role.pdf"), args.repeat)
    fig["weasyprint role"] = {"cpu": cpu, "pages": pages, "runs": [r[0] for r in runs]}
    card_best, card_runs = best(lambda: weasy_card(docs["card"], work / "weasy-card.pdf"), args.repeat)
    fig["weasyprint card"] = {
        "cpu (all layouts tried)": card_best[0],
        "layouts": card_best[1],
        "variant": card_best[2],
        "cpu one layout + write": min(r[3] for r in card_runs),
    }
    card_html = docs["card"].variants[card_best[2]]
    print("weasyprint done", json.dumps(fig, default=str), flush=True)

    # Chromium through playwright, and the command line
    batch = docs["roles"][: args.batch]
    fig["chromium playwright"] = chromium_playwright(batch, card_html, work, args.repeat)
    fig["chromium cli role sheet (browser per file)"] = chromium_cli(role_html[0], work, args.repeat)
    print("chromium done", flush=True)

    fig["checks"] = {
        "weasyprint role": check_pdf(work / "weasy-role.pdf", chinese),
        "chromium role (2 files merged)": check_pdf(work / "chromium-role.pdf", chinese),
        "chromium role (one HTML)": check_pdf(work / "chromium-role-onefile.pdf", chinese),
        "weasyprint card": check_pdf(work / "weasy-card.pdf", chinese_strings(card_html)),
        "chromium card": check_pdf(work / "chromium-card.pdf", chinese_strings(card_html)),
        "chromium cli sheet": check_pdf(work / "chromium-cli.pdf", chinese_strings(role_html[0])),
    }
    fig["ink margins mm, page 1"] = {
        "weasyprint role": margins(work / "weasy-role.pdf", 1),
        "chromium role": margins(work / "chromium-role.pdf", 1),
        "weasyprint card": margins(work / "weasy-card.pdf", 1),
        "chromium card": margins(work / "chromium-card.pdf", 1),
    }
    if args.truetype:
        fig["chromium with a TrueType CJK font"] = chromium_truetype(role_parts, work)
        fig["checks"]["chromium role, TrueType font"] = check_pdf(work / "chromium-ttf-role.pdf", chinese)
    if not args.no_levers:
        fig["weasyprint levers (role document, CPU s)"] = levers(args.roles, work, args.repeat)
    fig["load at end"] = os.getloadavg()
    report(fig)
    if args.json:
        Path(args.json).write_text(json.dumps(fig, indent=1, default=str))
    return 0


def report(fig: dict[str, Any]) -> None:
    w = fig["weasyprint role"]
    pw = fig["chromium playwright"]
    single = min(pw["role_runs"], key=lambda r: r.get("chromium", 0) + r.get("driver", 0))
    b = pw["batch"]
    ch_pages = fig["checks"]["chromium role (2 files merged)"]["pages"]
    rows = [
        ("WeasyPrint role document", w["cpu"], w["pages"]),
        ("Chromium role (browser+driver, best single)", single.get("chromium", 0) + single.get("driver", 0), ch_pages),
        (
            f"Chromium batch of {b['documents']} roles (browser+driver+python)",
            (b.get("chromium", 0) + b.get("driver", 0) + b["python"]) / b["documents"],
            b["pages"] / b["documents"],
        ),
        (
            "Chromium CLI role sheet only (browser per file)",
            min(fig["chromium cli role sheet (browser per file)"]),
            fig["checks"]["chromium cli sheet"]["pages"],
        ),
    ]
    print(f"\n{'engine / document':55} {'CPU s':>7} {'pages':>6} {'CPU s/page':>10}")
    for name, cpu, pages in rows:
        print(f"{name:55} {cpu:7.3f} {pages:6.1f} {cpu / pages:10.3f}")
    wc = fig["weasyprint card"]
    card = min(pw["card_runs"], key=lambda r: r.get("chromium", 0) + r.get("driver", 0))
    print(
        f"{'WeasyPrint card, all layouts tried (' + str(wc['layouts']) + ')':55} {wc['cpu (all layouts tried)']:7.3f}"
    )
    print(f"{'WeasyPrint card, one layout + write':55} {wc['cpu one layout + write']:7.3f}")
    print(f"{'Chromium card, one print':55} {card.get('chromium', 0) + card.get('driver', 0):7.3f}")
    if "chromium with a TrueType CJK font" in fig:
        cpu = fig["chromium with a TrueType CJK font"]["cpu (min of 2, first one warms up)"]
        print(f"{'Chromium role, TrueType cut of the CJK font':55} {cpu:7.3f} {ch_pages:6.1f} {cpu / ch_pages:10.3f}")
    print("\nbatch detail:", json.dumps(b, default=str))
    for name, c in fig["checks"].items():
        print(f"{name:32} {json.dumps(c, ensure_ascii=False)}")
    for name, m in fig["ink margins mm, page 1"].items():
        print(f"ink margins {name:24} {m}")
    for name, value in fig.get("weasyprint levers (role document, CPU s)", {}).items():
        print(f"lever {name:60} {value}")
    print("load", fig["load at start"], "→", fig["load at end"])


if __name__ == "__main__":
    raise SystemExit(main())
