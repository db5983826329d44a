"""Issue 17, item 5: watched-folder faults, against a real ``serve --watch`` process. A file that
keeps changing, a folder that disappears and comes back, a burst of 500 files: no crash, no
duplicate, each file indexed once when it has stopped changing."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from indexer.demo.archive import write_demo_archive
from tests.servers import poll, watched_serve

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path):
    """A serve process watching an empty folder ``archive``; ``log()`` its output lines."""
    archive = tmp_path / "archive"
    archive.mkdir()
    with watched_serve(tmp_path, archive) as serve:
        poll(lambda: serve.issues() == 0 and any("watch: watching" in line for line in serve.log_lines()),
             60, "serve --watch started")
        yield {"port": serve.port, "archive": archive, "log": serve.log_lines, "issues": serve.issues,
               "process": serve.process, "root": tmp_path}


def indexed_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("watch: indexed")]


def no_trouble(lines: list[str]) -> None:
    assert not [line for line in lines if "Traceback" in line or "watch: error" in line], lines


def test_a_file_that_keeps_changing_is_indexed_once_when_it_stops(served, tmp_path):
    write_demo_archive(tmp_path / "gen", issues=1, seed=41, formats=("txt",))
    text = next((tmp_path / "gen").iterdir()).read_text(encoding="utf-8")
    target = served["archive"] / "growing.txt"
    lines = text.splitlines(keepends=True)
    started = time.monotonic()
    with open(target, "w", encoding="utf-8") as handle:  # a line every 0.3 s for 6 s: never still
        for number, line in enumerate(lines):
            handle.write(line)
            handle.flush()
            if number % max(1, len(lines) // 20) == 0:
                time.sleep(0.3)
                assert served["issues"]() == 0  # not read half-written
    assert time.monotonic() - started > 4
    poll(lambda: served["issues"]() == 1, 30, "the file indexed once it stopped changing")
    time.sleep(1)
    lines = served["log"]()
    no_trouble(lines)
    assert len(indexed_lines(lines)) == 1 and "growing.txt" in indexed_lines(lines)[0], lines
    assert not [line for line in lines if line.startswith("refused")], lines


def test_a_folder_that_disappears_and_comes_back_is_watched_again(served, tmp_path):
    write_demo_archive(tmp_path / "gen", issues=3, seed=42, formats=("txt",))
    first, second, third = sorted((tmp_path / "gen").iterdir())
    shutil.copy(first, served["archive"] / first.name)
    poll(lambda: served["issues"]() == 1, 30, "the first file indexed")
    shutil.rmtree(served["archive"])  # unmounted share, a folder renamed away and back
    time.sleep(1.5)
    assert served["issues"]() == 1  # its issue stays searchable (no --prune)
    served["archive"].mkdir()
    shutil.copy(second, served["archive"] / second.name)
    poll(lambda: served["issues"]() == 2, 30, "a file in the folder come back indexed")
    (served["archive"] / "sub").mkdir()
    shutil.copy(third, served["archive"] / "sub" / third.name)
    poll(lambda: served["issues"]() == 3, 30, "a file in a new subfolder indexed")
    no_trouble(served["log"]())


def test_a_burst_of_500_files_is_indexed_each_once(served, tmp_path):
    write_demo_archive(tmp_path / "gen", issues=500, seed=43, formats=("txt",))
    started = time.monotonic()
    for path in sorted((tmp_path / "gen").iterdir()):
        os.replace(path, served["archive"] / path.name)
    poll(lambda: served["issues"]() == 500, 60, "all 500 indexed")
    seconds = time.monotonic() - started
    lines = served["log"]()
    no_trouble(lines)
    assert not [line for line in lines if line.startswith("refused")], lines
    new = sum(int(line.split("indexed ")[1].split(" new")[0]) for line in indexed_lines(lines))
    assert new == 500, lines  # each once: no file read twice, no issue counted twice
    assert seconds < 60, seconds
