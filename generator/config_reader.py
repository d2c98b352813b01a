"""mkdocs.yml, read strictly: the site configuration is data from a pull request too.

MkDocs' own loader builds Python objects from tags (``!!python/object/apply`` runs code),
follows ``INHERIT`` to any file, imports any hook file and any plugin or Markdown
extension it is told to.  So the handbook reads ``mkdocs.yml`` itself, with the strict
reader of the data files (:mod:`generator.yaml_reader`: no tags at all, no duplicate keys,
positions for every value), and checks it against allow-lists that the program ships:

* top-level keys: :data:`TOP_KEYS`, each with the type it must have;
* ``INHERIT``: only the program's own base file (:data:`BASE_NAME`), which is read from
  the installed program, never from the path written;
* ``hooks``: only :data:`ALLOWED_HOOKS` (a plain ``mkdocs serve`` uses it; ``handbook
  build`` drops hooks);
* ``plugins``: :data:`ALLOWED_PLUGINS`, each with the options it may take;
* ``markdown_extensions``: :data:`ALLOWED_EXTENSIONS` (Python-Markdown imports an
  extension by name, so an unknown name would import any installed module);
* no address on another host where the site would load it (``extra_css``,
  ``extra_javascript``, ``theme.logo`` / ``theme.favicon``, ``extra.analytics``): the site
  must work offline.

Every problem is a finding with ``mkdocs.yml:line:col``; MkDocs only ever sees the
checked mapping (:func:`site_config`), merged with the base file as MkDocs would merge it.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.escaping import visible_line as visible  # the one terminal escaper, for one-line messages
from generator.findings import Finding, did_you_mean
from generator.positions import Location, SourceMap
from generator.yaml_reader import read_yaml

PACKAGE = Path(__file__).parent
BASE_CONFIG = PACKAGE / "templates" / "site" / "mkdocs.base.yml"
#: The one INHERIT value accepted: the program's base file, as the bundled mkdocs.yml names it.
BASE_NAME = "generator/templates/site/mkdocs.base.yml"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")

#: Top-level keys and the Python types their value may have.
TOP_KEYS: dict[str, tuple[type, ...]] = {
    "INHERIT": (str,),
    "site_name": (str,),
    "site_description": (str,),
    "site_author": (str,),
    "site_url": (str,),
    "copyright": (str,),
    "repo_url": (str,),
    "repo_name": (str,),
    "edit_uri": (str,),
    "docs_dir": (str,),
    "site_dir": (str,),
    "use_directory_urls": (bool,),
    "strict": (bool,),
    "dev_addr": (str,),
    "theme": (dict, str),
    "extra": (dict,),
    "extra_css": (list,),
    "extra_javascript": (list,),
    "extra_templates": (list,),
    "markdown_extensions": (list,),
    "plugins": (list,),
    "hooks": (list,),
    "validation": (dict,),
    "watch": (list,),
    "not_in_nav": (str,),
    "exclude_docs": (str,),
    "draft_docs": (str,),
    "nav": (list,),
}

#: Hook files a plain `mkdocs serve` may load (paths relative to the root).
ALLOWED_HOOKS = frozenset({"generator/mkdocs_hook.py"})

#: Plugins and the options each may take.  `macros` is the handbook's own sandboxed
#: renderer of opted-in pages (generator.macros); mkdocs-macros' options that import
#: modules or read files (modules, include_dir, include_yaml, j2_extensions …) are refused.
#: The options Material's search plugin takes, under either of its names.
_SEARCH_OPTIONS = frozenset(
    {
        "lang",
        "separator",
        "pipeline",
        "min_search_length",
        "prebuild_index",
        "indexing",
        "jieba_dict",
        "jieba_dict_user",
    }
)
ALLOWED_PLUGINS: dict[str, frozenset[str]] = {
    "search": _SEARCH_OPTIONS,
    "material/search": _SEARCH_OPTIONS,
    "macros": frozenset({"module_name", "render_by_default", "on_error_fail", "on_undefined"}),
}

#: Markdown extensions that only change how Markdown is read (none reads files or runs code;
#: pymdownx.snippets, which includes any file of the disk, is not among them).
ALLOWED_EXTENSIONS = frozenset(
    {
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "md_in_html",
        "meta",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "fenced_code",
        "nl2br",
        "wikilinks",
        "legacy_attrs",
        "legacy_em",
        "markdown.extensions.abbr",
        "markdown.extensions.admonition",
        "markdown.extensions.attr_list",
        "markdown.extensions.def_list",
        "markdown.extensions.footnotes",
        "markdown.extensions.md_in_html",
        "markdown.extensions.tables",
        "markdown.extensions.toc",
        "markdown.extensions.sane_lists",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.critic",
        "pymdownx.details",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.smartsymbols",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.tasklist",
        "pymdownx.tilde",
        "pymdownx.escapeall",
        "pymdownx.saneheaders",
        "pymdownx.magiclink",
        "pymdownx.progressbar",
    }
)

#: Options that Python-Markdown extensions take as a function (toc's slugify …): a string
#: there would be called, so they are refused.
CALLABLE_OPTIONS = frozenset(
    {"slugify", "format", "validator", "custom_fences", "emoji_index", "emoji_generator", "build_url"}
)

_REMOTE = ("http://", "https://", "//", "ftp://", "data:", "javascript:")


@dataclass
class SiteConfig:
    """mkdocs.yml as checked: the merged mapping (None when it has errors) and findings."""

    data: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)
    path: Path | None = None


def config_file(root: Path) -> Path | None:
    """The root's mkdocs.yml (or .yaml), or None: the packaged defaults are used then."""
    for name in CONFIG_NAMES:
        path = root / name
        if path.is_file() or path.is_symlink():
            return path
    return None


def base_config() -> dict[str, Any]:
    """The program's own defaults (trusted: shipped with the program, plain YAML); a copy."""
    return copy.deepcopy(_base_config())


@functools.lru_cache(maxsize=1)
def _base_config() -> dict[str, Any]:
    with open(BASE_CONFIG, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """The child's values over the base's, mappings merged key by key (as MkDocs' INHERIT)."""
    out = copy.deepcopy(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_site_config(root: Path) -> SiteConfig:
    """Read and check the root's mkdocs.yml; the data MkDocs may see, or findings."""
    path = config_file(root)
    if path is None:
        return SiteConfig(base_config())
    display = path.name
    if path.is_symlink():
        here = Location(display, 1, 1)
        return SiteConfig(
            None,
            [
                Finding.at(
                    here,
                    "E950",
                    f"{display} is a symbolic link; keep the site configuration as a plain file in the handbook root",
                )
            ],
            path,
        )
    read = read_yaml(path, display)
    if read.data is None or any(f.severity == "error" for f in read.findings):
        return SiteConfig(None, read.findings, path)
    findings = list(read.findings) + _check(read.data, read.source)
    if any(f.severity == "error" for f in findings):
        return SiteConfig(None, findings, path)
    data = dict(read.data)
    if "INHERIT" in data:
        data.pop("INHERIT")
        data = merge(base_config(), data)
    return SiteConfig(data, findings, path)


def _check(data: dict[str, Any], source: SourceMap) -> list[Finding]:
    out: list[Finding] = []
    wrong_type = False

    def at(path: tuple, code: str, message: str, key: bool = False) -> None:
        out.append(Finding.at(source.where(path, key=key), code, message))

    for key, value in data.items():
        if key not in TOP_KEYS:
            at(
                (key,),
                "E950",
                f"{_show(key)} is not a setting the handbook accepts in mkdocs.yml{did_you_mean(key, TOP_KEYS)};"
                " remove it",
                key=True,
            )
            continue
        if not isinstance(value, TOP_KEYS[key]) or (bool in TOP_KEYS[key]) != isinstance(value, bool):
            wanted = " or ".join(_type_name(t) for t in TOP_KEYS[key])
            at((key,), "E950", f"'{key}' must be {wanted}, not {_type_name(type(value))}")
            wrong_type = True
    if wrong_type:
        return out
    for key in ("docs_dir", "site_dir"):
        value = data.get(key)
        if isinstance(value, str) and (Path(value).is_absolute() or ".." in Path(value).parts):
            at(
                (key,),
                "E950",
                f"{key} {_show(value)} leaves the handbook root; handbook build uses docs/<language> and --site-dir,"
                " remove the key or name a folder inside the root",
            )
    inherit = data.get("INHERIT")
    if inherit is not None and inherit.strip().lstrip("./") != BASE_NAME:
        at(
            ("INHERIT",),
            "E951",
            f"INHERIT may only name the program's own defaults, '{BASE_NAME}';"
            " remove it or write the settings into mkdocs.yml itself",
        )
    for i, hook in enumerate(data.get("hooks") or []):
        if not isinstance(hook, str) or hook.strip().lstrip("./") not in ALLOWED_HOOKS:
            at(
                ("hooks", i),
                "E953",
                f"the hook {_show(hook)} is not one the handbook ships (allowed: {', '.join(sorted(ALLOWED_HOOKS))});"
                " a hook is Python code run by the build, remove it",
            )
    _check_plugins(data.get("plugins") or [], at)
    _check_extensions(data.get("markdown_extensions") or [], at)
    _check_theme(data.get("theme"), at)
    for key in ("extra_css", "extra_javascript"):
        for i, entry in enumerate(data.get(key) or []):
            target = entry.get("path") if isinstance(entry, dict) else entry
            if not isinstance(target, str):
                at((key, i), "E950", f"{key} lists file paths; {_show(entry)} is not one")
            elif _remote(target):
                at(
                    (key, i),
                    "E955",
                    f"{_show(target)} is on another host; the site must work without internet:"
                    " copy the file into docs/ and name it by its path",
                )
    extra = data.get("extra") or {}
    if "analytics" in extra:
        at(
            ("extra", "analytics"),
            "E955",
            "extra.analytics loads a tracker from another host; remove it (the site must work without internet)",
            key=True,
        )
    if "extra_templates" in data:
        at(
            ("extra_templates",),
            "E950",
            "extra_templates are Jinja templates run by the build; the handbook does not take them, remove the key",
            key=True,
        )
    return out


def _name_and_options(entry: object) -> tuple[object, object] | None:
    """A plugin or extension entry, `name` or `{name: options}`, as (name, options); None if neither."""
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict) and len(entry) == 1:
        name, options = next(iter(entry.items()))
        return name, options if options is not None else {}
    return None


def _check_plugins(plugins: list, at) -> None:
    for i, entry in enumerate(plugins):
        named = _name_and_options(entry)
        if named is None:
            at(("plugins", i), "E950", "a plugin is a name, or a name with its options (- search: {…})")
            continue
        name, options = named
        if name not in ALLOWED_PLUGINS:
            at(
                ("plugins", i),
                "E952",
                f"the plugin {_show(name)} is not on the handbook's list{did_you_mean(str(name), ALLOWED_PLUGINS)}"
                f" (allowed: {', '.join(ALLOWED_PLUGINS)}); a plugin is code run by the build, remove it",
            )
            continue
        if not isinstance(options, dict):
            at(("plugins", i, name), "E950", f"the options of '{name}' must be a mapping")
            continue
        for option in options:
            if option not in ALLOWED_PLUGINS[name]:
                at(
                    ("plugins", i, name, option),
                    "E952",
                    f"the option '{option}' of the plugin '{name}' is not allowed (allowed:"
                    f" {', '.join(sorted(ALLOWED_PLUGINS[name]))}); remove it",
                    key=True,
                )


def _check_extensions(extensions: list, at) -> None:
    for i, entry in enumerate(extensions):
        named = _name_and_options(entry)
        if named is None:
            at(("markdown_extensions", i), "E950", "a Markdown extension is a name, or a name with its options")
            continue
        name, options = named
        if name not in ALLOWED_EXTENSIONS:
            at(
                ("markdown_extensions", i),
                "E954",
                f"the Markdown extension {_show(name)} is not on the handbook's"
                f" list{did_you_mean(str(name), ALLOWED_EXTENSIONS)};"
                " an extension is a Python module the build imports, remove it",
            )
            continue
        if not isinstance(options, dict):
            at(("markdown_extensions", i, name), "E950", f"the options of '{name}' must be a mapping")
            continue
        for option in options:
            if option in CALLABLE_OPTIONS:
                at(
                    ("markdown_extensions", i, name, option),
                    "E954",
                    f"the option '{option}' of '{name}' names Python code; remove it",
                    key=True,
                )


def _check_theme(theme: Any, at) -> None:
    if theme is None:
        return
    name = theme if isinstance(theme, str) else theme.get("name", "material")
    if name != "material":
        at(
            ("theme",) if isinstance(theme, str) else ("theme", "name"),
            "E950",
            f"the theme must be 'material' (the handbook's templates are made for it), not {_show(name)}",
        )
    if isinstance(theme, dict):
        for key, kind in (
            ("features", list),
            ("palette", (list, dict)),
            ("icon", dict),
            ("font", (bool, dict)),
            ("language", str),
        ):
            if key in theme and not isinstance(theme[key], kind):
                at(
                    ("theme", key),
                    "E950",
                    f"theme.{key} has the wrong type ({_type_name(type(theme[key]))});"
                    " see Material's documentation or remove it",
                )
        for name, value in (theme.get("icon") or {}).items() if isinstance(theme.get("icon"), dict) else ():
            values = value.values() if isinstance(value, dict) else [value]
            if any(not isinstance(v, str) or ".." in v or v.startswith("/") for v in values):
                at(
                    ("theme", "icon", name),
                    "E950",
                    f"theme.icon.{visible(str(name))} must name an icon (material/…), not a path",
                )
        for key in ("logo", "favicon"):
            value = theme.get(key)
            if isinstance(value, str) and _remote(value):
                at(
                    ("theme", key),
                    "E955",
                    f"theme.{key} {_show(value)} is on another host; put the image into docs/ and name it by its path",
                )


def _remote(value: str) -> bool:
    return value.strip().lower().startswith(_REMOTE)


def _show(value: Any) -> str:
    text = visible(repr(value) if not isinstance(value, str) else f"'{value}'")
    return text if len(text) <= 60 else text[:57] + "…'"


def _type_name(kind: type) -> str:
    return {
        str: "a text",
        bool: "true or false",
        dict: "a mapping",
        list: "a list",
        int: "a number",
        float: "a number",
        type(None): "empty",
    }.get(kind, kind.__name__)
