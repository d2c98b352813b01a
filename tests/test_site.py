"""The built site: every page in both languages, the data on it, nothing loaded from
elsewhere, links that resolve, and a build that is all-or-nothing."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest
from generator.escalation import escalation_path
from generator.pages import LANGS, all_labels, md_escape, render_pages
from generator.pipeline import load_and_check
from generator.site_build import build_site
from generator.site_config import SiteError

from site_html import Page, foreign_css, foreign_loads, read, squash
from support import MINI, resolved_contacts

if TYPE_CHECKING:
    from conftest import BuiltSite

# Tests that use built_site / offline_site are marked slow by conftest; the others that build say so.


def lang_dir(site: Path, lang: str) -> Path:
    return site if lang == "zh" else site / "en"


def html(site: BuiltSite, lang: str, path: str) -> Path:
    """The HTML file of a page given by its directory URL, e.g. 'roles/x/'."""
    return lang_dir(site.site, lang) / path / "index.html"


# --------------------------------------------------------------------------- pages exist


@pytest.mark.parametrize("lang", LANGS)
def test_every_role_procedure_and_checklist_page_exists_with_its_language(built_site: BuiltSite, lang: str) -> None:
    book = built_site.book
    paths = [f"roles/{r}/" for r in book.roles] + [f"checklists/{r}/" for r in book.roles]
    paths += [f"procedures/{p}/" for p in book.procedures] + [f"departments/{d}/" for d in book.departments]
    paths += [
        "",
        "roles/",
        "procedures/",
        "checklists/",
        "matrix/",
        "responsibilities/",
        "organisation/chart/",
        "organisation/escalation/",
        "glossary/",
        "departments/",
    ]
    assert book.roles and book.procedures
    for path in paths:
        file = html(built_site, lang, path)
        assert file.is_file(), f"{lang}: {path} missing"
        assert f'<html lang="{lang}"' in file.read_text(encoding="utf-8")[:400], f"{file}: wrong <html lang>"


@pytest.mark.parametrize("lang", LANGS)
def test_role_page_shows_every_duty_its_escalation_path_and_facts(built_site: BuiltSite, lang: str) -> None:
    book = built_site.book
    for role in book.roles.values():
        page = read(html(built_site, lang, f"roles/{role.id}/"))
        text = squash(page.text)
        assert squash(getattr(role.title, lang)) in text
        for duty in role.duties:
            assert squash(getattr(duty.text, lang)) in text, f"{role.id}/{duty.id} ({lang}) not on its page"
            for item in duty.items:
                assert squash(getattr(item.text, lang)) in text
        for auth in role.authorities:
            if auth.text:
                assert squash(getattr(auth.text, lang)) in text
        # The escalation path of each duty is linked, hop by hop, in order.
        hrefs = page.attr("a", "href")
        for duty in role.duties:
            for hop in escalation_path(book, role.id, duty.escalate_to).hops:
                assert f"../{hop.role}/" in hrefs
        if role.reports_to:
            assert f"../{role.reports_to}/" in hrefs
        for proc in book.procedures.values():
            if any(s.owner == role.id for s in [*proc.steps, *proc.aftercare]):
                assert f"../../procedures/{proc.id}/" in hrefs, f"{role.id}: procedure {proc.id} not linked"


@pytest.mark.parametrize("lang", LANGS)
def test_procedure_page_lists_steps_with_owner_and_time_limit(built_site: BuiltSite, lang: str) -> None:
    L = all_labels()[lang]
    for proc in built_site.book.procedures.values():
        page = read(html(built_site, lang, f"procedures/{proc.id}/"))
        text = squash(page.text)
        assert squash(getattr(proc.trigger, lang)) in text
        for step in [*proc.steps, *proc.aftercare]:
            assert squash(getattr(step.text, lang)) in text
            assert f"../../roles/{step.owner}/" in page.attr("a", "href")
        for contact in resolved_contacts(proc):
            assert squash(contact.number) in text  # numbers may be written with spaces: 021-6432 8801
        ids = {a["id"] for t, a in page.elements if t == "li" and "id" in a}
        assert {f"step-{s.id}" for s in proc.steps} | {f"after-{s.id}" for s in proc.aftercare} <= ids
        assert squash(L[f"severity_{proc.severity}"]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_checklists_hold_the_periodic_duties(built_site: BuiltSite, lang: str) -> None:
    for role in built_site.book.roles.values():
        text = squash(read(html(built_site, lang, f"checklists/{role.id}/")).text)
        for duty in role.duties:
            if duty.frequency != "on-demand":
                assert squash(getattr(duty.text, lang)) in text


@pytest.mark.parametrize("lang", LANGS)
def test_matrix_cell_shows_the_level_from_the_data(built_site: BuiltSite, lang: str) -> None:
    book = built_site.book
    role = next(r for r in book.roles.values() if r.authorities)
    auth = role.authorities[0]
    page = read(html(built_site, lang, "matrix/"))
    level, text = page.cells[(role.id, auth.kind)]
    assert level == auth.level
    assert all_labels()[lang][f"level_{auth.level}"] in "".join(text)
    # Every role is a row and every kind a column; the department view has its own roles only.
    assert {r for r, _ in page.cells} == set(book.roles)
    assert {k for _, k in page.cells} == set(book.kinds)
    dept_page = read(html(built_site, lang, f"matrix/{role.department}/"))
    assert {r for r, _ in dept_page.cells} == {r.id for r in book.roles.values() if r.department == role.department}


def test_home_takes_its_figures_from_the_data(built_site: BuiltSite) -> None:
    book = built_site.book
    for lang in LANGS:
        page = read(html(built_site, lang, ""))
        hrefs = page.attr("a", "href")
        for proc in book.procedures:
            assert f"procedures/{proc}/" in hrefs, f"{lang} home: emergency link to {proc} missing"
        if (built_site.root / "docs" / lang / "index.md").is_file():
            assert str(len(book.roles)) in page.text


# --------------------------------------------------------------------------- languages, search, size


def test_language_switch_points_at_the_same_page(built_site: BuiltSite) -> None:
    role = next(iter(built_site.book.roles))
    zh = read(html(built_site, "zh", f"roles/{role}/"))
    en = read(html(built_site, "en", f"roles/{role}/"))
    zh_links = {
        a.get("hreflang"): a["href"] for t, a in zh.elements if t == "a" and "hb-lang-link" in a.get("class", "")
    }
    en_links = {
        a.get("hreflang"): a["href"] for t, a in en.elements if t == "a" and "hb-lang-link" in a.get("class", "")
    }
    assert posixpath.normpath(posixpath.join(f"roles/{role}", zh_links["en"])) == f"en/roles/{role}"
    assert posixpath.normpath(posixpath.join(f"en/roles/{role}", en_links["zh"])) == f"roles/{role}"


def test_each_language_has_its_own_search_index(built_site: BuiltSite) -> None:
    """The staff search (generator.search) writes one index per language, of that
    language's pages, without maintainer pages; Chinese is cut into words (jieba)."""
    from generator.search import read_index

    book = built_site.book
    role = next(iter(book.roles.values()))
    for lang in LANGS:
        index = read_index(lang_dir(built_site.site, lang) / "search")
        assert index["meta"]["lang"] == lang
        blob = json.dumps(index["records"], ensure_ascii=False)
        assert getattr(role.purpose, lang).replace("\n", "")[:20] in blob
        pages = {r[0] for r in index["records"]}
        assert f"roles/{role.id}" in pages
        assert not any(p.startswith(("en/", "maintainers/", "reference/")) for p in pages), sorted(pages)
        assert not (lang_dir(built_site.site, lang) / "search" / "search_index.json").exists()
    zh_terms = read_index(built_site.site / "search")["terms"]
    words = [t for t in zh_terms if len(t) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in t)]
    assert len(words) > 100, "Chinese text is not cut into words (jieba) in the zh search index"


def test_a_role_page_carries_the_links_of_its_department_only(built_site: BuiltSite) -> None:
    """navigation.prune with roles grouped by department: page size does not grow with the handbook."""
    book = built_site.book
    for role in book.roles.values():
        page = read(html(built_site, "zh", f"roles/{role.id}/"))
        linked = {h.split("/")[-2] for h in page.attr("a", "href") if h.startswith("../") and h.count("/") == 2}
        others = {r.id for r in book.roles.values() if r.department != role.department}
        stray = linked & others
        # Links from the page's own content (reports-to, escalation, liaison) are allowed.
        content = {hop.role for d in role.duties for hop in escalation_path(book, role.id, d.escalate_to).hops}
        content |= {r for r in [role.reports_to] if r} | {r.id for r in book.direct_reports(role.id)}
        content |= {h.role for a in role.authorities for h in escalation_path(book, role.id, a.escalate_to).hops}
        assert stray <= content, f"{role.id}: nav lists roles of other departments: {sorted(stray - content)}"


# --------------------------------------------------------------------------- offline, links


def test_nothing_is_loaded_from_another_host(built_site: BuiltSite) -> None:
    problems: list[str] = []
    for file in built_site.site.rglob("*.html"):
        problems += [f"{file.relative_to(built_site.site)}: {u}" for u in foreign_loads(read(file))]
    for file in built_site.site.rglob("*.css"):
        problems += [f"{file.relative_to(built_site.site)}: {u}" for u in foreign_css(file.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems[:20])


def _targets(site: Path, file: Path, page: Page) -> list[tuple[str, Path]]:
    out = []
    for tag, attrs in page.elements:
        for name in ("href", "src"):
            url = attrs.get(name)
            if not url or tag not in ("a", "link", "script", "img"):
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("#") or not parts.path:
                continue
            target = (file.parent / unquote(parts.path)).resolve()
            if url.endswith("/") or target.is_dir():
                target = target / "index.html"
            out.append((url, target))
    return out


@pytest.mark.slow  # both built sites (asked for by name)
@pytest.mark.parametrize("variant", ["built_site", "offline_site"])
def test_every_internal_link_resolves(variant: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(variant)
    broken = []
    root = site.site.resolve()
    for file in root.rglob("*.html"):
        if file.name == "404.html":
            continue
        for url, target in _targets(root, file, read(file)):
            if "/pdf/" in url:
                continue
            if not target.is_file() or root not in target.parents:
                broken.append(f"{file.relative_to(root)} → {url}")
    assert not broken, "\n".join(broken[:30])


def test_offline_variant_uses_file_urls_and_a_script_search_index(offline_site: BuiltSite) -> None:
    role = next(iter(offline_site.book.roles))
    for lang in LANGS:
        base = lang_dir(offline_site.site, lang)
        assert (base / "roles" / f"{role}.html").is_file()
        script = (base / "search" / "meta.js").read_text(encoding="utf-8")
        assert script.startswith("__hbSearch.meta({")  # a script, loaded by search.js from disk too
        assert '"dirUrls":false' in script
        page = (base / "index.html").read_text(encoding="utf-8")
        assert "assets/handbook/search.js" in page
        # No Web Worker stand-in: the staff search starts no worker, and Material's search
        # (whose worker Chromium refuses from file://) is not on the page.
        assert "file-worker.js" not in page and "iframe-worker" not in page
        assert 'data-md-component="search"' not in page
        assert not (base / "search" / "search_index.js").exists()


# --------------------------------------------------------------------------- hostile text

HOSTILE = "{{ 7*7 }} {% raw %} <script>alert(1)</script> a | b"


def _hostile_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    clerk = root / "roles" / "cs" / "clerk.yml"
    text = clerk.read_text(encoding="utf-8")
    text = text.replace(
        "text: {zh: 接听电话, en: Answers the phone.}",
        "text: {zh: '接听电话 " + HOSTILE + "', en: 'Answers " + HOSTILE + "'}\n"
        "    items:\n      - label: 'A.'\n        text: {zh: '# 标题 "
        + HOSTILE
        + '\', en: "# heading\\nsecond line *x* [l](http://e.x)"}',
    )
    text = text.replace(
        "title: {zh: 前台调度员, en: Front Desk Dispatcher}",
        "title: {zh: '前台调度员 {{ 7*7 }}</title><script>alert(2)</script>', en: 'Front Desk | Dispatcher <b>x</b>'}",
    )
    clerk.write_text(text, encoding="utf-8")
    lift = root / "procedures" / "lift.yml"
    lift.write_text(
        lift.read_text(encoding="utf-8").replace(
            "text: {zh: 安抚被困人员, en: Reassure the people trapped.}",
            "text: {zh: '安抚 " + HOSTILE + "', en: 'Reassure " + HOSTILE + "'}",
        ),
        encoding="utf-8",
    )
    return root


@pytest.mark.slow  # builds a site
def test_hostile_text_shows_exactly_as_typed(tmp_path: Path) -> None:
    root = _hostile_root(tmp_path)
    book, findings = load_and_check(root)
    assert not [f for f in findings if f.severity == "error"], findings
    site = tmp_path / "site"
    build_site(book, root, site, with_pdf=False)
    for lang in LANGS:
        base = lang_dir(site, lang)
        role_page = read(base / "roles" / "clerk" / "index.html")
        proc_page = read(base / "procedures" / "lift" / "index.html")
        for page in (role_page, proc_page):
            assert squash(HOSTILE) in squash(page.text)
            assert "{{ 7*7 }}" in page.text and "{% raw %}" in page.text
        raw = (base / "roles" / "clerk" / "index.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
        for file in base.rglob("*.html"):  # the role title is on other pages too (nav, links, <title>)
            raw = file.read_text(encoding="utf-8")
            assert "<script>alert(" not in raw and "<b>x</b>" not in raw, file
        index = "".join(p.read_text(encoding="utf-8") for p in sorted((base / "search").glob("d*.js")))
        assert "{{ 7*7 }}" in index and "a | b" in index
        assert "<script>alert(" not in index
    en_text = squash(read(site / "en" / "roles" / "clerk" / "index.html").text)
    assert squash("# heading") in en_text and squash("*x* [l](http://e.x)") in en_text
    assert squash("Front Desk | Dispatcher <b>x</b>") in en_text


def test_md_escape_neutralises_markdown_html_and_jinja() -> None:
    assert md_escape("{{ x }}") == "\\{\\{ x \\}\\}"
    assert md_escape("<script>") == "&lt;script&gt;"
    assert md_escape("a | b") == "a \\| b"
    assert md_escape("# t\nx") == "\\# t<br>x"


def test_generated_pages_are_never_macro_rendered() -> None:
    book, _ = load_and_check(MINI)
    for lang in LANGS:
        for page in render_pages(book, lang):
            assert page.text.startswith("---\nrender_macros: false\n"), page.path


# --------------------------------------------------------------------------- all or nothing


@pytest.fixture
def mini_site(tmp_path: Path):
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    site = tmp_path / "out" / "site"
    book, _ = load_and_check(root)
    build_site(book, root, site, with_pdf=False)
    return root, site, book


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_unchanged(site: Path, before: dict[str, bytes]) -> None:
    assert _snapshot(site) == before
    leftovers = [p.name for p in site.parent.iterdir() if p.name != site.name]
    assert not leftovers, f"scratch folders left behind: {leftovers}"


@pytest.mark.slow  # builds a site
def test_failed_builds_leave_the_previous_site_byte_for_byte(mini_site, monkeypatch: pytest.MonkeyPatch) -> None:
    root, site, book = mini_site
    before = _snapshot(site)
    assert before

    # A broken link in a hand-written page: strict MkDocs refuses it.
    (root / "docs" / "en").mkdir(parents=True)
    (root / "docs" / "en" / "extra.md").write_text("# Extra\n\n[gone](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(SiteError, match=r"nowhere\.md"):
        build_site(book, root, site, with_pdf=False)
    _assert_unchanged(site, before)
    shutil.rmtree(root / "docs")

    # A template error (an exception in the pages step).
    import generator.site_build as site_module

    def boom(*args, **kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(site_module, "render_pages", boom)
    with pytest.raises(RuntimeError):
        build_site(book, root, site, with_pdf=False)
    _assert_unchanged(site, before)
    monkeypatch.undo()

    # Ctrl-C in the middle of the English MkDocs build (the second language when they
    # are built one after the other; the other worker process when in parallel).
    real = site_module.build_language

    def interrupted(cfg, path, **kwargs):
        if cfg["theme"]["language"] == "en":
            raise KeyboardInterrupt
        return real(cfg, path, **kwargs)

    for jobs in ("1", "2"):
        monkeypatch.setenv("HANDBOOK_JOBS", jobs)
        monkeypatch.setattr(site_module, "build_language", interrupted)
        with pytest.raises(KeyboardInterrupt):
            build_site(book, root, site, with_pdf=False)
        _assert_unchanged(site, before)
        monkeypatch.undo()

    # A hand-written page where a generated one goes.
    (root / "docs" / "zh" / "roles").mkdir(parents=True)
    (root / "docs" / "zh" / "roles" / "clerk.md").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(SiteError, match="hand-written"):
        build_site(book, root, site, with_pdf=False)
    _assert_unchanged(site, before)


@pytest.mark.slow  # builds a site
def test_bad_data_builds_nothing(tmp_path: Path, mini_site) -> None:
    """`handbook build` checks first; with an error it exits 1 and the site stays."""
    from generator.cli import main

    root, site, _ = mini_site
    before = _snapshot(site)
    clerk = root / "roles" / "cs" / "clerk.yml"
    clerk.write_text(
        clerk.read_text(encoding="utf-8").replace("reports_to: supervisor", "reports_to: nobody"), encoding="utf-8"
    )
    assert main(["build", "--root", str(root), "--site-dir", str(site)]) == 1
    _assert_unchanged(site, before)


def test_pdf_links_appear_only_for_written_pdfs(tmp_path: Path) -> None:
    book, _ = load_and_check(MINI)
    pages = {p.path: p.text for p in render_pages(book, "zh", pdfs=["zh/roles/clerk.pdf"])}
    assert 'href="../../pdf/zh/roles/clerk.pdf"' in pages["roles/clerk.md"]
    assert "pdf/" not in pages["roles/supervisor.md"]
    en = {p.path: p.text for p in render_pages(book, "en", pdfs=["en/procedures/lift.pdf"])}
    assert 'href="../../../pdf/en/procedures/lift.pdf"' in en["procedures/lift.md"]


@pytest.mark.slow  # builds a site with its PDFs
def test_build_with_pdf_puts_them_under_pdf_and_links_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site side of `handbook build --pdf`, with a stand-in for the PDF writer (its own
    tests render real PDFs): files land in site/pdf/, pages link to those that exist."""
    import generator.pdf

    def fake_write_pdfs(book, out: Path, previous: Path | None = None) -> list[Path]:
        written = []
        for lang in ("zh", "en"):
            for rel in [
                f"{lang}/roles/clerk.pdf",
                f"{lang}/procedures/lift.pdf",
                f"{lang}/checklists/clerk.pdf",
                f"{lang}/booklet.pdf",
            ]:
                path = out / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"%PDF-1.7\n")
                written.append(path)
        return written

    monkeypatch.setattr(generator.pdf, "write_pdfs", fake_write_pdfs)
    book, _ = load_and_check(MINI)
    site = tmp_path / "site"
    report = build_site(book, MINI, site, with_pdf=True)
    assert report.pdfs == 8
    for lang in LANGS:
        base = lang_dir(site, lang)
        for page, target in [
            ("roles/clerk", f"{lang}/roles/clerk.pdf"),
            ("procedures/lift", f"{lang}/procedures/lift.pdf"),
            ("checklists/clerk", f"{lang}/checklists/clerk.pdf"),
            ("roles", f"{lang}/booklet.pdf"),
        ]:
            file = base / page / "index.html"
            hrefs = [h for h in read(file).attr("a", "href") if h.endswith(".pdf")]
            assert len(hrefs) == 1, (file, hrefs)
            assert (file.parent / hrefs[0]).resolve() == (site / "pdf" / target).resolve()
            assert (site / "pdf" / target).is_file()
        assert not [
            h for h in read(base / "roles" / "supervisor" / "index.html").attr("a", "href") if h.endswith(".pdf")
        ]


def test_serve_watches_data_pages_and_config_but_not_its_output(tmp_path: Path) -> None:
    from generator.serve import snapshot as _snapshot

    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    before = _snapshot(root)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("x", encoding="utf-8")
    assert _snapshot(root) == before
    clerk = root / "roles" / "cs" / "clerk.yml"
    os.utime(clerk, (before[str(clerk)] + 5, before[str(clerk)] + 5))
    assert _snapshot(root) != before
    (root / "docs" / "en").mkdir(parents=True)
    (root / "docs" / "en" / "new.md").write_text("# New\n", encoding="utf-8")
    assert str(root / "docs" / "en" / "new.md") in _snapshot(root)


# --------------------------------------------------------------------------- serve's rebuild


def _site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site (the search index is written in a fixed order, so a
    rebuild writes the same bytes as a full build)."""
    out: dict[str, bytes] = {}
    for p in sorted(site.rglob("*")):
        if not p.is_file():
            continue
        out[p.relative_to(site).as_posix()] = p.read_bytes()
    return out


@pytest.mark.slow  # builds a site
def test_serve_rebuilds_only_what_changed_and_ends_where_a_full_build_does(tmp_path: Path) -> None:
    """LiveSite (handbook serve): a renamed role re-renders the pages that show its title
    (its department's sidebar included) and nothing else; the result is the site a full
    build of the edited data writes, byte for byte."""
    from generator.site_live import LiveSite

    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    live = LiveSite(root, tmp_path / "served" / "site")
    try:
        book, _ = load_and_check(root)
        first = live.rebuild(book)
        assert not first.incremental
        total = sum(1 for p in book.roles) * 2

        clerk = root / "roles" / "cs" / "clerk.yml"
        clerk.write_text(
            clerk.read_text(encoding="utf-8")
            .replace("前台调度员", "前台接待调度员")
            .replace("Front Desk Dispatcher", "Reception Dispatcher"),
            encoding="utf-8",
        )
        book, _ = load_and_check(root)
        report = live.rebuild(book)
        assert report.incremental
        assert 0 < report.pages["zh"] < first.pages["zh"] and 0 < report.pages["en"] < first.pages["en"]
        full = tmp_path / "full" / "site"
        build_site(book, root, full, with_pdf=False)
        assert total and _site_files(live.site_dir) == _site_files(full)
        other = next(r for r in book.roles.values() if r.department == "cs" and r.id != "clerk")
        assert "Reception Dispatcher" in (live.site_dir / "en" / "roles" / other.id / "index.html").read_text(
            encoding="utf-8"
        )

        # Nothing changed: nothing of the data's pages is rendered again.
        again = live.rebuild(book)
        assert again.incremental

        # A role moved to another department changes the navigation's shape: a full build.
        text = clerk.read_text(encoding="utf-8")
        depts = [d for d in book.departments if d != "cs"]
        clerk.write_text(text.replace("department: cs", f"department: {depts[0]}"), encoding="utf-8")
        moved, findings = load_and_check(root)
        if not [f for f in findings if f.severity == "error"]:
            assert not live.rebuild(moved).incremental
    finally:
        live.close()
    assert not any(p.name.startswith(".site.serve-") for p in (tmp_path / "served").iterdir())


# --------------------------------------------------------------------------- the language workers


def _children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(p) for p in task.read_text().split()}
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_failure_is_the_same_error_as_in_one_process(
    mini_site, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """A finding raised in a language's worker comes back as the SiteFindings it is, with
    file:line; a worker that is killed is a SiteError naming the language; either way the
    other worker is stopped, the old site stays and no process is left."""
    import multiprocessing
    import signal

    import generator.site_build as site_module
    from generator.site_config import SiteFindings

    root, site, book = mini_site
    before = _snapshot(site)
    monkeypatch.setenv("HANDBOOK_JOBS", jobs)
    (root / "docs" / "en" / "roles").mkdir(parents=True)
    (root / "docs" / "en" / "roles" / "clerk.md").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(SiteFindings) as caught:
        build_site(book, root, site, with_pdf=False)
    assert [f.text() for f in caught.value.findings] == [
        "docs/en/roles/clerk.md:1:1: error E963: the handbook generates the page roles/clerk.md; "
        "rename the hand-written page"
    ]
    _assert_unchanged(site, before)
    shutil.rmtree(root / "docs" / "en")
    if jobs == "1":
        return

    real = site_module.build_language

    def killed(cfg, path, **kwargs):
        if cfg["theme"]["language"] == "en":
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return real(cfg, path, **kwargs)

    monkeypatch.setattr(site_module, "build_language", killed)
    with pytest.raises(SiteError, match=r"the (zh or )?en build process ended without a result") as ended:
        build_site(book, root, site, with_pdf=False)
    assert not isinstance(ended.value, SiteFindings) and ended.value.__cause__ is None
    _assert_unchanged(site, before)
    assert not multiprocessing.active_children()
    assert not _children(os.getpid())


def test_the_workers_of_a_killed_build_die_with_it(tmp_path: Path) -> None:
    """SIGKILL of `handbook build` (nothing can clean up): its language workers do not
    linger (they die with their parent, PR_SET_PDEATHSIG)."""
    import signal
    import subprocess
    import sys
    import time

    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    env = {**os.environ, "HANDBOOK_JOBS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the build ended before its workers were seen; nothing to kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = []
    for pid in workers:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z":  # a zombie is dead, waiting to be reaped by init
            alive.append(pid)
    assert not alive, f"workers outlived the killed build: {alive}"
