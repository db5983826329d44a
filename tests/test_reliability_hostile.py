"""Issue 18: defects found by probing the indexer from outside, each reproduced here with files
the test writes itself (a few hundred bytes each) and real `bulletin-search` processes.

1. A PDF whose objects refer to themselves hung pdfminer (and so every later run) forever: it is
   refused by name at once, and any file still being read after the time limit is refused too."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search.indexing import index_paths
from indexer.search.service import open_service

REPO = Path(__file__).resolve().parent.parent
HANG_LIMIT = 120  # seconds: far beyond any of these runs; only a hang reaches it


def tiny_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given object bodies (object 1 first), with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
# a page whose /Contents is object 4, and object 4 is nothing but a reference to itself
SELF_REFERENCE = tiny_pdf(CATALOG + [
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", b"4 0 R"])
# a page whose /Resources are object 4, which refers to 5, which refers back to 4
REFERENCE_LOOP = tiny_pdf(CATALOG + [
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R /Contents 6 0 R >>",
    b"5 0 R", b"4 0 R", b"<< /Length 6 >>\nstream\nBT ET \nendstream"])


def run_cli(*args: str, timeout: float = HANG_LIMIT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def test_pdfs_with_reference_loops_are_refused_by_name_at_once(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=2, seed=18, formats=("txt",))
    (folder / "self.pdf").write_bytes(SELF_REFERENCE)
    (folder / "loop.pdf").write_bytes(REFERENCE_LOOP)
    assert len(SELF_REFERENCE) < 1024 and len(REFERENCE_LOOP) < 1024
    index = tmp_path / "index"
    done = run_cli("index", str(folder), "--index-dir", str(index))  # hung forever before the fix
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert sorted(lines) == sorted([
        f"refused: {folder / 'loop.pdf'}: damaged PDF: objects 4 → 5 → 4 refer to each other in a "
        "loop; open and re-save it, or get a fresh copy",
        f"refused: {folder / 'self.pdf'}: damaged PDF: object 4 refers to itself; open and re-save "
        "it, or get a fresh copy",
    ])
    assert done.stdout.startswith("indexed 2 new, 0 replaced, 0 unchanged, 2 refused")
    assert open_service(index).stats()["issues"] == 2
    # and the next run is not stalled by them either
    again = run_cli("index", str(folder), "--index-dir", str(index))
    assert again.returncode == 1 and again.stdout.startswith("indexed 0 new, 0 replaced, 2 unchanged, 2 refused")


def test_parse_refuses_a_reference_loop_by_name(tmp_path):
    path = tmp_path / "self.pdf"
    path.write_bytes(SELF_REFERENCE)
    done = run_cli("parse", str(path))
    assert done.returncode == 1
    assert done.stderr == f"refused: {path}: damaged PDF: object 4 refers to itself; open and re-save it, or get a fresh copy\n"


def test_a_file_still_being_read_at_the_time_limit_is_refused_and_the_run_goes_on(tmp_path):
    """No real bulletin PDF can be read in a millisecond, even by a worker forked from a process
    that has pdfplumber loaded already (50 ms could be enough then: a module run before this one
    made it so), so the limit is met by real reading, in this process and in a worker alike."""
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=2, seed=19, formats=("pdf",))
    pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
    done = run_cli("index", str(folder), "--index-dir", str(tmp_path / "one"), "--time-limit", "0.001")
    assert done.returncode == 1
    assert sorted(done.stderr.splitlines()) == [
        f"refused: {path}: took longer than 0.001 s to read, so it is damaged or hostile "
        "(a longer limit can be set with --time-limit)" for path in pdfs]
    refused = []
    report = index_paths([str(folder)], tmp_path / "two", workers=1, time_limit=0.001,
                         on_refused=refused.append)
    assert sorted(r.path for r in refused) == pdfs and report.new == 0
    assert all("took longer than 0.001 s" in r.reason for r in refused)
    # the default limit reads them
    report = index_paths([str(folder)], tmp_path / "two", workers=1)
    assert report.new == 2 and not report.refused


@pytest.mark.parametrize("bad", ["-1", "soon", "nan"])
def test_a_time_limit_that_is_no_number_of_seconds_is_bad_usage(tmp_path, bad):
    done = run_cli("index", str(tmp_path), "--index-dir", str(tmp_path / "ix"), f"--time-limit={bad}")
    assert done.returncode == 2 and "not a number of seconds" in done.stderr


# --- 2. file names that are not UTF-8 -----------------------------------------------------------

def _gbk_name(text: str, suffix: str) -> str:
    """``text`` encoded in GBK as a file name, as Python holds it (bytes that are not UTF-8 become
    lone surrogates)."""
    return os.fsdecode(text.encode("gbk") + suffix.encode())


def _rename_to(path: Path, name: str) -> Path:
    target = path.with_name(name)
    try:
        path.rename(target)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    return target


def test_gbk_file_names_are_indexed_stored_losslessly_and_served(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=3, seed=20, formats=("txt",))
    first, second, third = sorted(folder.iterdir())
    gbk = _rename_to(first, _gbk_name("第40期", ".txt"))
    third.rename(tmp_path / third.name)  # held back for the incremental run
    index = tmp_path / "index"
    done = run_cli("index", str(folder), "--index-dir", str(index))  # UnicodeEncodeError before the fix
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("indexed 2 new, 0 replaced, 0 unchanged, 0 refused")
    # an incremental run adds a second such name and keeps the first
    later = _rename_to(tmp_path / third.name, _gbk_name("第41期", ".txt"))
    later = later.rename(folder / later.name)
    done = run_cli("index", str(folder), "--index-dir", str(index))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("indexed 1 new, 0 replaced, 2 unchanged, 0 refused")
    again = run_cli("index", str(folder), "--index-dir", str(index))
    assert again.stdout.startswith("indexed 0 new, 0 replaced, 3 unchanged, 0 refused")

    service = open_service(index)
    assert service.stats()["issues"] == 3
    from indexer.search import store
    live = store.live_generation(index)
    assert set(store.load_files(live)) == {str(gbk), str(folder / second.name), str(later)}
    issue_id = store.load_files(live)[str(gbk)]["issue_id"]
    assert service.source_file(issue_id) == str(gbk)  # the very name, byte for byte

    from webapp import create_app
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    with client.get(f"/issues/{issue_id}/source") as response:
        assert response.status_code == 200
        assert response.data == gbk.read_bytes()
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]  # the issue's name
    with client.get(f"/issues/{issue_id}/source", headers={"If-None-Match": response.headers["ETag"]}) as again:
        assert again.status_code == 304
    assert client.get(f"/issues/{issue_id}").status_code == 200
    twin = client.get(f"/issues/{issue_id}.json")  # the JSON twin: the same name, not a 500
    assert twin.status_code == 200 and twin.get_json()["issue"]["source"]["path"] == gbk.name


# --- 3. --prune of an issue held as both .pdf and .txt -------------------------------------------

def test_prune_drops_an_issue_whose_pdf_and_txt_are_both_gone(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=2, seed=21)  # the demo's default: each issue as .pdf and .txt
    index = tmp_path / "index"
    done = run_cli("index", str(folder), "--index-dir", str(index))
    assert done.returncode == 0 and "2 copies of an issue" in done.stdout, done.stdout + done.stderr
    gone = sorted(folder.glob("*.pdf"))[0]
    from indexer.search import store
    issue_id = store.load_files(store.live_generation(index))[str(gone)]["issue_id"]

    def issues_found(service) -> set:
        return {hit["issue_id"] for hit in service.search_params([("q", "窗口"), ("per_page", "100")])["hits"]}

    assert issue_id in issues_found(open_service(index))
    gone.unlink()
    gone.with_suffix(".txt").unlink()
    done = run_cli("index", str(folder), "--index-dir", str(index), "--prune")  # KeyError before the fix
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("indexed 0 new, 0 replaced, 2 unchanged, 0 refused, 1 pruned"), done.stdout
    service = open_service(index)
    assert service.stats()["issues"] == 1 and service.issue(issue_id) is None
    assert issue_id not in issues_found(service) and issues_found(service)
    again = run_cli("index", str(folder), "--index-dir", str(index), "--prune")
    assert again.returncode == 0 and again.stdout.startswith("indexed 0 new, 0 replaced, 2 unchanged, 0 refused;")


# --- 6. "degraded" clears once the index is repaired --------------------------------------------

def test_degraded_clears_when_the_pointer_is_repaired_as_the_message_advises(tmp_path):
    from indexer.search import store
    from webapp import create_app

    write_demo_archive(tmp_path / "archive", issues=2, seed=22, formats=("txt",))
    index = tmp_path / "index"
    assert index_paths([str(tmp_path / "archive")], index).new == 2
    live = store.live_generation(index)
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "issues": 2, "sections": 25}

    (index / store.POINTER).write_text("gen-000009\n")
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and f"write the newest complete one ({live.name})" in health["problem"]
    assert "pointer" in client.get("/api/search?q=窗口").get_json()["notice"]

    (index / store.POINTER).write_text(live.name + "\n")  # what the message says to do
    assert client.get("/healthz").get_json() == {"status": "ok", "issues": 2, "sections": 25}
    reply = client.get("/api/search?q=窗口").get_json()
    assert "notice" not in reply and reply["total"] > 0
    page = client.get("/?q=窗口").get_data(as_text=True)
    assert 'role="alert"' not in page


# --- 9. the Host header, index paths on the web, a policy for PDFs -------------------------------

@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    write_demo_archive(root / "archive", issues=2, seed=23)  # .pdf and .txt: a PDF source to serve
    assert index_paths([str(root / "archive")], root / "index").new == 2
    return root / "index"


def _client(index, **config):
    from webapp import create_app

    return create_app({"INDEX_DIR": str(index), "TESTING": True, **config}).test_client()


@pytest.mark.parametrize("target", ["/export.csv?q=窗口", "//evil.example/", "/", "/api/search?q=窗口",
                                    "/healthz"])
def test_a_forged_host_header_gets_400_and_is_never_linked_to(small_index, target):
    response = _client(small_index).get(target, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert b"evil.example" not in response.data


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000",
                                  "LOCALHOST", "bulletins.example:8080"])
def test_allowed_hosts_are_answered_and_csv_links_name_them(small_index, host):
    client = _client(small_index, ALLOWED_HOSTS=("localhost", "127.0.0.1", "::1", "bulletins.example"))
    response = client.get("/export.csv?q=窗口", headers={"Host": host})
    assert response.status_code == 200
    rows = response.data.decode("utf-8-sig").splitlines()[1:]
    assert rows and all(f"http://{host.lower()}/issues/" in row for row in rows)


def test_a_degraded_index_is_explained_on_the_web_without_the_servers_paths(small_index, tmp_path):
    import shutil

    from indexer.search import store

    index = tmp_path / "index"
    shutil.copytree(small_index, index)
    client = _client(index)
    assert client.get("/healthz").get_json()["status"] == "ok"
    (index / store.POINTER).write_text("gen-000009\n")
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and "<index>/CURRENT" in health["problem"]
    notice = client.get("/api/search?q=窗口").get_json()["notice"]
    page = client.get("/?q=窗口").get_data(as_text=True)
    for text in (str(health), notice, page):
        assert str(tmp_path) not in text and str(index) not in text
    assert "<index>/CURRENT" in notice and "&lt;index&gt;/CURRENT" in page
    # the command line still says where
    done = run_cli("search", "窗口", "--index-dir", str(index))
    assert f"{index}/CURRENT" in done.stderr


def test_the_original_pdf_is_served_with_a_content_security_policy(small_index):
    from indexer.search import store

    client = _client(small_index)
    pdf_issue = next(rec["issue_id"] for path, rec in store.load_files(store.live_generation(small_index)).items()
                     if path.endswith(".pdf"))
    with client.get(f"/issues/{pdf_issue}/source") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'self'" in policy


def _raw_get(port: int, target: bytes, host: bytes) -> tuple[int, bytes]:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: " + host + b"\r\n\r\n")
        reply = sock.makefile("rb").read()
    head, _, _body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), head


def test_serve_answers_its_own_and_allowed_host_names_only(small_index):
    import time

    from tests.servers import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "indexer.cli", "serve", "--port", str(port),
                               "--index-dir", str(small_index), "--allowed-host", "bulletins.example"],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _raw_get(port, b"/healthz", b"127.0.0.1")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 200
        assert _raw_get(port, b"/export.csv?q=x", b"bulletins.example:%d" % port)[0] == 200
        assert _raw_get(port, b"/", b"localhost")[0] == 200
        for target in (b"/export.csv?q=x", b"//evil.example/", b"/"):
            status, head = _raw_get(port, target, b"evil.example")
            assert status == 400 and b"evil.example" not in head
    finally:
        server.terminate()
        server.wait(timeout=10)
        output = server.stdout.read().decode()
        server.stdout.close()
    assert "answering to the host names localhost, 127.0.0.1, ::1, bulletins.example" in output


# --- 8. names printed safely; links, loops and FIFOs said -----------------------------------------

def test_odd_names_and_odd_files_are_each_one_safe_line(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=1, seed=24, formats=("txt",))
    not_a_bulletin = "这是一份通知，不是公报。\n" * 5
    (folder / "evil\nrefused: forged.txt").write_text(not_a_bulletin, encoding="utf-8")
    (folder / "\x1b[31mred\x1b[0m.txt").write_text(not_a_bulletin, encoding="utf-8")
    (tmp_path / "elsewhere.pdf").write_bytes(b"")
    (folder / "link.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    os.mkfifo(folder / "pipe.txt")
    done = run_cli("index", str(folder), "--index-dir", str(tmp_path / "index"))
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\r" not in done.stderr
    lines = done.stderr.splitlines()
    assert all(line.startswith(f"refused: {folder}/") for line in lines), lines
    named = {line[len(f"refused: {folder}/"):].split(": ", 1)[0]: line for line in lines}
    assert sorted(named) == sorted(["evil\\nrefused", "\\x1b[31mred\\x1b[0m.txt", "link.pdf", "gone.pdf",
                                    "loop.pdf", "pipe.txt"])
    assert named["evil\\nrefused"].startswith(f"refused: {folder}/evil\\nrefused: forged.txt: ")
    assert "empty file" in named["link.pdf"]  # refused under the link's own name
    assert f"a link to {tmp_path / 'nowhere.pdf'}, which does not exist" in named["gone.pdf"]
    assert "a link that leads back to itself" in named["loop.pdf"]
    assert "named pipe" in named["pipe.txt"]
    assert done.stdout.startswith("indexed 1 new, 0 replaced, 0 unchanged, 6 refused")


def test_a_source_whose_name_holds_a_line_break_is_served(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=1, seed=25, formats=("txt",))
    (original,) = folder.iterdir()
    named = original.rename(folder / "第40期\r\n周报.txt")
    index = tmp_path / "index"
    assert index_paths([str(folder)], index).new == 1
    from indexer.search import store

    issue_id = store.load_files(store.live_generation(index))[str(named)]["issue_id"]
    with _client(index).get(f"/issues/{issue_id}/source") as response:
        assert response.status_code == 200 and response.data == named.read_bytes()
        disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "filename*=UTF-8''" in disposition


def test_a_file_name_is_shown_readably_and_safely():
    from indexer.names import printable, readable_name

    gbk = "/archive/" + _gbk_name("第40期", ".txt")
    assert readable_name(gbk) == "第40期.txt"  # what the clerk saw in Windows
    assert printable(gbk) == "/archive/\\xb5\\xda40\\xc6\\xda.txt"  # what `ls -b` shows
    assert readable_name("/a/第40期\r\n周报.txt") == "第40期 周报.txt"
    assert printable("evil\nrefused: x\x1b[31m") == "evil\\nrefused: x\\x1b[31m"


# --- 4. damaged PDFs read in part are said to be --------------------------------------------------

def _content_stream(data: bytes, path: Path, page: int) -> tuple[int, int, int]:
    """(start of the page's content stream object, start and end of its data) in the file."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        objid = pdf.pages[page - 1].page_obj.attrs["Contents"].objid
    start = data.index(b"\n%d 0 obj" % objid)
    begin = data.index(b"stream\n", start) + len(b"stream\n")
    return start, begin, data.index(b"endstream", begin)


def damage_pages(path: Path, cut: int, break_filter: int) -> None:
    """Page ``cut``: the second two thirds of its compressed text overwritten (pdfminer keeps what
    it can decompress, silently). Page ``break_filter``: its stream declared ASCII85 (same length,
    so every offset still holds), which pdfminer cannot decode at all."""
    data = bytearray(path.read_bytes())
    _, begin, end = _content_stream(bytes(data), path, cut)
    third = begin + (end - begin) // 3
    data[third:end - 2] = b"\xff" * (end - 2 - third)
    start, begin, _ = _content_stream(bytes(data), path, break_filter)
    head = bytes(data[start:begin])
    assert b"/FlateDecode" in head
    data[start:begin] = head.replace(b"/FlateDecode", b"/A85        ")
    path.write_bytes(bytes(data))


def test_a_pdf_with_damaged_pages_is_indexed_with_a_warning_naming_them(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=2, seed=26, formats=("pdf",))
    damaged, whole = sorted(folder.glob("*.pdf"))
    damage_pages(damaged, cut=2, break_filter=3)
    index = tmp_path / "index"
    done = run_cli("index", str(folder), "--index-dir", str(index))
    assert done.returncode == 0, done.stderr  # indexed: what could be read is searchable
    assert done.stderr.splitlines() == [
        f"warning: {damaged}: page 2 is damaged: part of its text could not be read; page 3 is "
        "damaged: its text could not be read at all (the file is corrupt: get a fresh copy and index "
        "it again)"]
    assert "2 new" in done.stdout and "1 read only in part (damaged pages, see the warnings)" in done.stdout

    parsed = run_cli("parse", str(damaged), "--format", "json")
    assert parsed.returncode == 0 and json.loads(parsed.stdout)["damaged_pages"] == [2, 3]
    assert "page 2 is damaged" in parsed.stderr
    assert "damaged_pages" not in json.loads(run_cli("parse", str(whole), "--format", "json").stdout)

    from indexer.search import store

    files = store.load_files(store.live_generation(index))
    client = _client(index)
    page = client.get(f"/issues/{files[str(damaged)]['issue_id']}").get_data(as_text=True)
    assert "原文件已损坏：第 2、3 页的文字未能完整读取" in page
    page = client.get(f"/issues/{files[str(whole)]['issue_id']}").get_data(as_text=True)
    assert "原文件已损坏" not in page


@pytest.mark.parametrize("seed", [26, 32, 36])
def test_a_cut_is_noticed_wherever_it_lands(tmp_path, seed):
    """Overwritten Flate data can happen to decode as an end-of-block code, so zlib reports the
    stream ended: with these seeds' text, page 2's cut went unnoticed. Deflate that ends with most
    of the stream left over was cut short."""
    from indexer.parsing.parser import parse_file

    write_demo_archive(tmp_path, issues=2, seed=seed, formats=("pdf",))
    damaged, whole = sorted(tmp_path.glob("*.pdf"))
    damage_pages(damaged, cut=2, break_filter=3)
    assert parse_file(str(damaged)).to_dict()["damaged_pages"] == [2, 3]
    assert "damaged_pages" not in parse_file(str(whole)).to_dict()


def test_a_pdf_whose_every_page_is_unreadable_is_refused(tmp_path):
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=1, seed=27, formats=("pdf",))
    (path,) = folder.glob("*.pdf")
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    for page in range(1, pages + 1):
        data = bytearray(path.read_bytes())
        start, begin, _ = _content_stream(bytes(data), path, page)
        data[start:begin] = bytes(data[start:begin]).replace(b"/FlateDecode", b"/A85        ")
        path.write_bytes(bytes(data))
    done = run_cli("parse", str(path))
    assert done.returncode == 1
    assert done.stderr == f"refused: {path}: damaged PDF: not one of its pages could be read; open and re-save it, or get a fresh copy\n"


# --- 5. a full disk: one line, the run undone, no space kept --------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MB file system (tmpfs), so writes fail with a real ENOSPC; skipped where this
    process may not mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` but ``leave`` bytes."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "wb") as f:
        f.truncate(0)
        f.write(b"\0" * max(0, free - leave))
    return filler


def _files_and_sizes(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*")
                  if p.is_file() and p.name != ".lock")


def test_a_full_disk_is_one_line_and_leaves_no_partial_segments(tmp_path, small_disk):
    write_demo_archive(tmp_path / "all", issues=9, seed=28, formats=("txt",))
    first, more = tmp_path / "first", tmp_path / "more"
    first.mkdir(), more.mkdir()
    for number, path in enumerate(sorted((tmp_path / "all").iterdir())):
        path.rename((first if number < 4 else more) / path.name)
    index = small_disk / "index"
    assert run_cli("index", str(first), "--index-dir", str(index)).returncode == 0
    queries = [[("q", "窗口")], [("q", "上门服务"), ("per_page", "3")]]

    def answers():
        service = open_service(index)
        return [{k: v for k, v in service.search_params(q).items() if k != "took_ms"} for q in queries]

    before, listing = answers(), _files_and_sizes(index)
    filler = _fill(small_disk, leave=300 * 1024)  # room for a run's temporaries, not its segment
    for args in ([], [], ["--rebuild"]):  # retries must not pile up partial segments
        done = run_cli("index", str(first), str(more), "--index-dir", str(index), *args)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr == (f"error: {index}: the disk is full: No space left on device. This run "
                               "was undone and the index answers as before; free some space and run "
                               "the command again\n")
        assert _files_and_sizes(index) == listing
        assert answers() == before
    filler.unlink()
    done = run_cli("index", str(first), str(more), "--index-dir", str(index))
    assert done.returncode == 0 and done.stdout.startswith("indexed 5 new, 0 replaced, 4 unchanged")
    assert open_service(index).stats()["issues"] == 9


# --- 7. kill -9 in the commit window --------------------------------------------------------------

UNIQUE_WORDS = "金丝猴巡查试点"


@pytest.fixture(scope="module")
def commit_window(tmp_path_factory):
    """An index of four issues, and their folder then given three more, one of the four changed
    (UNIQUE_WORDS appended to its longest line), and the last issue also as a .pdf met after its
    .txt (so the run commits once mid-way to replace it)."""
    import shutil

    root = tmp_path_factory.mktemp("window")
    write_demo_archive(root / "all", issues=7, seed=29, formats=("txt",))
    write_demo_archive(root / "pdf", issues=7, seed=29, formats=("pdf",))
    names = sorted((root / "all").iterdir())
    docs = root / "docs"
    docs.mkdir()
    for path in names[:4]:
        shutil.copy(path, docs / path.name)
    base = root / "base"
    assert index_paths([str(docs)], base).new == 4
    for path in names[4:]:
        shutil.copy(path, docs / path.name)
    changed = docs / names[0].name
    text = changed.read_text(encoding="utf-8")
    line = max(text.splitlines(), key=len)
    changed.write_text(text.replace(line, line + UNIQUE_WORDS), encoding="utf-8")
    # the last issue again, as a PDF met after its .txt: the run commits mid-way to replace it
    last_pdf = sorted((root / "pdf").glob("*.pdf"))[-1]
    shutil.copy(last_pdf, docs / f"zz_{last_pdf.name}")
    return {"base": base, "docs": docs}


def _interrupted(path: str):
    raise KeyboardInterrupt  # Ctrl+C at the first file a run reads


def assert_every_hit_is_in_its_view(index: Path) -> int:
    """Each hit of a few searches opens (200) on a view holding its paragraph and its words."""
    client = _client(index)
    assert client.get("/healthz").get_json()["status"] == "ok"
    checked = 0
    for query in (UNIQUE_WORDS, "窗口", "上门服务", "政务服务"):
        reply = client.get("/api/search", query_string={"q": query, "per_page": "100"}).get_json()
        for hit in reply["hits"]:
            path, _, paragraph = hit["url"].partition("#")
            page = client.get(path)
            assert page.status_code == 200, (query, hit["url"])
            html = page.get_data(as_text=True)
            assert f'id="{paragraph}"' in html, (query, hit["url"])
            if query == UNIQUE_WORDS:
                assert UNIQUE_WORDS in html
            checked += 1
    return checked


@pytest.mark.parametrize("point", ["after-flush", "after-index-commit", "publishing"])
def test_a_run_killed_in_its_commit_window_never_links_a_hit_to_a_missing_page(commit_window, tmp_path, point):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(commit_window["base"], index)
    killed = subprocess.run([sys.executable, "-m", "indexer.cli", "index", str(commit_window["docs"]),
                             "--index-dir", str(index)], cwd=REPO, capture_output=True, text=True,
                            timeout=HANG_LIMIT, env={**os.environ, "BULLETIN_KILL_AT": point})
    assert killed.returncode == -9, killed.stderr  # it really died at that step
    assert assert_every_hit_is_in_its_view(index) > 0
    # the next run starts by keeping the staged bulletins its index already holds: interrupted
    # before it writes anything, the views still match
    with pytest.raises(KeyboardInterrupt):
        index_paths([str(commit_window["docs"])], index, parse=_interrupted)
    assert assert_every_hit_is_in_its_view(index) > 0
    done = run_cli("index", str(commit_window["docs"]), "--index-dir", str(index))
    assert done.returncode == 0, done.stderr
    assert open_service(index).stats()["issues"] == 7
    assert open_service(index).search_params([("q", UNIQUE_WORDS)])["total"] > 0
    assert assert_every_hit_is_in_its_view(index) > 0


def test_a_first_build_killed_just_before_its_swap_is_kept(commit_window, tmp_path):
    from indexer.search import store

    index = tmp_path / "index"
    killed = subprocess.run([sys.executable, "-m", "indexer.cli", "index", str(commit_window["docs"]),
                             "--index-dir", str(index)], cwd=REPO, capture_output=True, text=True,
                            timeout=HANG_LIMIT, env={**os.environ, "BULLETIN_KILL_AT": "before-swap"})
    assert killed.returncode == -9 and not (index / store.POINTER).exists()
    done = run_cli("index", str(commit_window["docs"]), "--index-dir", str(index))
    assert done.returncode == 0
    assert done.stdout.startswith("indexed 0 new, 0 replaced, 8 unchanged")  # nothing read again
    assert store.live_generation(index).name == "gen-000001"
    assert open_service(index).stats()["issues"] == 7
    assert assert_every_hit_is_in_its_view(index) > 0


def test_flate_data_is_damaged_only_when_cut_or_corrupt_not_when_it_lacks_its_checksum():
    import zlib

    from indexer.parsing.reading import _inflates_to_its_end

    data = zlib.compress("窗口工作动态，上门服务。".encode() * 200)
    assert _inflates_to_its_end(data)
    assert _inflates_to_its_end(data[:-4])  # no Adler-32 at the end: every byte is still there
    assert not _inflates_to_its_end(data[:len(data) // 2])
    assert not _inflates_to_its_end(data[:20] + b"\xff" * (len(data) - 20))


def test_a_read_only_index_folder_is_one_line_and_still_answers(tmp_path, small_disk):
    """Issue 17, item 3: the index's disk remounted read-only (a failing disk, a backup mount):
    an update or rebuild says so in one line with what to do, exits 1, and the index, untouched,
    still answers."""
    write_demo_archive(tmp_path / "docs", issues=5, seed=31, formats=("txt",))
    names = sorted((tmp_path / "docs").iterdir())
    names[-1].rename(tmp_path / names[-1].name)  # the fifth comes later
    index = small_disk / "index"
    assert run_cli("index", str(tmp_path / "docs"), "--index-dir", str(index)).returncode == 0
    before, listing = open_service(index).search_params([("q", "窗口")]), _files_and_sizes(index)
    before.pop("took_ms")
    (tmp_path / names[-1].name).rename(names[-1])
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if remounted.returncode:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.decode().strip()}")
    for args in ([], ["--rebuild"], ["--prune"]):
        done = run_cli("index", str(tmp_path / "docs"), "--index-dir", str(index), *args)
        assert done.returncode == 1, done.stderr
        assert done.stderr == (f"error: {index}: cannot write the lock {index / '.lock'}: Read-only file "
                               "system; nothing was changed and the index answers as before. Make the "
                               "folder writable (or give another --index-dir) and run the command again\n")
        assert _files_and_sizes(index) == listing
        answer = open_service(index).search_params([("q", "窗口")])
        answer.pop("took_ms")
        assert answer == before
    done = run_cli("search", "窗口", "--index-dir", str(index))
    assert done.returncode == 0 and done.stdout.startswith(f"{before['total']} results")
    done = run_cli("index", str(tmp_path / "docs"), "--index-dir", str(small_disk / "new"))
    assert done.returncode == 1 and done.stderr == (
        f"error: {small_disk / 'new'}: cannot use {small_disk / 'new'} as the index folder: Read-only "
        "file system; nothing was changed. Make the folder writable (or give another --index-dir) and "
        "run the command again\n")
