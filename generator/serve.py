"""`handbook serve`: the site on a local port, rebuilt after a change, the browser reloaded.

MkDocs' own server (:class:`mkdocs.livereload.LiveReloadServer`) serves the handbook's
output folder only, watches the data, pages and mkdocs.yml (:data:`WATCHED`, polled every
half second), runs the rebuild when one of them changes, and holds page requests while it
runs.  Each HTML page it serves carries a small script that asks the same server (a
relative ``/livereload/…`` request, never another host) whether a newer build exists; when
one does, the page reloads itself.

What serve adds to it:

* the port is taken before the first build (a busy port is said at once: E974, exit 1);
* the rebuild is incremental (:class:`generator.site_live.LiveSite`): only the pages that
  show what changed are rendered again;
* bad data, a bad mkdocs.yml or a page that does not build: the findings are printed and
  the last good site stays served (an open page reloads to the same good page); the next
  change that fixes it is built as usual;
* 127.0.0.1 unless ``--addr`` says otherwise; Ctrl-C or SIGTERM removes the scratch folder.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from generator.site_config import WATCHED, SiteError
from generator.site_live import LiveSite

DEFAULT_HOST = "127.0.0.1"


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of everything a rebuild depends on (WATCHED under `root`)."""
    stamps: dict[str, float] = {}
    for name in WATCHED:
        path = root / name
        if path.is_file():
            stamps[str(path)] = path.stat().st_mtime
        elif path.is_dir():
            for p in path.rglob("*"):
                if p.is_file():
                    stamps[str(p)] = p.stat().st_mtime
    return stamps


def _parse_addr(addr: str) -> tuple[str, int] | None:
    host, _, port = addr.rpartition(":")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        return None
    return host.strip("[]") or DEFAULT_HOST, int(port)


def _server(site_dir: Path, host: str, port: int) -> Any:
    """MkDocs' live-reload server for `site_dir`, bound and listening now (serve() binds
    again otherwise, after the first build: too late to say that the port is busy)."""
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        _bound = False

        def server_bind(self) -> None:
            if not self._bound:
                super().server_bind()

        def server_activate(self) -> None:
            if not self._bound:
                super().server_activate()
                self._bound = True

    server = Server(builder=lambda: None, host=host, port=port, root=str(site_dir))
    try:
        server.server_bind()
        server.server_activate()
    except BaseException:
        server.server_close()
        raise
    return server


class _Rebuild:
    """What runs after a change: check, then the incremental rebuild; never raises for
    what the user can fix (it is printed, the last good site stays)."""

    def __init__(self, root: Path, live: LiveSite, server: Any) -> None:
        self.root = root
        self.live = live
        self.server = server
        self.seen: dict[str, float] | None = None
        self.watched: set[str] = set()

    def watch(self) -> None:
        """Watch the root's own files (mkdocs.yml, handbook.yml: created, edited or removed)
        and each WATCHED folder there is.  A folder that appears is watched from the next
        rebuild on (the server reports files, not folders, so a new folder alone is seen
        with the next change of a watched file)."""
        if not self.watched:
            self.server.watch(str(self.root), recursive=False)
            self.watched.add(str(self.root))
        for name in WATCHED:
            path = self.root / name
            if path.is_dir() and str(path) not in self.watched:
                self.server.watch(str(path))
                self.watched.add(str(path))
            elif not path.is_dir() and str(path) in self.watched:
                self.server.unwatch(str(path))
                self.watched.discard(str(path))

    def __call__(self) -> None:
        now = snapshot(self.root)
        if now == self.seen:
            return  # a file beside the data changed (README.md …)
        if self.seen is not None:
            print("handbook serve: change detected, rebuilding", file=sys.stderr)
        self.seen = now
        try:
            self._build()
        finally:
            self.watch()

    def _build(self) -> None:
        from generator.pipeline import load_and_check

        try:
            book, findings = load_and_check(self.root)
            errors = [f for f in findings if f.severity == "error"]
            for f in findings:
                print(f.text(), file=sys.stderr)
            if errors:
                print(f"handbook serve: {len(errors)} error(s); still serving the last good site", file=sys.stderr)
                return
            report = self.live.rebuild(book)
            how = f"{sum(report.pages.values())} page(s) rebuilt" if report.incremental else "full build"
            print(f"handbook serve: built in {report.seconds:.1f} s ({how})", file=sys.stderr)
        except SiteError as exc:
            print(f"handbook serve: {exc}\nhandbook serve: still serving the last good site", file=sys.stderr)
        except Exception as exc:
            print(
                f"handbook serve: the build failed ({type(exc).__name__}: {exc}); still serving the last good site",
                file=sys.stderr,
            )


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM too removes serve's scratch folder on the way out


def serve(root: Path, addr: str, site_dir: Path | None = None) -> int:
    """Build, serve on `addr` (HOST:PORT), rebuild after a change until Ctrl-C; exit code."""
    import logging

    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    where = _parse_addr(addr)
    if where is None:
        print(f"handbook serve: error E974: --addr {addr!r} is not HOST:PORT (e.g. 127.0.0.1:8000)", file=sys.stderr)
        return 1
    host, port = where
    live: LiveSite | None = None
    try:
        server = _server(site_dir, host, port)
    except OSError as exc:
        print(
            f"handbook serve: error E974: cannot listen on {host}:{port}: {exc.strerror or exc}; "
            "another program uses the port? choose another with --addr 127.0.0.1:8001",
            file=sys.stderr,
        )
        return 1
    logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)  # its "Serving on", "Reloading browsers"
    try:
        live = LiveSite(root, site_dir)
        server.builder = rebuild = _Rebuild(root, live, server)
        signal.signal(signal.SIGTERM, _stop)
        rebuild()
        site_dir.mkdir(exist_ok=True)
        print(f"handbook serve: http://{host}:{server.server_address[1]}/  (Ctrl-C to stop)", file=sys.stderr)
        server.serve()
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()
        if live is not None:
            live.close()
    return 0
