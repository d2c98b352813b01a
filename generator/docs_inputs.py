"""docs/, read as data: what of the hand-written pages and files is published, and what is refused.

MkDocs follows symbolic links in ``docs_dir`` and publishes every file it finds there
(DESIGN pitfall 10): ``docs/en/passwd.txt -> /etc/passwd`` would be on the site.  The
handbook walks ``docs/<lang>/`` itself, never following a link, and decides per file:

* a symbolic link to a file inside the handbook root is published as a copy of that file;
  a link that leaves the root, dangles or loops, and any linked folder, is E960;
  a device, pipe or socket is E960 too (reading it would never end);
* only :data:`PUBLISHED` file types are copied (Markdown, PNG, JPEG, GIF, WebP, PDF); any
  other file is W961 and left out (SVG and HTML can carry scripts, CSS comes from the
  program's own assets);
* a page must be UTF-8 (E962), not clash with a page the handbook generates (E963), link
  only to pages that exist (E964), and, when it opts into macros, pass the sandbox's
  static check (E965);
* a page over 1 MiB or another file over 20 MiB is E966.

Files and folders whose name starts with ``.`` are ignored, as before.  The same scan
serves ``handbook check`` (findings) and the build (:func:`copy_docs`, which copies the
scanned files and nothing else).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.config_reader import visible
from generator.findings import Finding
from generator.positions import Location

#: File types published from docs/ (lower-case suffixes).
PUBLISHED = frozenset({".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"})
MAX_PAGE_BYTES = 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
LANGS = ("zh", "en")


@dataclass
class DocsScan:
    """The files of docs/<lang>/ to publish: relative path → the file to read."""

    files: dict[str, dict[str, Path]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def pages(self, lang: str) -> list[str]:
        return sorted(rel for rel in self.files.get(lang, {}) if rel.endswith(".md"))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def scan_docs(root: Path) -> DocsScan:
    """Walk docs/<lang>/ without following links; what to publish and what is refused."""
    root = Path(root).resolve()
    scan = DocsScan()
    for lang in LANGS:
        scan.files[lang] = {}
        top = root / "docs" / lang
        if top.is_symlink():
            scan.findings.append(
                _at(
                    f"docs/{lang}",
                    "E960",
                    f"docs/{lang} is a symbolic link; a linked folder is not published,"
                    " keep the pages in the handbook root",
                )
            )
            continue
        if not top.is_dir():
            continue
        _walk(root, top, f"docs/{lang}", "", scan.files[lang], scan.findings)
    return scan


def _walk(root: Path, folder: Path, display: str, rel: str, out: dict[str, Path], findings: list[Finding]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        findings.append(_at(display + "/" + rel, "E960", f"cannot read the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child_rel = f"{rel}{entry.name}"
        shown = f"{display}/{child_rel}"
        path = Path(entry.path)
        if entry.is_symlink():
            target = _link_target(root, path)
            if isinstance(target, str):
                findings.append(_at(shown, "E960", target))
                continue
            path = target
        try:
            info = path.stat()
        except OSError as exc:
            findings.append(_at(shown, "E960", f"cannot read it: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk(root, path, display, child_rel + "/", out, findings)
            continue
        if not stat.S_ISREG(info.st_mode):
            findings.append(_at(shown, "E960", "this is a device, a pipe or a socket, not a file; remove it"))
            continue
        suffix = Path(entry.name).suffix.lower()
        if suffix not in PUBLISHED:
            findings.append(
                _at(
                    shown,
                    "W961",
                    f"a '{visible(suffix or entry.name)}' file is not published (published:"
                    f" {', '.join(sorted(PUBLISHED))}); it is left out",
                )
            )
            continue
        limit = MAX_PAGE_BYTES if suffix == ".md" else MAX_FILE_BYTES
        if info.st_size > limit:
            findings.append(_at(shown, "E966", f"the file has {info.st_size:,} bytes; at most {limit:,} are published"))
            continue
        out[child_rel] = path


def _link_target(root: Path, link: Path) -> Path | str:
    """The file a link in docs/ points at, or why it is refused."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return "this symbolic link dangles or loops; replace it by the file itself"
    if not _inside(target, root):
        return (
            f"this symbolic link points outside the handbook root (to {visible(str(target))});"
            " nothing outside the root is published, copy the file in instead"
        )
    hidden = [part for part in target.relative_to(root).parts if part.startswith(".")]
    if hidden:  # .git/config holds CI credentials; .venv, .ci … are no pages either
        return (
            f"this symbolic link points into {visible(hidden[0])}/ of the root, which is never published;"
            " copy the file in instead"
        )
    if target.is_dir():
        return (
            "this symbolic link points at a folder; a linked folder is not published (it could loop),"
            " copy the pages in instead"
        )
    return target


def _at(display: str, code: str, message: str) -> Finding:
    return Finding.at(Location(visible(display), 1, 1), code, message)


# --------------------------------------------------------------------------- pages

_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_FENCE = re.compile(r"^(```|~~~)")


def page_findings(scan: DocsScan, generated: dict[str, list[str]]) -> list[Finding]:
    """UTF-8, clashes with generated pages, links to missing pages, macros (E962–E965)."""
    from generator.macros import check_page, opts_in

    out: list[Finding] = []
    for lang, files in scan.files.items():
        made = set(generated.get(lang, []))
        known = made | set(files)
        for rel in scan.pages(lang):
            display = visible(f"docs/{lang}/{rel}")
            if rel in made and rel != "index.md":
                out.append(
                    Finding.at(
                        Location(display, 1, 1),
                        "E963",
                        f"the handbook generates the page {rel}; rename the hand-written page",
                    )
                )
            try:
                raw = files[rel].read_bytes()
            except OSError as exc:
                out.append(Finding.at(Location(display, 1, 1), "E960", f"cannot read the page: {exc.strerror or exc}"))
                continue
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                before = raw[: exc.start]
                line, col = before.count(b"\n") + 1, len(before) - before.rfind(b"\n")
                out.append(
                    Finding.at(
                        Location(display, line, col),
                        "E962",
                        f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the page as UTF-8 (it may be GBK)",
                    )
                )
                continue
            out += front_matter_findings(text, display)
            out += _remote_findings(text, display)
            out += _link_findings(text, rel, display, known)
            if opts_in(text):
                out += check_page(text, display)
    return out


_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?^)(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)


def front_matter_findings(text: str, display: str) -> list[Finding]:
    """A page's front matter is YAML from a pull request too: plain values only (E967).

    MkDocs reads it with PyYAML's safe loader and drops it without a word when it holds a
    tag; `template:` would pick a theme template by a path the page chooses."""
    import yaml

    match = _FRONT.match(text)
    if not match:
        return []
    body, first = match.group(2), 2
    try:
        node = yaml.compose(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first + (mark.line if mark else 0)
        return [
            Finding.at(
                Location(display, line, (mark.column + 1) if mark else 1),
                "E967",
                f"the front matter is not valid YAML: {visible(str(getattr(exc, 'problem', exc)))}",
            )
        ]
    out: list[Finding] = []
    resolver = yaml.resolver.Resolver()
    stack = [node] if node is not None else []
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        where = Location(display, first + item.start_mark.line, item.start_mark.column + 1)
        if id(item) in seen or len(seen) > 10_000:  # an alias (possibly of itself: &a [*a]) or a bomb
            out.append(
                Finding.at(
                    where, "E967", "anchors and aliases (&a, *a) are not accepted in front matter; write the values out"
                )
            )
            break
        seen.add(id(item))
        if isinstance(item, yaml.ScalarNode):
            if (
                item.tag != resolver.resolve(yaml.ScalarNode, item.value, (True, False))
                and item.tag != "tag:yaml.org,2002:str"
            ):
                out.append(
                    Finding.at(
                        where,
                        "E967",
                        f"the tag {visible(item.tag)} is not accepted in front matter; write a plain value",
                    )
                )
        elif isinstance(item, yaml.SequenceNode):
            if item.tag != "tag:yaml.org,2002:seq":
                out.append(
                    Finding.at(
                        where,
                        "E967",
                        f"the tag {visible(item.tag)} is not accepted in front matter; write a plain list",
                    )
                )
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            if item.tag != "tag:yaml.org,2002:map":
                out.append(
                    Finding.at(
                        where,
                        "E967",
                        f"the tag {visible(item.tag)} is not accepted in front matter; write a plain mapping",
                    )
                )
            for key, value in item.value:
                if item is node and isinstance(key, yaml.ScalarNode) and key.value == "template":
                    at = Location(display, first + key.start_mark.line, key.start_mark.column + 1)
                    out.append(
                        Finding.at(
                            at,
                            "E967",
                            "template: would pick a theme template by a path;"
                            " the handbook's pages use its own templates, remove it",
                        )
                    )
                stack.extend((key, value))
    return sorted(out)


#: What makes a browser load something from another host as the page opens (a link that
#: the reader follows is fine): src / srcset attributes, Markdown images, CSS url() and @import.
_REMOTE = re.compile(
    r"""(?:\b(?:src|srcset|data|poster|background)\s*=\s*["']?\s*|!\[[^\]]*\]\(\s*<?|url\(\s*["']?|@import\s+["'])"""
    r"""((?:https?:|ftp:)?//[^\s"')>]+)""",
    re.IGNORECASE,
)


def _remote_findings(text: str, display: str) -> list[Finding]:
    """Images, scripts, frames and styles that a page would load from another host (E955)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _REMOTE.finditer(line):
            out.append(
                Finding.at(
                    Location(display, number, match.start(1) + 1),
                    "E955",
                    f"the page loads '{visible(match.group(1)[:80])}' from another host;"
                    " the site must work without internet: copy the file into docs/ and name it by its path",
                )
            )
    return out


def _link_findings(text: str, rel: str, display: str, known: set[str]) -> list[Finding]:
    """Relative links to .md pages whose target is neither hand-written nor generated."""
    out = []
    fenced = False
    here = rel.rsplit("/", 1)[0] if "/" in rel else ""
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in _LINK.finditer(line):
            target = match.group(1).split("#", 1)[0].split("?", 1)[0]
            if not target.endswith(".md") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/", target):
                continue
            resolved = os.path.normpath(os.path.join(here, target)).replace(os.sep, "/")
            if resolved.startswith("../") or resolved not in known:
                out.append(
                    Finding.at(
                        Location(display, number, match.start(1) + 1),
                        "E964",
                        f"the link '{visible(target)}' leads to no page of this language;"
                        " correct the path (relative to this page) or remove the link",
                    )
                )
    return out


def copy_docs(scan: DocsScan, lang: str, docs_dir: Path) -> list[str]:
    """Copy the scanned files of one language into a build's docs folder (never a link:
    the bytes of the file are copied); return the Markdown pages."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    for rel, source in scan.files.get(lang, {}).items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target, follow_symlinks=True)
    return scan.pages(lang)
