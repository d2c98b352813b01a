"""`handbook`: the command line of the design (check, build, serve, pdf, diff, new, import, export).

Each command is a thin function: parse arguments, call the module that does the work,
print its findings.  Exit codes: 0 done, 1 the data (or the request) is wrong,
2 an internal error, which is a bug to report.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

from generator.findings import has_errors, render

EXIT_OK, EXIT_DATA, EXIT_BUG = 0, 1, 2

log = logging.getLogger(__name__)


class _Stderr(logging.StreamHandler):
    """The one handler of the tool's loggers: stderr as it is when a record comes (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        # Not setStream(): it flushes the stream it replaces, which may be closed by now.
        self.stream = sys.stderr
        super().emit(record)


class _Format(logging.Formatter):
    """`handbook: …` for progress, `handbook: warning: …` for a warning (as findings read)."""

    def format(self, record: logging.LogRecord) -> str:
        level = "" if record.levelno < logging.WARNING else record.levelname.lower() + ": "
        return f"handbook: {level}{record.getMessage()}"


def configure_logging() -> None:
    """Every module logs through ``logging.getLogger(__name__)`` (progress, warnings); the command
    line gives them one handler and one format.  Findings and results are not log records: the
    commands print them to stdout or stderr themselves."""
    handler = _Stderr()
    handler.setFormatter(_Format())
    for name in ("generator", "handbook"):  # "handbook.pdf": the PDF writer's logger
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if not isinstance(h, _Stderr)] + [handler]
        logger.setLevel(logging.INFO)


def _root(value: str) -> Path:
    return Path(value).resolve()


def _output_or_none(target: Path, root: Path, what: str, command: str) -> Path | None:
    """The output folder, checked before anything is read or written (generator.outputs)."""
    from generator.outputs import refuse_output

    why = refuse_output(target, root, what=what)
    if why is not None:
        print(f"handbook {command}: error E970: {why}; nothing was written", file=sys.stderr)
        return None
    return Path(os.path.abspath(target))


def _print_site_failure(exc: Exception, command: str) -> None:
    """A build stopped by mkdocs.yml or docs/: the findings (or MkDocs' words) and the verdict."""
    from generator.site_config import SiteFindings

    if isinstance(exc, SiteFindings):
        for finding in exc.findings:
            print(finding.text(), file=sys.stderr)
    else:
        print(f"handbook {command}: {exc}", file=sys.stderr)
    print(f"handbook {command}: the site was not built; the previous output is unchanged", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from generator.pipeline import load_and_check

    _, findings = load_and_check(args.root)
    report = render(findings, args.format)
    try:
        if report:
            print(report, flush=True)
    except BrokenPipeError:  # `handbook check | head`: the reader has seen enough; the verdict stands
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_DATA if has_errors(findings) else EXIT_OK


def _checked_or_exit(root: Path):
    """Load and check; print findings; return the handbook only if it has no error."""
    from generator.pipeline import load_and_check

    book, findings = load_and_check(root)
    problems = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for finding in [*problems, *warnings]:
        print(finding.text(), file=sys.stderr)
    if problems:
        print(
            f"handbook: {len(problems)} error(s); nothing was built, the previous output is unchanged", file=sys.stderr
        )
        return None
    return book


def _for_property(book, requested: str | None):
    """The handbook with the numbers of the property asked for (or of its only one)."""
    from generator.contacts import PropertyError, choose_site, for_property

    try:
        site = choose_site(book, requested)
    except PropertyError as exc:
        print(f"handbook: {exc}; nothing was built, the previous output is unchanged", file=sys.stderr)
        return None
    if site is not None:
        log.info("property %s: %s / %s", site, book.sites[site].name.zh, book.sites[site].name.en)
    return for_property(book, site)


def cmd_build(args: argparse.Namespace) -> int:
    from generator.site_build import build_site
    from generator.site_config import SiteError

    default = args.root / "site"
    site_dir = _output_or_none(args.site_dir or default, args.root, "--site-dir", "build")
    if site_dir is None:
        return EXIT_DATA
    book = _checked_or_exit(args.root)
    if book is None:
        return EXIT_DATA
    book = _for_property(book, args.property)
    if book is None:
        return EXIT_DATA
    try:
        build_site(book, args.root, site_dir, with_pdf=args.pdf, offline=args.offline)
    except SiteError as exc:
        _print_site_failure(exc, "build")
        return EXIT_DATA
    print(f"handbook: site written to {site_dir}")
    if args.offline:
        print(
            f"  a copy to open from disk: double-click {site_dir / 'index.html'}"
            " (search and language switch work without a server)"
        )
    else:
        print(f"  serve it: python -m http.server -d {site_dir} 8000, then open http://127.0.0.1:8000/")
        print("  (for a copy opened from disk without a server, build with --offline)")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    default = args.root / "site"
    if _output_or_none(default, args.root, "the served folder", "serve") is None:
        return EXIT_DATA
    return serve(args.root, args.addr)


def cmd_pdf(args: argparse.Namespace) -> int:
    from generator.outputs import mark
    from generator.pdf import write_pack, write_pdfs

    default = args.root / "site" / "pdf"
    out = _output_or_none(args.out or default, args.root, "--out", "pdf")
    if out is None:
        return EXIT_DATA
    book = _checked_or_exit(args.root)
    if book is None:
        return EXIT_DATA
    book = _for_property(book, args.property)
    if book is None:
        return EXIT_DATA
    out.mkdir(parents=True, exist_ok=True)
    mark(out)
    if args.role:
        if args.role not in book.roles:
            known = ", ".join(sorted(book.roles)[:8])
            print(
                f"handbook: there is no role {args.role!r}; roles are named by their id, e.g. {known}", file=sys.stderr
            )
            return EXIT_DATA
        path = write_pack(book, args.role, out, args.lang)
        print(f"handbook: new starter's pack written to {path}")
        return EXIT_OK
    written = write_pdfs(book, out)
    print(f"handbook: {len(written)} PDF file(s) written to {out}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.diff import diff_against

    text, ok = diff_against(args.root, args.rev)
    print(text)
    return EXIT_OK if ok else EXIT_DATA


def cmd_new(args: argparse.Namespace) -> int:
    from generator.skeleton import SkeletonError, new_procedure, new_role

    try:
        if args.kind == "role":
            if not args.department or not args.reports_to:
                print("handbook new role: give --department and --reports-to", file=sys.stderr)
                return EXIT_DATA
            path = new_role(args.root, args.id, args.department, args.reports_to)
        else:
            path = new_procedure(args.root, args.id)
    except SkeletonError as exc:
        print(f"handbook new: {exc}", file=sys.stderr)
        return EXIT_DATA
    print(f"handbook: wrote {path}; replace every FILL IN / 待填写, then run `handbook check`")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.schema import SchemaRefused, write_schemas

    try:
        written = write_schemas(args.root)
    except SchemaRefused as exc:
        print(f"handbook schema: error E971: {exc}; nothing was written", file=sys.stderr)
        return EXIT_DATA
    for path in written:
        print(f"handbook: {path}")
    return EXIT_OK


# --- import / export (issue 17): Word and text job descriptions in, Word and Excel out ----


def cmd_import(args: argparse.Namespace) -> int:
    from generator.importing import ImportRequest, import_files

    root = args.root if (args.root / "org").is_dir() else None
    request = ImportRequest(
        [Path(f) for f in args.files], args.out.resolve(), args.department, args.prefix, args.force, root
    )
    try:
        report = import_files(request)
    except ValueError as exc:
        print(f"handbook import: {exc}", file=sys.stderr)
        return EXIT_DATA
    print(report.text(), file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_DATA


def cmd_export(args: argparse.Namespace) -> int:
    from generator.export import ExportError, export
    from generator.outputs import mark

    out = _output_or_none(args.out, args.root, "--out", "export")
    if out is None:
        return EXIT_DATA
    book = _checked_or_exit(args.root)
    if book is None:
        return EXIT_DATA
    try:
        out.mkdir(parents=True, exist_ok=True)
        mark(out)  # the next export into this folder may write over its files
        written = export(book, args.format, out, args.role)
    except ExportError as exc:
        print(f"handbook export: {exc}", file=sys.stderr)
        return EXIT_DATA
    for path in written:
        print(f"handbook: {path}")
    print(f"handbook: {len(written)} {args.format} file(s) written to {args.out.resolve()}")
    return EXIT_OK


def _add_import_export(add) -> None:
    p = add("import", cmd_import, "Word (.docx) or text job descriptions → role YAML files to check and complete")
    p.add_argument(
        "files", nargs="+", metavar="FILE", help=".docx, .txt or .md files; each may hold several job descriptions"
    )
    p.add_argument("--out", type=Path, required=True, help="folder for the role files, e.g. roles/customer-service")
    p.add_argument("--department", help="department id (org/departments.yml) for the imported roles")
    p.add_argument("--prefix", help="ids PREFIX-1, PREFIX-2 … instead of pinyin of the titles")
    p.add_argument("--force", action="store_true", help="overwrite role files that exist already")
    p = add("export", cmd_export, "role sheets for Word (.docx) or the permission matrix for Excel (.xlsx)")
    p.add_argument("--format", choices=["docx", "xlsx"], required=True)
    p.add_argument("--role", help="only this role (docx: its sheets; xlsx: the whole matrix still)")
    p.add_argument("--out", type=Path, required=True, help="output folder")


class _Parser(argparse.ArgumentParser):
    """argparse, with the exit code of the contract: a wrong argument is the user's (1), not a bug (2)."""

    def error(self, message: str) -> NoReturn:
        from generator.escaping import visible_line as visible

        self.print_usage(sys.stderr)
        self.exit(EXIT_DATA, f"{self.prog}: error: {visible(message)}\n")


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="handbook", description="Build the bilingual operations handbook from roles/ and procedures/.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--root", type=_root, default=Path.cwd(), help="the handbook's root folder (default: the current folder)"
        )
        p.set_defaults(func=func)
        return p

    p = add("check", cmd_check, "check the data; exit 1 on any error")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p = add("build", cmd_build, "check, then build the site (both languages)")
    p.add_argument("--site-dir", type=Path, default=None, help="where to write the site (default: ROOT/site)")
    p.add_argument("--pdf", action="store_true", help="also write the PDFs into the site's pdf/ folder")
    p.add_argument("--offline", action="store_true", help="a copy that opens from disk (file://) without a web server")
    p.add_argument(
        "--property", default=None, metavar="ID", help="build for this property (sites/ID.yml): its address and numbers"
    )
    p = add("serve", cmd_serve, "serve the site with live reload, YAML changes included")
    p.add_argument("--addr", default="127.0.0.1:8000")
    p = add("pdf", cmd_pdf, "write role sheets, procedure cards and checklists as PDF")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/site/pdf)")
    p.add_argument(
        "--role", default=None, help="write only the new starter's pack of this role (sheet, checklists, its cards)"
    )
    p.add_argument(
        "--lang", choices=["zh", "en", "bilingual"], default="zh", help="edition of the pack (with --role; default zh)"
    )
    p.add_argument(
        "--property", default=None, metavar="ID", help="cards with the numbers of this property (sites/ID.yml)"
    )
    p = add("diff", cmd_diff, "what the working tree changes against a git revision, as Markdown")
    p.add_argument("rev")
    p = add("new", cmd_new, "write a skeleton role or procedure to fill in")
    p.add_argument("kind", choices=["role", "procedure"])
    p.add_argument("id")
    p.add_argument("--department")
    p.add_argument("--reports-to", dest="reports_to")
    add("schema", cmd_schema, "write the JSON Schema files for editors into ROOT/schema/ from the model")
    _add_import_export(add)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("handbook: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except OSError as exc:  # the machine, not the tool: a full disk, a folder without write access
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"handbook: cannot read or write{where}: {exc.strerror or exc}; the previous output is unchanged",
            file=sys.stderr,
        )
        return EXIT_DATA
    except Exception as exc:  # a bug, not bad data: say so without a wall of traceback
        setup = sys.modules.get("generator.pdf.style")  # imported only where PDFs are written
        if setup is not None and isinstance(exc, setup.PrintSetupError):  # the machine lacks a package
            print(f"handbook: {exc}", file=sys.stderr)
            return EXIT_DATA
        print(f"handbook: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("  this is a bug in the handbook tool; set HANDBOOK_DEBUG=1 to see the traceback", file=sys.stderr)
        if os.environ.get("HANDBOOK_DEBUG"):
            raise
        return EXIT_BUG
