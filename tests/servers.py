"""Real servers for the tests: the app in a thread (werkzeug) or ``bulletin-search serve`` in a
process, and the small HTTP helpers the tests read them with. Helpers only; no tests here."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll(check, seconds: float, what: str):
    """check() until it gives something true, for at most ``seconds``: the acceptance deadline."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        time.sleep(0.1)


def api(port: int, path: str, **params):
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.load(reply)


@contextmanager
def app_in_thread(index_dir, name: str = "web-under-test"):
    """The app over ``index_dir`` on a real WSGI server, loopback, a free port, in a thread; yields
    its base URL."""
    from werkzeug.serving import make_server

    from webapp import create_app

    server = make_server("127.0.0.1", 0, create_app({"INDEX_DIR": str(index_dir)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


class WatchedServe:
    """``bulletin-search serve --watch ARCHIVE`` in a process, its output in ``root/serve.log``."""

    def __init__(self, root: Path, archive: Path):
        self.root, self.archive, self.port = root, archive, free_port()
        self._log = open(root / "serve.log", "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--port", str(self.port), "--threads", "2",
             "--index-dir", str(root / "index"), "--watch", str(archive)],
            cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT)

    def log_lines(self) -> list[str]:
        return (self.root / "serve.log").read_text(encoding="utf-8").splitlines()

    def issues(self) -> int:
        """Issues the server holds; -1 while it does not answer (it must still be running)."""
        assert self.process.poll() is None, "serve ended:\n" + "\n".join(self.log_lines())
        try:
            return api(self.port, "/healthz")["issues"]
        except OSError:
            return -1

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._log.close()


@contextmanager
def watched_serve(root: Path, archive: Path):
    serve = WatchedServe(root, archive)
    try:
        yield serve
    finally:
        serve.stop()
