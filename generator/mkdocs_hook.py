"""MkDocs hook for a plain `mkdocs serve` / `mkdocs build` from the root mkdocs.yml.

Thin glue only: the pages come from :mod:`generator.pages`, as in `handbook build`,
which does not use this hook (it writes the pages into a docs folder first).  This
serves one language, the one of `theme.language`; `handbook serve` serves both.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files

from generator import macros
from generator.pages import navigation, render_pages
from generator.site import ASSET_PREFIX, ASSETS, WATCHED

_STATE: dict = {}


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def on_config(config):
    from generator.pipeline import load_and_check

    root = _root(config)
    book, findings = load_and_check(root)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        from mkdocs.exceptions import PluginError

        raise PluginError("handbook data has errors:\n" + "\n".join(f.text() for f in errors[:20]))
    lang = config.theme["language"]
    docs = Path(config.docs_dir)
    handwritten = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if not p.is_symlink())
    config.nav = navigation(book, lang, handwritten)
    config.extra["handbook_lang"] = lang
    _STATE.update(book=book, lang=lang, handwritten=handwritten)
    macros.use(book, root)
    return config


def on_files(files: Files, config) -> Files:
    book, lang = _STATE["book"], _STATE["lang"]
    for page in render_pages(book, lang, with_home="index.md" not in _STATE["handwritten"]):
        if files.get_file_from_path(page.path) is None:
            files.append(File.generated(config, page.path, content=page.text))
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            uri = f"{ASSET_PREFIX}/{asset.relative_to(ASSETS).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(asset)))
    return files


def on_page_markdown(markdown, page, config, files):
    """Opted-in pages (render_macros: true), rendered in the sandbox as `handbook build` does."""
    if not page.meta.get("render_macros"):
        return markdown
    docs = Path(config.docs_dir).resolve()
    try:
        prefix = docs.relative_to(_root(config).resolve()).as_posix() + "/"
    except ValueError:
        prefix = ""
    try:
        return macros.render_page(markdown, config, page, prefix + page.file.src_uri)
    except macros.MacroError as exc:
        from mkdocs.exceptions import PluginError

        raise PluginError(str(exc)) from None


def on_serve(server, config, builder):
    root = _root(config)
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    return server
