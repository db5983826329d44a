"""The one writer: the lock is recognised by being held, not by what its file happens to say.

A writer's lock file is empty for a moment after it is created, and a writer clearing a dead
writer's lock briefly holds a file naming that dead pid: a second writer starting in either
moment must still be refused (with the old text-only check it deleted the live writer's lock and
both wrote). A dead writer's lock is taken over without deleting anything, and a live pid written
by some other program is still respected."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from indexer.search import store
from indexer.search.errors import IndexBusy
from indexer.search.store import WriterLock


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("what_the_file_says", ["", "{dead}\n", "garbage"])
def test_a_held_lock_refuses_a_second_writer_whatever_its_file_says(tmp_path, what_the_file_says):
    with WriterLock(tmp_path):
        (tmp_path / store.LOCK).write_text(what_the_file_says.format(dead=_dead_pid()))
        with pytest.raises(IndexBusy, match="another indexer"):
            with WriterLock(tmp_path):
                pass
        assert (tmp_path / store.LOCK).exists()  # the holder's lock was not deleted
    assert not (tmp_path / store.LOCK).exists()


def test_a_dead_writers_lock_is_taken_over_and_a_live_pid_respected(tmp_path):
    (tmp_path / store.LOCK).write_text(f"{_dead_pid()}\n")
    with WriterLock(tmp_path):
        assert (tmp_path / store.LOCK).read_text().strip() == str(os.getpid())
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / store.LOCK).write_text(f"{sleeper.pid}\n")
        with pytest.raises(IndexBusy, match=f"pid {sleeper.pid}"):
            with WriterLock(tmp_path):
                pass
    finally:
        sleeper.kill()
        sleeper.wait()



RACER = """
import os, sys, time
from indexer.search.errors import IndexBusy
from indexer.search.store import WriterLock
folder, rounds = sys.argv[1], int(sys.argv[2])
entered = overlaps = 0
deadline = time.monotonic() + 30
for _ in range(rounds):
    if time.monotonic() > deadline:
        break
    try:
        with WriterLock(folder):
            try:  # a marker only one holder at a time can create
                fd = os.open(os.path.join(folder, "inside"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                overlaps += 1
                continue
            entered += 1
            os.close(fd)
            os.unlink(os.path.join(folder, "inside"))
    except IndexBusy:
        pass
print(entered, overlaps)
"""


def test_writers_racing_in_several_processes_never_overlap(tmp_path):
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path), "300"], cwd=repo,
                               stdout=subprocess.PIPE, text=True) for _ in range(3)]
    results = [tuple(map(int, racer.communicate(timeout=60)[0].split())) for racer in racers]
    assert all(overlaps == 0 for _, overlaps in results), results
    assert sum(entered for entered, _ in results) > 0
    assert not (tmp_path / store.LOCK).exists()
