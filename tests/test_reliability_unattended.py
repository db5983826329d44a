"""Issue 17: an unattended indexer. Bounded work per file: hostile files that the test writes
(a few KB each) are refused by name within the limits, and a worker process stuck or killed
while reading is replaced, its file refused, the run going on."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search.indexing import WATCHDOG_GRACE
from indexer.search.service import open_service

from .test_reliability_hostile import tiny_pdf

REPO = Path(__file__).resolve().parent.parent
HANG_LIMIT = 120  # seconds: far beyond any of these runs; only a hang reaches it
# Runs the command given and prints the largest resident set (KB) of it and its children.
PEAK_MEMORY = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:])\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
               "sys.exit(done.returncode)\n")


def zeros_deflated(chunks: int, chunk_size: int = 1 << 24) -> bytes:
    """Flate data of ``chunks`` × 16 MB of zeros, made without compressing them all: after a full
    flush the compressor starts afresh, so every middle chunk compresses to the same bytes."""
    c = zlib.compressobj(9)
    chunk = bytes(chunk_size)
    head = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)[:-4]  # the last block, less the checksum of two chunks
    size = chunks * chunk_size
    return head + body * (chunks - 1) + tail + struct.pack(">I", ((size % 65521) << 16) | 1)


def text_pdf(pages: int, content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A PDF of ``pages`` pages that all draw the one content stream given."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
    return tiny_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                     b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(content), filters, content)]
                    + [page] * pages)


def characters(n: int) -> bytes:
    return zlib.compress(b"BT /F1 1 Tf 20 400 Td (" + b"A" * n + b") Tj ET", 9)


def run_cli(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, int, float]:
    """The CLI's reply, its peak memory (KB, with its workers) and its wall time."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, sys.executable, "-m", "indexer.cli", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=HANG_LIMIT,
                          env={**os.environ, **(env or {})})
    *lines, peak = done.stderr.splitlines()
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, "\n".join(lines)), \
        int(peak), time.monotonic() - started


@pytest.fixture
def archive(tmp_path) -> Path:
    folder = tmp_path / "archive"
    write_demo_archive(folder, issues=3, seed=17, formats=("txt",))
    return folder


def test_bombs_and_floods_of_text_are_refused_by_name_within_the_limits(archive, tmp_path):
    """Before: the 2 GB Flate stream took 4.1 GB (957 MB for this one) and 12 s before "no text";
    the 400,000 characters on one page and the 100 pages × 40,000 were still being read at 60 s.
    Now each is refused before pdfminer lays out a character."""
    bomb = text_pdf(1, zlib.compress(zeros_deflated(128), 9), b"[/FlateDecode /FlateDecode]")
    files = {"bomb.pdf": bomb, "wide.pdf": text_pdf(1, characters(400_000)),
             "long.pdf": text_pdf(100, characters(40_000))}
    for name, data in files.items():
        assert len(data) < 20_000
        (archive / name).write_bytes(data)
    done, peak_kb, seconds = run_cli("index", str(archive), "--index-dir", str(tmp_path / "index"))
    assert done.returncode == 1
    assert sorted(done.stderr.splitlines()) == [
        f"refused: {archive / 'bomb.pdf'}: page 1's content decompresses to more than 8 MB, far more "
        "than any bulletin (a compression bomb or a damaged file)",
        f"refused: {archive / 'long.pdf'}: page 1 shows about 40,000 characters, far more than any "
        "bulletin page (limit 20,000)",
        f"refused: {archive / 'wide.pdf'}: page 1 shows about 400,000 characters, far more than any "
        "bulletin page (limit 20,000)",
    ]
    assert done.stdout.startswith("indexed 3 new, 0 replaced, 0 unchanged, 3 refused")
    assert peak_kb < 400 * 1024, peak_kb  # reading a demo bulletin alone takes ~180 MB
    assert seconds < 60  # generous: the run takes a few seconds; before, one file took longer


def test_a_flood_spread_over_pages_is_refused_on_its_total(tmp_path):
    path = tmp_path / "many.pdf"
    path.write_bytes(text_pdf(40, characters(15_000)))  # each page within its cap, not the sum
    done, _, _ = run_cli("index", str(path), "--index-dir", str(tmp_path / "index"))
    assert done.stderr == (f"refused: {path}: pages 1–27 show about 405,000 characters, far more "
                           "than any bulletin (limit 400,000)")


def test_a_file_needing_more_memory_than_the_limit_is_refused_and_the_run_goes_on(archive, tmp_path):
    """Four pages of 15,000 characters are within the caps and take pdfminer some 200 MB more
    than a worker holds at rest: past a 50 MB limit, refused by name; with the default 1 GB, read
    (and refused for what it is: no bulletin)."""
    dense = archive / "dense.pdf"
    dense.write_bytes(text_pdf(4, characters(15_000)))
    done, _, _ = run_cli("index", str(archive), "--index-dir", str(tmp_path / "one"), "--memory-limit", "50M")
    assert done.returncode == 1
    assert done.stderr == (f"refused: {dense}: needed more than 50 MB of memory to read, so it is "
                           "damaged or hostile (a larger limit can be set with --memory-limit)")
    assert done.stdout.startswith("indexed 3 new, 0 replaced, 0 unchanged, 1 refused")
    done, _, _ = run_cli("index", str(dense), "--index-dir", str(tmp_path / "two"))
    assert done.stderr == f"refused: {dense}: not a bulletin: no numbered sections (一、…) found"


@pytest.mark.parametrize("bad", ["lots", "-1G", "1T"])
def test_a_memory_limit_that_is_no_amount_is_bad_usage(tmp_path, bad):
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "index", str(tmp_path), "--index-dir",
                           str(tmp_path / "ix"), f"--memory-limit={bad}"], cwd=REPO, capture_output=True,
                          text=True, timeout=HANG_LIMIT)
    assert done.returncode == 2 and "not an amount of memory" in done.stderr


def test_a_reader_stuck_where_the_alarm_cannot_reach_is_killed_and_replaced(archive, tmp_path):
    """$BULLETIN_HANG_AT makes the worker hang deaf to the alarm, as C code would: the writer
    kills it after the time limit and its grace, and a new worker reads the files after it."""
    first = sorted(archive.glob("*.txt"))[0]
    done, _, seconds = run_cli("index", str(archive), "--index-dir", str(tmp_path / "index"),
                               "--time-limit", "1", env={"BULLETIN_HANG_AT": f"reading {first.name}"})
    assert done.returncode == 1
    assert done.stderr == (f"refused: {first}: took longer than 1 s to read, so it is damaged or "
                           "hostile (a longer limit can be set with --time-limit)")
    assert done.stdout.startswith("indexed 2 new, 0 replaced, 0 unchanged, 1 refused")
    assert seconds < 1 + WATCHDOG_GRACE + 30  # generous; without the watchdog it never ended


def test_a_reader_killed_outright_is_replaced_and_its_file_refused(archive, tmp_path):
    """A worker killed while reading (the kernel's out-of-memory killer, a segfault in C code):
    before, the writer waited for its answer for ever."""
    second = sorted(archive.glob("*.txt"))[1]
    done, _, _ = run_cli("index", str(archive), "--index-dir", str(tmp_path / "index"),
                         env={"BULLETIN_KILL_AT": f"reading {second.name}"})
    assert done.returncode == 1
    assert done.stderr == (f"refused: {second}: the process reading it was killed (SIGKILL: by the "
                           "system when out of memory, or by hand), so it is damaged or hostile; the "
                           "run went on without it")
    assert done.stdout.startswith("indexed 2 new, 0 replaced, 0 unchanged, 1 refused")
    assert open_service(tmp_path / "index").stats()["issues"] == 2


def test_a_file_deleted_while_it_is_read_is_one_line_and_the_run_goes_on(archive, tmp_path):
    """The real parser, reading a file that is deleted once its reading has begun (a watched
    folder emptied by hand, a sync tool replacing it)."""
    from indexer.parsing.parser import parse_file
    from indexer.search.indexing import index_paths

    doomed = sorted(archive.glob("*.txt"))[0]

    def deleted_mid_read(path: str):
        if path == str(doomed):
            os.unlink(path)
        return parse_file(path)

    refused = []
    report = index_paths([str(archive)], tmp_path / "index", parse=deleted_mid_read,
                         on_refused=refused.append)
    assert [(r.path, r.reason) for r in refused] == [
        (str(doomed), "cannot be read (No such file or directory)")]
    assert report.new == 2


def test_a_long_scanned_issue_is_slow_not_stuck(tmp_path):
    """OCR adds time to a file's alarm for each page it is about to read (ocr.py); the writer's
    watchdog follows the worker's alarm, so a scan read for longer than the time limit and its
    grace is read to its end, not killed as stuck. A fresh OCR cache, so every page is read."""
    from tests.scans import make_scan

    write_demo_archive(tmp_path / "text", issues=1, seed=17, formats=("pdf",))
    scan = make_scan(next((tmp_path / "text").glob("*.pdf")), tmp_path / "scan.pdf", seed=3)
    done, _, seconds = run_cli("index", str(scan), "--index-dir", str(tmp_path / "index"), "--time-limit", "1",
                               env={"BULLETIN_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "read by OCR" in done.stdout
    assert seconds > 1 + WATCHDOG_GRACE, seconds  # past where the watchdog would have killed it
