"""``bulletin-search serve --watch DIR`` (issue 15): a real serve process over a watched folder.
A PDF dropped in is found through /api/search within 10 s with no restart; a file written slowly
in chunks is indexed once, whole; a bad file is refused once. And the watcher alone (the library)
with watchdog's polling observer, the fallback where inotify is missing, and --prune."""
from __future__ import annotations

import hashlib
import os
import shutil
import time
import urllib.parse
import urllib.request

import pytest

from tests.conftest import SAMPLE_NAMES
from tests.servers import api, poll, watched_serve

pytestmark = pytest.mark.slow
DEADLINE = 10.0  # the acceptance: searchable within 10 s of arriving


@pytest.fixture(scope="module")
def served(tmp_path_factory, corpus_dir):
    """A serve process watching an archive folder that starts with one bulletin (002)."""
    root = tmp_path_factory.mktemp("watched")
    archive = root / "archive"
    archive.mkdir()
    shutil.copy(corpus_dir / f"{SAMPLE_NAMES[1]}.pdf", archive / "2022-14.pdf")
    with watched_serve(root, archive) as serve:
        poll(lambda: serve.issues() == 1, 60, "the folder's first bulletin indexed at start")
        yield {"port": serve.port, "archive": archive, "log": serve.log_lines, "corpus": corpus_dir}


def hits(port: int, q: str) -> list[dict]:
    return api(port, "/api/search", q=q)["hits"]


def test_a_pdf_dropped_into_the_watched_folder_is_found_within_10_s(served):
    port = served["port"]
    assert hits(port, "页岩气") == []  # in 000 (2022-w40) only, which is not there yet
    # copied beside, then moved in: the way a file manager or scp -> mv delivers it
    staging = served["archive"].parent / "incoming.pdf"
    shutil.copy(served["corpus"] / f"{SAMPLE_NAMES[0]}.pdf", staging)
    os.replace(staging, served["archive"] / "第40期.pdf")
    found = poll(lambda: hits(port, "页岩气"), DEADLINE, "页岩气 searchable after the drop")
    assert found[0]["issue_id"] == "2022-w40"
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/issues", timeout=10).read().decode()
    assert "2022年第40期" in page and "已收录 2 期" in page and "最近更新" in page


def test_a_file_written_slowly_is_indexed_once_and_whole(served):
    port = served["port"]
    data = (served["corpus"] / f"{SAMPLE_NAMES[2]}.pdf").read_bytes()
    target = served["archive"] / "月报-2025-11.pdf"
    chunk = len(data) // 8 + 1
    before = api(port, "/healthz")["issues"]  # whatever the other tests of the module added
    with open(target, "wb") as handle:  # 8 chunks, 0.4 s apart: over 3 s of a half-written PDF
        for start in range(0, len(data), chunk):
            handle.write(data[start:start + chunk])
            handle.flush()
            time.sleep(0.4)
    poll(lambda: api(port, "/healthz")["issues"] == before + 1, DEADLINE, "the slowly written monthly indexed")
    # whole: its last page is searchable, and its stored source is the finished file
    bulletin = api(port, "/issues/2025-m11.json")
    assert bulletin["issue"]["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    last = bulletin["sections"][-1]["paragraphs"][-1]["text"][:12]
    assert any(h["issue_id"] == "2025-m11" for h in hits(port, f'"{last}"'))
    lines = served["log"]()
    assert [line for line in lines if "月报-2025-11.pdf" in line and "indexed" in line] and \
        len([line for line in lines if "月报-2025-11.pdf" in line]) == 1, lines
    assert not [line for line in lines if line.startswith("refused") and "月报" in line], lines


def test_a_bad_file_is_refused_once_not_in_a_loop(served):
    port = served["port"]
    shutil.copy(served["corpus"] / "bad" / "truncated.pdf", served["archive"] / "坏文件.pdf")
    poll(lambda: [line for line in served["log"]() if line.startswith("refused:") and "坏文件.pdf" in line],
         DEADLINE, "the bad file refused")
    # the watcher goes on: a good .txt dropped afterwards is indexed, and only then we count
    text = (served["corpus"] / f"{SAMPLE_NAMES[0]}.txt").read_text(encoding="utf-8")
    (served["archive"] / "第40期.txt").write_text(text, encoding="utf-8")
    poll(lambda: [line for line in served["log"]() if "第40期.txt" in line], DEADLINE, "the .txt seen")
    time.sleep(1.0)  # a few more watcher rounds, in which a retry loop would show
    refusals = [line for line in served["log"]() if "坏文件.pdf" in line]
    assert len(refusals) == 1 and refusals[0].startswith("refused: ") and "坏文件.pdf: " in refusals[0], refusals
    assert api(port, "/healthz")["status"] == "ok"


def test_the_polling_fallback_and_prune(tmp_path, corpus_dir):
    """watchdog's polling observer (where inotify is missing) finds a new file too; a removed
    file's issue stays without prune and goes with it."""
    from indexer.search.service import open_service
    from indexer.watch import Watcher

    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    archive.mkdir()
    lines: list[str] = []
    kept = Watcher([archive], index_dir, polling=True, settle=0.5, log=lines.append).start()
    try:
        assert kept.how == "polling"
        shutil.copy(corpus_dir / f"{SAMPLE_NAMES[1]}.pdf", archive / "a.pdf")
        service = open_service(index_dir)
        poll(lambda: service.stats()["issues"] == 1, DEADLINE, "polling picks up a.pdf")
        (archive / "a.pdf").unlink()
        poll(lambda: any("was removed" in line for line in lines), DEADLINE, "the removal noticed")
        assert service.stats()["issues"] == 1  # no --prune: still searchable
    finally:
        kept.stop()
    shutil.copy(corpus_dir / f"{SAMPLE_NAMES[1]}.pdf", archive / "b.pdf")
    pruning = Watcher([archive], index_dir, prune=True, polling=True, settle=0.5, log=lines.append).start()
    try:
        poll(lambda: any("b.pdf" in line for line in lines), DEADLINE, "b.pdf taken in")
        (archive / "b.pdf").unlink()
        poll(lambda: open_service(index_dir).stats()["issues"] == 0, DEADLINE, f"pruned with --prune: {lines}")
    finally:
        pruning.stop()
