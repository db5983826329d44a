"""``bulletin-search serve`` runs the app on waitress, on loopback, and answers."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO, SAMPLE_NAMES
from tests.servers import free_port


def raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    """GET with the request target's bytes sent as they are (urllib would encode them)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        reply = sock.makefile("rb").read()
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.slow
def test_serve_answers_on_loopback_with_waitress(corpus_dir, tmp_path):
    from indexer.search.indexing import index_paths

    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[0]}.pdf")], str(tmp_path / "index"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port), "--threads", "4",
         "--index-dir", str(tmp_path / "index")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, last_error = time.monotonic() + 30, None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    health = json.load(reply)
                    server_header = reply.headers.get("Server", "")
                break
            except OSError as error:
                last_error = error
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.2)
        else:
            pytest.fail(f"server did not answer: {last_error}")
        assert health == {"status": "ok", "issues": 1, "sections": health["sections"]}
        assert "bulletin-search" in server_header  # waitress's ident, not the development server
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=%E4%B8%8A%E9%97%A8", timeout=10) as reply:
            assert "找到" in reply.read().decode()
        # raw bytes a browser would never send unencoded: an answer, not a 500
        for target in (b"/api/search?q=\x80\xff%zz", b"/?q=\xe4\xb8", b"/issues/\xff\xfe"):
            status, _body = raw_get(port, target)
            assert status in (200, 400, 404), (target, status)
        # curl sends Chinese unencoded: the same answer as for the percent-encoded query
        status, body = raw_get(port, "/api/search?q=应急厅 上门服务".replace(" ", "%20").encode())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E5%BA%94%E6%80%A5%E5%8E%85"
                                    "%20%E4%B8%8A%E9%97%A8%E6%9C%8D%E5%8A%A1", timeout=10) as reply:
            encoded = json.load(reply)
        raw = json.loads(body)
        assert status == 200 and raw["query"] == "应急厅 上门服务" and raw["total"] >= 1
        assert raw["hits"] == encoded["hits"]
        status, body = raw_get(port, "/issues/2022-w40?q=上门服务".encode())
        assert status == 200 and "<mark>上门服务</mark>" in body.decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def _start_serve(index_dir, port: int, *extra: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port), "--index-dir", str(index_dir),
         *extra], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            assert server.poll() is None, server.stdout.read().decode()
            time.sleep(0.2)
    server.kill()
    pytest.fail("server did not answer")


@pytest.mark.slow
def test_two_hundred_stalled_connections_do_not_lock_other_users_out(corpus_pdf_index):
    """Waitress's default allows 100 connections and then stops accepting: a few dozen stalled
    browsers (or a slowloris) locked everyone out. Stalled connections are cheap, so the limit is
    high, and one silent for the channel timeout is closed."""
    port = free_port()
    server = _start_serve(corpus_pdf_index, port, "--channel-timeout", "3")
    stalled = []
    try:
        for _ in range(200):  # half a request line each, then nothing
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /api/search?q=%E7%AA%97 HT")
            stalled.append(sock)
        for _ in range(5):  # meanwhile everyone else is answered
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E4%B8%8A%E9%97%A8",
                                        timeout=10) as reply:
                assert json.load(reply)["total"] >= 1
        # a connection silent past the timeout is closed by the server (EOF), not kept forever
        stalled[0].settimeout(20)
        assert stalled[0].recv(1024) == b""
    finally:
        for sock in stalled:
            sock.close()
        server.terminate()
        server.wait(timeout=10)
        log = server.stdout.read().decode()
        server.stdout.close()
    assert "connection limit" not in log, log
