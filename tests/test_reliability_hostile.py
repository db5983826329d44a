"""Issue 18: defects found by probing the indexer from outside, each reproduced here with files
the test writes itself (a few hundred bytes each) and real `bulletin-search` processes.

1. A PDF whose objects refer to themselves hung pdfminer (and so every later run) forever: it is
   refused by name at once, and any file still being read after the time limit is refused too."""
from __future__ import annotations

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
    """No real bulletin PDF can be read in 50 ms (pdfplumber alone takes longer to start), so the
    limit is met by real reading, in this process and in a worker process alike."""
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=2, seed=19, formats=("pdf",))
    pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
    done = run_cli("index", str(folder), "--index-dir", str(tmp_path / "one"), "--time-limit", "0.05")
    assert done.returncode == 1
    assert sorted(done.stderr.splitlines()) == [
        f"refused: {path}: took longer than 0.05 s to read, so it is damaged or hostile "
        "(a longer limit can be set with --time-limit)" for path in pdfs]
    refused = []
    report = index_paths([str(folder)], tmp_path / "two", workers=1, time_limit=0.05,
                         on_refused=refused.append)
    assert sorted(r.path for r in refused) == pdfs and report.new == 0
    assert all("took longer than 0.05 s" in r.reason for r in refused)
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
    response = client.get(f"/issues/{issue_id}/source")
    assert response.status_code == 200
    assert response.data == gbk.read_bytes()
    # saved under the name the clerk knows, read as GB18030
    assert "filename*=UTF-8''%E7%AC%AC40%E6%9C%9F.txt" in response.headers["Content-Disposition"]
    assert client.get(f"/issues/{issue_id}/source",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(f"/issues/{issue_id}").status_code == 200


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
