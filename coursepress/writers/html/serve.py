"""``watch`` serves the HTML handout: ``<out>/html/`` on http://127.0.0.1:PORT/ with live reload.

A small threaded HTTP server (the standard library's) bound to the loopback
address only, so nothing outside the machine can reach it. It serves the files
of the site folder as they are on disk, with one change to the HTML pages it
sends: a ``<script>`` that asks ``/__coursepress/version`` twice a second and
reloads the page when the answer changes, and the page's
Content-Security-Policy widened by exactly that script and that request. The
files on disk never hold the script. The version is the site folder's inode
and modification time: every build moves a new folder into place
(:mod:`coursepress.commit`), so it changes exactly when a new site is there.

Port 8000 is tried first, then any free port the system gives.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

from ...templating import search_path

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PREFIX = "/__coursepress/"
RELOAD_SCRIPT = "html/reload.js"          # under templates/ (the project's, then the tool's)
_WIDER = "; script-src &#39;self&#39;; connect-src &#39;self&#39;"      # added to the page's policy (escaped)
_CSP_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.I)


def site_version(folder: Path) -> str:
    """What changes whenever a new site is moved into ``folder``'s place: its inode and mtime ("-" if none)."""
    try:
        info = os.stat(folder)
    except OSError:
        return "-"
    return f"{info.st_ino}-{info.st_mtime_ns}"


def served_page(html: bytes) -> bytes:
    """``html`` as the server sends it: the reload script before ``</body>``, and the page's
    Content-Security-Policy (``<meta http-equiv>``) allowing that script and its version requests."""
    text = html.decode("utf-8", errors="replace")
    text = _CSP_META.sub(lambda m: m.group(1) + m.group(2) + _WIDER + m.group(3), text, count=1)
    tag = f'<script src="{PREFIX}reload.js"></script>'
    at = text.rfind("</body>")
    text = text[:at] + tag + text[at:] if at >= 0 else text + tag
    return text.encode("utf-8")


class _Handler(SimpleHTTPRequestHandler):
    """Files of the site folder; pages with the reload script; the script and the version under :data:`PREFIX`."""

    script: bytes = b""

    def __init__(self, *args, site: Path, **kwargs) -> None:
        self.site = site
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, format: str, *args) -> None:   # noqa: A002 — the base class's name
        pass                                              # the watch prints its own status lines

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "version":
            return self._send(site_version(self.site).encode(), "text/plain; charset=utf-8")
        if path == PREFIX + "reload.js":
            return self._send(self.script, "text/javascript; charset=utf-8")
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file() and not local.is_symlink():
            try:
                return self._send(served_page(local.read_bytes()), "text/html; charset=utf-8")
            except OSError:
                pass                      # replaced while read: the base class answers (404 at worst)
        super().do_GET()

    do_HEAD = do_GET


class SiteServer:
    """The live-reload server of one site folder; :meth:`start` runs it in a daemon thread.

    Args:
        site: the site folder (``<out>/html``); it may be missing until the first build.
        root: the project (its ``templates/html/reload.js`` wins over the tool's).
        port: the port to try first (:data:`DEFAULT_PORT`); 0: any free port.
    """

    def __init__(self, site: Path, root: Path, port: int = DEFAULT_PORT) -> None:
        script = next((Path(folder) / RELOAD_SCRIPT for folder in search_path(root)
                       if (Path(folder) / RELOAD_SCRIPT).is_file()), None)
        handler = type("Handler", (_Handler,), {"script": script.read_bytes() if script else b""})
        factory = partial(handler, site=site)
        self.httpd: Optional[ThreadingHTTPServer] = None
        for candidate in dict.fromkeys((port, 0)):
            try:
                self.httpd = ThreadingHTTPServer((HOST, candidate), factory)
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or candidate == 0:
                    raise
        assert self.httpd is not None
        self.httpd.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        assert self.httpd is not None
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    def start(self) -> "SiteServer":
        assert self.httpd is not None
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="coursepress-serve", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
