"""The built site in headless Chromium: search per language, the language switch, no
request off loopback, a sub-path and file:// copy, and axe-core accessibility checks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from support import chromium_or_skip

chromium_or_skip()  # skip here without a browser, fail in CI; conftest's `browser` launches it

from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# `server` (conftest): the built site served from /intranet/handbook/ on loopback, as on an intranet host.


@pytest.fixture
def page(browser):
    """A page whose requests may only go to loopback or file://; others are refused and fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    foreign: list[str] = []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not foreign, f"requests left loopback: {foreign}"
    assert not errors, f"script errors: {errors}"


def _search(page: Page, query: str) -> list[str]:
    """Type a query into Material's search box; return the result pages, best first.

    Material reads the box on keyup, so the query is typed and then a key is pressed.
    """
    viewport = page.viewport_size
    assert viewport is not None  # every context here sets one
    if viewport["width"] < 960:
        page.locator("label.md-header__button[for=__search]").first.click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    links = page.eval_on_selector_all(
        ".md-search-result__item > .md-search-result__link", "els => els.map(e => e.href)"
    )
    return [link.split("#")[0].split("?")[0] for link in links]


def _queries(book, lang: str) -> list[tuple[str, str]]:
    """(query, page expected among the first results): a role, a duty and a procedure."""
    role = next(r for r in book.roles.values() if r.duties)
    duty = max(role.duties, key=lambda d: len(getattr(d.text, lang)))
    proc = next(iter(book.procedures.values()))
    text = getattr(duty.text, lang)
    if lang == "zh":  # the first run of Chinese characters (Material's query syntax dislikes 、)
        first_run = re.match(r"[\u4e00-\u9fff]+", text)
        assert first_run, text
        duty_query = first_run.group(0)[:10]
    else:  # a few of its longer words
        duty_query = " ".join([w for w in re.findall(r"[A-Za-z]+", text) if len(w) > 5][:3])
    return [
        (getattr(role.title, lang), f"roles/{role.id}/"),
        (duty_query, f"roles/{role.id}/"),
        (getattr(proc.title, lang), f"procedures/{proc.id}/"),
    ]


def _lang_prefix(lang: str) -> str:
    return "" if lang == "zh" else "en/"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_finds_role_duty_and_procedure_in_its_language(page: Page, server: str, built_site, lang: str) -> None:
    for query, expected in _queries(built_site.book, lang):
        page.goto(server + _lang_prefix(lang))
        links = _search(page, query)
        wanted = server + _lang_prefix(lang) + expected
        assert wanted in links[:5], f"{lang} search {query!r}: {wanted} not among {links[:5]}"
        for link in links:
            assert link.startswith(server), link
            assert ("/en/" in link) == (lang == "en"), f"{lang} search returned a page of the other language: {link}"


def _switch_language(page: Page, to: str) -> None:
    page.locator(".md-header__option .md-select").first.hover()
    page.locator(f"a.hb-lang-link[hreflang={to}]").click()
    page.wait_for_load_state()


def test_language_switch_keeps_the_role(page: Page, server: str, built_site) -> None:
    role = next(iter(built_site.book.roles.values()))
    page.goto(server + f"roles/{role.id}/")
    assert page.locator("html").get_attribute("lang") == "zh"
    _switch_language(page, "en")
    assert page.url == server + f"en/roles/{role.id}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text().startswith(role.title.en.split()[0])
    _switch_language(page, "zh")
    assert page.url == server + f"roles/{role.id}/"


def test_offline_copy_works_from_disk(page: Page, offline_site) -> None:
    """The offline variant opened with file://: pages, search and the language switch."""
    book = offline_site.book
    role = next(iter(book.roles.values()))
    base = offline_site.site.resolve().as_uri() + "/"
    page.goto(base + "index.html")
    query, expected = _queries(book, "zh")[0]
    links = _search(page, query)
    assert any(link == base + expected.rstrip("/") + ".html" for link in links), links[:10]
    page.goto(base + f"roles/{role.id}.html")
    _switch_language(page, "en")
    assert page.url == base + f"en/roles/{role.id}.html"
    links = _search(page, role.title.en)
    assert any(link == base + f"en/roles/{role.id}.html" for link in links), links[:10]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_serious_accessibility_violations(page: Page, server: str, built_site, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    book = built_site.book
    role = next(iter(book.roles))
    proc = next(iter(book.procedures))
    axe = Axe()
    problems = []
    for path in ["", f"roles/{role}/", "matrix/", f"procedures/{proc}/"]:
        page.goto(server + _lang_prefix(lang) + path)
        result = axe.run(page)
        for v in result.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append(
                    f"{lang}/{path}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                )
    assert not problems, "\n".join(problems)
