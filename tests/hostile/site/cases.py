"""The corpus of hostile input *around* the data (issue 11): outputs, mkdocs.yml, docs/, macros,
git revisions, arguments.  Each case prepares a copy of tests/fixtures/mini (ROOT) next to a
decoy folder (DECOY) that stands for the rest of the machine, and names the commands to run and
what each must say.

`{root}`, `{decoy}` and `{marker}` in an argument are replaced by the paths; a marker file
(`{decoy}/PWNED`) is what an attack that ran would leave.  The test (tests/test_hostile_site.py)
asserts for every run: the exit code, the `file:line` (or the code and path) named, no
traceback, no "internal error", no marker, the decoy byte-for-byte as it was, and — where
`untouched` — the root's files as they were.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Setup = Callable[[Path, Path], None]


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    exit: int
    says: tuple[str, ...]  # each must appear in stdout + stderr


@dataclass(frozen=True)
class Case:
    name: str
    bullet: str  # which bullet of the issue it attacks
    setup: Setup
    runs: tuple[Run, ...]
    untouched: bool = True  # the root's files stay as they were

    def __str__(self) -> str:
        return self.name


def nothing(root: Path, decoy: Path) -> None:
    pass


def fill(text: str, root: Path, decoy: Path) -> str:
    """The placeholders of an argument or a file, replaced (braces of Jinja stay as they are)."""
    return text.replace("{marker}", str(decoy / "PWNED")).replace("{root}", str(root)).replace("{decoy}", str(decoy))


def at(rel: str, make: Callable[[Path, Path, Path], object]) -> Setup:
    """A setup that makes one thing at `root/rel`, its folders first: `make(path, root, decoy)`.

    Every file, link and pipe of a case is made this way, so that a new kind of thing to
    plant is one line (see `write`, `raw`, `link`, `fifo`).
    """

    def setup(root: Path, decoy: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path, root, decoy)

    return setup


def write(rel: str, text: str) -> Setup:
    """A text file, its placeholders filled."""
    return at(rel, lambda path, root, decoy: path.write_text(fill(text, root, decoy), encoding="utf-8"))


def raw(rel: str, data: bytes) -> Setup:
    """A file of these bytes (not UTF-8, say)."""
    return at(rel, lambda path, root, decoy: path.write_bytes(data))


def link(rel: str, target: str) -> Setup:
    """A symbolic link to `target`, its placeholders filled."""
    return at(rel, lambda path, root, decoy: path.symlink_to(fill(target, root, decoy)))


def fifo(rel: str) -> Setup:
    """A named pipe: reading it would block for ever."""
    return at(rel, lambda path, root, decoy: os.mkfifo(path))


def both(*setups: Setup) -> Setup:
    def setup(root: Path, decoy: Path) -> None:
        for s in setups:
            s(root, decoy)

    return setup


_GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}


def git(root: Path, *args: str) -> None:
    """Run git in the root, as a test author with no configuration of their own."""
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **_GIT_ENV})


def git_repo_with_link(root: Path, decoy: Path) -> None:
    """A commit in which a role file is a symbolic link to a file of the decoy."""
    git(root, "init", "-q")
    (root / "roles/cs/evil.yml").symlink_to(decoy / "secret.yml")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "link")
    (root / "roles/cs/evil.yml").unlink()


def git_repo(root: Path, decoy: Path) -> None:
    """The root as one commit, for `handbook diff`."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"]):
        git(root, *args)


CHECK = ("check", "--root", "{root}")
BUILD = ("build", "--root", "{root}", "--site-dir", "{root}/site")


def fails(argv: tuple[str, ...], *says: str) -> tuple[Run, ...]:
    """One command that exits 1, saying each of `says`."""
    return (Run(argv, 1, says),)


def refused(*argv: str) -> tuple[Run, ...]:
    """A command refused for where it would write (E970)."""
    return fails(argv, "E970")


def check_and_build(*says: str) -> tuple[Run, ...]:
    """`check` and `build` both refuse, naming the place (file:line) and the code."""
    return (Run(CHECK, 1, says), Run(BUILD, 1, says))


def build_refuses(*says: str) -> tuple[Run, ...]:
    """`check` passes and `build` refuses: what only MkDocs or the rendering finds."""
    return (Run(CHECK, 0, ()), Run(BUILD, 1, says))


PWN = "{marker}"
MACRO_PAGE = "---\nrender_macros: true\n---\n# Page\n\nText.\n\n{body}\n"

CASES: list[Case] = [
    # --- output paths ----------------------------------------------------------------------
    Case("site-dir is the root", "outputs", nothing, refused("build", "--root", "{root}", "--site-dir", "{root}")),
    Case(
        "site-dir is the root as .",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{root}/roles/.."),
    ),
    Case(
        "site-dir is the root's parent",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{root}/.."),
    ),
    Case("site-dir is /", "outputs", nothing, refused("build", "--root", "{root}", "--site-dir", "/")),
    Case("site-dir is roles/", "outputs", nothing, refused("build", "--root", "{root}", "--site-dir", "{root}/roles")),
    Case(
        "site-dir inside org/",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{root}/org/site"),
    ),
    Case(
        "site-dir is a data file",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{root}/roles/cs/clerk.yml"),
    ),
    Case(
        "site-dir is handbook.yml",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{root}/handbook.yml"),
    ),
    Case("site-dir is .git", "outputs", git_repo, refused("build", "--root", "{root}", "--site-dir", "{root}/.git")),
    Case(
        "site-dir is docs/",
        "outputs",
        write("docs/en/index.md", "# Home\n"),
        refused("build", "--root", "{root}", "--site-dir", "{root}/docs"),
    ),
    Case(
        "site-dir is a folder the tool did not write",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{decoy}"),
    ),
    Case(
        "site-dir is an existing file",
        "outputs",
        nothing,
        refused("build", "--root", "{root}", "--site-dir", "{decoy}/secret.yml"),
    ),
    Case(
        "site-dir is a link to the decoy",
        "outputs",
        link("site", "{decoy}"),
        refused("build", "--root", "{root}", "--site-dir", "{root}/site"),
    ),
    Case(
        "default site/ is a link to the decoy", "outputs", link("site", "{decoy}"), refused("build", "--root", "{root}")
    ),
    Case(
        "site-dir through a linked folder",
        "outputs",
        link("out", "{decoy}"),
        refused("build", "--root", "{root}", "--site-dir", "{root}/out/site"),
    ),
    Case(
        "default site/ holds someone's files",
        "outputs",
        write("site/notes.txt", "mine\n"),
        refused("build", "--root", "{root}"),
    ),
    Case("pdf --out is org/", "outputs", nothing, refused("pdf", "--root", "{root}", "--out", "{root}/org")),
    Case("pdf --out is the decoy", "outputs", nothing, refused("pdf", "--root", "{root}", "--out", "{decoy}")),
    Case(
        "pdf --out is the root's parent", "outputs", nothing, refused("pdf", "--root", "{root}", "--out", "{root}/..")
    ),
    Case(
        "serve's site/ is a link",
        "outputs",
        link("site", "{decoy}"),
        refused("serve", "--root", "{root}", "--addr", "127.0.0.1:0"),
    ),
    Case(
        "serve's site/ holds someone's files",
        "outputs",
        write("site/notes.txt", "mine\n"),
        refused("serve", "--root", "{root}", "--addr", "127.0.0.1:0"),
    ),
    Case(
        "schema file is a link out of the root",
        "outputs",
        both(write("schema/.keep", ""), link("schema/role.schema.json", "{decoy}/secret.yml")),
        fails(("schema", "--root", "{root}"), "E971", "role.schema.json"),
    ),
    Case(
        "schema folder is a link",
        "outputs",
        link("schema", "{decoy}"),
        fails(("schema", "--root", "{root}"), "E971", "schema"),
    ),
    # --- mkdocs.yml -------------------------------------------------------------------------
    Case(
        "python tag under extra",
        "mkdocs.yml",
        write("mkdocs.yml", "site_name: X\nextra:\n  a: !!python/object/apply:os.system ['touch {marker}']\n"),
        check_and_build("mkdocs.yml:3:6", "E110"),
    ),
    Case(
        "python tag on a key",
        "mkdocs.yml",
        write("mkdocs.yml", "site_name: X\n? !!python/object/apply:os.system ['touch {marker}']\n: 1\n"),
        check_and_build("mkdocs.yml:2", "E110"),
    ),
    Case(
        "ENV tag",
        "mkdocs.yml",
        write("mkdocs.yml", "site_name: !ENV HOME\n"),
        check_and_build("mkdocs.yml:1:12", "E110"),
    ),
    Case(
        "INHERIT /etc/passwd",
        "mkdocs.yml",
        write("mkdocs.yml", "INHERIT: /etc/passwd\nsite_name: X\n"),
        check_and_build("mkdocs.yml:1:10", "E951"),
    ),
    Case(
        "INHERIT a file of the decoy",
        "mkdocs.yml",
        write("mkdocs.yml", "INHERIT: ../decoy/secret.yml\n"),
        check_and_build("mkdocs.yml:1:10", "E951"),
    ),
    Case(
        "mkdocs.yml is a list",
        "mkdocs.yml",
        write("mkdocs.yml", "- site_name: X\n"),
        check_and_build("mkdocs.yml:1:1", "E105"),
    ),
    Case("mkdocs.yml is empty", "mkdocs.yml", write("mkdocs.yml", ""), check_and_build("mkdocs.yml:1:1", "E105")),
    Case(
        "mkdocs.yml is not UTF-8",
        "mkdocs.yml",
        raw("mkdocs.yml", b"site_name: " + "物业".encode("gbk") + b"\n"),
        check_and_build("mkdocs.yml:1:12", "E104"),
    ),
    Case(
        "mkdocs.yml is a link",
        "mkdocs.yml",
        link("mkdocs.yml", "{decoy}/secret.yml"),
        check_and_build("mkdocs.yml:1:1", "E950"),
    ),
    Case(
        "unknown plugin",
        "mkdocs.yml",
        write("mkdocs.yml", "plugins:\n  - search\n  - evil\n"),
        check_and_build("mkdocs.yml:3:5", "E952"),
    ),
    Case(
        "macros option that imports modules",
        "mkdocs.yml",
        write("mkdocs.yml", "plugins:\n  - macros:\n      modules: [os]\n"),
        check_and_build("mkdocs.yml:3:7", "E952"),
    ),
    Case(
        "hook that runs code",
        "mkdocs.yml",
        both(
            write("evil.py", "import pathlib\npathlib.Path('{marker}').write_text('x')\n"),
            write("mkdocs.yml", "hooks:\n  - evil.py\n"),
        ),
        check_and_build("mkdocs.yml:2:5", "E953"),
    ),
    Case(
        "markdown extension that reads any file",
        "mkdocs.yml",
        write("mkdocs.yml", "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [/]\n"),
        check_and_build("mkdocs.yml:2:5", "E954"),
    ),
    Case(
        "markdown extension that is any module",
        "mkdocs.yml",
        write("mkdocs.yml", "markdown_extensions:\n  - antigravity\n"),
        check_and_build("mkdocs.yml:2:5", "E954"),
    ),
    Case(
        "script from another host",
        "mkdocs.yml",
        write("mkdocs.yml", "extra_javascript:\n  - https://cdn.example.com/x.js\n"),
        check_and_build("mkdocs.yml:2:5", "E955"),
    ),
    Case(
        "analytics",
        "mkdocs.yml",
        write("mkdocs.yml", "extra:\n  analytics:\n    provider: google\n"),
        check_and_build("mkdocs.yml:2:3", "E955"),
    ),
    Case(
        "docs_dir outside the root",
        "mkdocs.yml",
        write("mkdocs.yml", "docs_dir: ../decoy\n"),
        check_and_build("mkdocs.yml:1:11", "E950"),
    ),
    Case(
        "plugins is a text",
        "mkdocs.yml",
        write("mkdocs.yml", "plugins: search\n"),
        check_and_build("mkdocs.yml:1:10", "E950"),
    ),
    Case(
        "another theme",
        "mkdocs.yml",
        write("mkdocs.yml", "theme:\n  name: readthedocs\n"),
        check_and_build("mkdocs.yml:2:9", "E950"),
    ),
    Case(
        "setting MkDocs refuses",
        "mkdocs.yml",
        write("mkdocs.yml", "site_name: x\nvalidation: {links: {not_found: bogus}}\n"),
        build_refuses("mkdocs.yml:2:1", "E950", "bogus"),
    ),
    Case(
        "theme icon that is a path",
        "mkdocs.yml",
        write("mkdocs.yml", "site_name: x\ntheme: {name: material, icon: {logo: ../../../../etc/passwd}}\n"),
        check_and_build("mkdocs.yml:2:38", "E950"),
    ),
    Case(
        "key with terminal escapes",
        "mkdocs.yml",
        write("mkdocs.yml", '"\\e]0;pwned\\a\\e[2J": 1\n'),
        check_and_build("mkdocs.yml:1:1", "E101"),
    ),
    # --- macros -----------------------------------------------------------------------------
    Case(
        "cycler globals",
        "macros",
        write(
            "docs/en/x.md",
            MACRO_PAGE.format(body="{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}"),
        ),
        check_and_build("docs/en/x.md:8", "E965"),
    ),
    Case(
        "private attribute of hb",
        "macros",
        write("docs/en/x.md", MACRO_PAGE.format(body="{{ hb._renderer() }}")),
        check_and_build("docs/en/x.md:8", "E965"),
    ),
    Case(
        "class of a string by item",
        "macros",
        write("docs/zh/x.md", MACRO_PAGE.format(body="{{ ''['__class__'] }}")),
        check_and_build("docs/zh/x.md:8", "E965"),
    ),
    Case(
        "attr filter",
        "macros",
        write("docs/en/x.md", MACRO_PAGE.format(body="{{ hb|attr('__class__') }}")),
        check_and_build("docs/en/x.md:8", "E965"),
    ),
    Case(
        "pydantic machinery",
        "macros",
        write("docs/en/x.md", MACRO_PAGE.format(body="{{ hb.meta.model_fields }}")),
        check_and_build("docs/en/x.md:8", "E965"),
    ),
    Case(
        "Jinja syntax error",
        "macros",
        write("docs/en/x.md", MACRO_PAGE.format(body="{% if %}")),
        check_and_build("docs/en/x.md:8", "E965"),
    ),
    Case(
        "attribute built at run time",
        "macros",
        write("docs/en/x.md", MACRO_PAGE.format(body="{% set n = '__cla' ~ 'ss__' %}\n{{ hb.meta|attr(n) }}")),
        build_refuses("docs/en/x.md:9", "E965"),
        untouched=False,
    ),
    # --- docs/ ------------------------------------------------------------------------------
    Case(
        "page links to /etc/passwd",
        "docs",
        link("docs/en/passwd.md", "/etc/passwd"),
        check_and_build("docs/en/passwd.md:1:1", "E960"),
    ),
    Case(
        "file links into the decoy",
        "docs",
        link("docs/en/secret.png", "{decoy}/secret.yml"),
        check_and_build("docs/en/secret.png:1:1", "E960"),
    ),
    Case("linked folder", "docs", link("docs/en/more", "{decoy}"), check_and_build("docs/en/more:1:1", "E960")),
    Case("linked language folder", "docs", link("docs/en", "{decoy}"), check_and_build("docs/en:1:1", "E960")),
    Case(
        "dangling link",
        "docs",
        link("docs/en/gone.md", "{root}/nothing.md"),
        check_and_build("docs/en/gone.md:1:1", "E960"),
    ),
    Case(
        "link loop",
        "docs",
        both(link("docs/en/a.md", "{root}/docs/en/b.md"), link("docs/en/b.md", "{root}/docs/en/a.md")),
        check_and_build("docs/en/a.md:1:1", "E960"),
    ),
    Case(
        "folder that links to its parent",
        "docs",
        link("docs/en/loop", "{root}/docs/en"),
        check_and_build("docs/en/loop:1:1", "E960"),
    ),
    Case("a pipe in docs", "docs", fifo("docs/en/pipe.md"), check_and_build("docs/en/pipe.md:1:1", "E960")),
    Case(
        "page links to the root's .git/config",
        "docs",
        both(
            write(".git/config", "[http]\n  extraheader = AUTHORIZATION: basic ci-token\n"),
            link("docs/en/c.md", "{root}/.git/config"),
        ),
        check_and_build("docs/en/c.md:1:1", "E960"),
    ),
    Case(
        "image from another host",
        "docs",
        write("docs/en/x.md", "# X\n\n![logo](https://cdn.example.com/logo.png)\n"),
        check_and_build("docs/en/x.md:3:9", "E955"),
    ),
    Case(
        "script from another host in a page",
        "docs",
        write("docs/en/x.md", '# X\n\n<script src="//cdn.example.com/x.js"></script>\n'),
        check_and_build("docs/en/x.md:3:14", "E955"),
    ),
    Case(
        "page not UTF-8",
        "docs",
        raw("docs/en/gbk.md", b"# Title\n\n" + "调度员".encode("gbk") + b"\n"),
        check_and_build("docs/en/gbk.md:3:1", "E962"),
    ),
    Case(
        "page clashes with a generated page",
        "docs",
        write("docs/en/roles/clerk.md", "# Mine\n"),
        check_and_build("docs/en/roles/clerk.md:1:1", "E963"),
    ),
    Case(
        "broken link in a page",
        "docs",
        write("docs/en/guide.md", "# Guide\n\nSee [this](nope.md).\n"),
        check_and_build("docs/en/guide.md:3:12", "E964"),
    ),
    Case(
        "link to a missing anchor (found by MkDocs)",
        "docs",
        write("docs/en/guide.md", "# Guide\n\n[x](roles/index.md#nope)\n"),
        build_refuses("docs/en/guide.md:3:5", "E964", "nope"),
    ),
    Case(
        "front matter with a python tag",
        "docs",
        write("docs/en/fm.md", "---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n# Page\n"),
        check_and_build("docs/en/fm.md:2:8", "E967"),
    ),
    Case(
        "front matter naming a template",
        "docs",
        write("docs/en/fm.md", "---\ntemplate: ../../../../etc/passwd\n---\n# Page\n"),
        check_and_build("docs/en/fm.md:2:1", "E967"),
    ),
    Case(
        "front matter with a recursive alias (found by the fuzzer: check hung)",
        "docs",
        write("docs/en/fm.md", "---\nTITLE: &a [&b [*a]]\n---\n# Page\n"),
        check_and_build("docs/en/fm.md:2", "E967"),
    ),
    Case(
        "front matter alias bomb",
        "docs",
        write(
            "docs/en/fm.md",
            "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\n# Page\n",
        ),
        check_and_build("docs/en/fm.md", "E967"),
    ),
    Case(
        "front matter that is not YAML",
        "docs",
        write("docs/en/fm.md", "---\ntitle: [x\n---\n# Page\n"),
        check_and_build("docs/en/fm.md", "E967"),
    ),
    Case(
        "link out of the language",
        "docs",
        write("docs/en/guide.md", "# Guide\n\n[x](../../roles/cs/clerk.md)\n"),
        check_and_build("docs/en/guide.md:3:5", "E964"),
    ),
    Case(
        "page too large",
        "docs",
        write("docs/en/big.md", "# Big\n" + "x" * (1024 * 1024) + "\n"),
        check_and_build("docs/en/big.md:1:1", "E966"),
    ),
    # --- every error a finding --------------------------------------------------------------
    Case(
        "revision with a symlink",
        "errors",
        git_repo_with_link,
        fails(("diff", "HEAD", "--root", "{root}"), "roles/cs/evil.yml", "symbolic link"),
        untouched=False,
    ),
    Case(
        "not a revision",
        "errors",
        git_repo,
        fails(("diff", "no-such-rev", "--root", "{root}"), "no-such-rev", "not a revision"),
        untouched=False,
    ),
    Case(
        "revision that is an option",
        "errors",
        git_repo,
        fails(("diff", "--root", "{root}", "--", "--output={decoy}/PWNED"), "not a revision"),
        untouched=False,
    ),
    Case(
        "diff outside a repository",
        "errors",
        nothing,
        fails(("diff", "HEAD", "--root", "{root}"), "not inside a git repository"),
    ),
    Case(
        "unknown option",
        "errors",
        nothing,
        fails(("build", "--root", "{root}", "--sitedir", "{decoy}"), "unrecognized arguments"),
    ),
    Case("unknown command", "errors", nothing, fails(("frobnicate",), "invalid choice")),
    Case("no command", "errors", nothing, fails((), "required")),
    Case("root that is a file", "errors", nothing, fails(("check", "--root", "{root}/handbook.yml"), "E100")),
    Case(
        "serve on a bad address",
        "errors",
        nothing,
        fails(("serve", "--root", "{root}", "--addr", "127.0.0.1:http"), "E974"),
    ),
]
