"""One catalogue of words, time phrases and order (generator/catalogue.py): the site, the paper,
the exports, the maintainer guide and the tool's own messages say the same thing alike."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from generator import catalogue
from generator.escaping import visible, visible_line
from generator.model import LEVELS, Handbook
from generator.pipeline import load_and_check

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def book() -> Handbook:
    from generator.contacts import ensure_resolved

    handbook, findings = load_and_check(REPO)
    assert handbook is not None and not [f for f in findings if f.severity == "error"]
    return ensure_resolved(handbook)  # contacts with the property's numbers, as a build has them


def test_only_the_catalogue_opens_the_label_files() -> None:
    """A second reader of labels.yml is how two documents came to word one thing two ways."""
    readers = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"open\([^)]*labels|safe_load\(", text) and "labels" in text:
            readers.append(str(path.relative_to(REPO)))
    assert readers == []


def test_every_time_limit_of_the_data_reads_alike_on_the_site_and_on_paper(book: Handbook) -> None:
    from generator.pages import render_pages
    from generator.pdf.views import procedure_view

    for lang in catalogue.LANGS:
        pages = {p.path: p.text for p in render_pages(book, lang, only={f"procedures/{i}.md" for i in book.procedures})}
        for proc in book.procedures.values():
            page = pages[f"procedures/{proc.id}.md"]
            view = procedure_view(book, proc)
            for step, printed in zip([*proc.steps, *proc.aftercare], [*view.steps, *view.aftercare], strict=True):
                words = catalogue.duration(step.within_minutes, lang)
                if step.within_minutes is not None:
                    assert printed.limit is not None and getattr(printed.limit, lang) == words, (proc.id, step.id)
                    assert f'data-hb-limit="{words}"' in page, (lang, proc.id, step.id)  # the run mode's record
                assert words in page, (lang, proc.id, step.id)
            for rung in proc.escalation:
                words = catalogue.duration(rung.after_minutes, lang, "after_minutes")
                assert getattr(catalogue.after(rung.after_minutes), lang) == words
                assert words in page, (lang, proc.id, rung.id)
                assert "1 days" not in words and "1 天" not in words.replace("1 天内", "")  # 1,440 min reads 24 h


def test_the_booklet_and_the_site_list_roles_in_one_order(book: Handbook) -> None:
    from generator.navigation import navigation
    from generator.pdf import views

    printed = [
        rv.role.id
        for group in views.booklet(book, {r: views.role_view(book, book.roles[r]) for r in book.roles}).departments
        for rv in group.roles
    ]
    roles_section = next(item for item in navigation(book, "en", []) if "Roles" in item)["Roles"]
    listed = [
        path.removeprefix("roles/").removesuffix(".md")
        for section in roles_section
        for pages in section.values()
        if isinstance(pages, list)
        for entry in pages
        for path in entry.values()
        if path.startswith("roles/")
    ]
    assert printed == listed == [r.id for r in catalogue.role_order(book)]
    heads = [d.head for d in book.departments.values() if d.head in book.roles]
    for head in heads:  # a department's head opens its group, on paper as on the site
        group = next(
            g
            for g in views.booklet(book, {r: views.role_view(book, book.roles[r]) for r in book.roles}).departments
            if g.id == book.roles[head].department
        )
        assert group.roles[0].role.id == head


def test_the_maintainer_guide_names_the_levels_as_the_site_prints_them() -> None:
    """`propose` 建议 in the guide, 建议 in the matrix (the guide once said 提议 and 知悉)."""
    named: dict[str, set[tuple[str, str]]] = {}
    for path in sorted((REPO / "docs" / "zh").rglob("*.md")):
        for level, word in re.findall(
            r"`(" + "|".join(LEVELS) + r")` ([\u4e00-\u9fff]+)(?=[、）；。])", path.read_text("utf-8")
        ):
            named.setdefault(level, set()).add((word, path.name))
    assert named, "the guide names the levels somewhere"
    for level, uses in named.items():
        assert {w for w, _ in uses} == {catalogue.LEVEL[level].zh}, (level, uses)


def test_frequency_level_and_severity_words_come_from_labels_yml() -> None:
    labels = catalogue.all_labels()
    for lang in catalogue.LANGS:
        assert getattr(catalogue.FREQUENCY["on-demand"], lang) == labels[lang]["freq_on-demand"]
        assert getattr(catalogue.LEVEL["informed"], lang) == labels[lang]["level_informed"]
        assert getattr(catalogue.SEVERITY["critical"], lang) == labels[lang]["severity_critical"]
    assert set(catalogue.SEVERITY) == {"critical", "high", "medium"}


def test_one_terminal_escaper_with_and_without_line_feeds() -> None:
    from generator import config_reader

    nasty = "a\x1b]0;x\x07\u202eb\nc"
    assert visible(nasty) == "a\\x1b]0;x\\x07\\u202eb\nc"  # a finding keeps its line feed; each format escapes it
    assert visible_line(nasty) == "a\\x1b]0;x\\x07\\u202eb\\x0ac"  # a value quoted inside one line
    assert config_reader.visible is visible_line
    # every control and format character (the two escapers it replaces each missed some), the
    # invisible tag characters too, written unambiguously
    assert visible("tag\U000e0041ged\u0600") == "tag\\U000e0041ged\\u0600"


def test_the_command_line_gives_every_module_logger_one_handler_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import configure_logging

    configure_logging()
    configure_logging()  # main() may run many times in one process: still one handler
    logging.getLogger("generator.somewhere").warning("the card is set at %.1f pt", 7.5)
    logging.getLogger("generator.somewhere").info("built in %d s", 3)
    logging.getLogger("generator.somewhere").debug("not shown")
    assert capsys.readouterr().err.splitlines() == [
        "handbook: warning: the card is set at 7.5 pt",
        "handbook: built in 3 s",
    ]
