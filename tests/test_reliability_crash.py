"""kill -9 of `bulletin-search index` at several points of a --rebuild and of an incremental run:
afterwards the index opens and answers the same queries exactly as before (whole replies but
took_ms), the killed writer's lock is recognised as stale and cleared, and the next run completes
normally. A live writer's lock is respected: a second run is refused in one line with exit 1.

No hook in the product code: the kill points are found by watching the index folder (the lock, a
new generation, the parsed bulletins appearing) plus a few fixed delays."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.demo.archive import write_demo_archive
from indexer.search import store
from indexer.search.service import open_service

REPO = Path(__file__).resolve().parent.parent
FIRST, MORE = 8, 4  # issues indexed first, issues an incremental run adds
QUERIES = [
    [("q", "窗口")],
    [("q", "上门服务"), ("per_page", "5")],
    [("q", "水利厅 OR 商务厅"), ("sort", "newest")],
    [("q", '"政务服务"'), ("page", "2"), ("per_page", "3")],
    [("q", ""), ("kind", "周报")],
    [("q", "办理 -企业")],
]
WAIT_LIMIT = 60.0  # no single run may take longer than this on a loaded machine


def replies(index_dir: Path, scores: bool = True) -> list[dict]:
    service = open_service(index_dir)
    out = []
    for params in QUERIES:
        reply = service.search_params(params)
        reply.pop("took_ms")
        if not scores:
            for hit in reply["hits"]:
                hit.pop("score")
        out.append(reply)
    return out


def leftovers(index_dir: Path) -> list[str]:
    """Temporary files a killed writer may leave (``.files.json.<pid>.tmp``)."""
    return sorted(p.name for p in Path(index_dir).rglob("*.tmp"))


pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine


@pytest.fixture(scope="module")
def archive(tmp_path_factory, search_engine):
    """Two folders of generated bulletins, an index of the first, and the replies to expect
    before and after the second is added."""
    root = tmp_path_factory.mktemp("crash")
    write_demo_archive(root / "all", issues=FIRST + MORE, seed=66, formats=("txt",))
    (root / "first").mkdir()
    (root / "more").mkdir()
    for number, path in enumerate(sorted((root / "all").iterdir())):
        path.rename(root / ("first" if number < FIRST else "more") / path.name)
    base = root / "base"
    assert main(["index", str(root / "first"), "--index-dir", str(base)]) == 0
    both = root / "both"
    shutil.copytree(base, both)
    assert main(["index", str(root / "first"), str(root / "more"), "--index-dir", str(both)]) == 0
    before, after = replies(base), replies(both)
    assert before != after and all(r["total"] for r in before)
    assert leftovers(both) == []
    return {"root": root, "base": base, "before": before, "after": after}


def _spawn(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "indexer.cli", "index", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_when(child: subprocess.Popen, ready) -> str:
    """Poll ``ready()`` every 2 ms (bounded) and kill -9 the child the moment it is true; returns
    what happened, for the assertion messages. The child's pipes are closed either way."""
    with child:
        return _kill_child_when(child, ready)


def _kill_child_when(child: subprocess.Popen, ready) -> str:
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return f"finished first (exit {child.returncode})"
        if ready():
            child.send_signal(signal.SIGKILL)
            child.wait(WAIT_LIMIT)
            return "killed"
        time.sleep(0.002)
    child.kill()
    child.wait()
    raise AssertionError("the indexing run neither reached the kill point nor finished")


def _new_generations(ix: Path, known: set[str]) -> list[Path]:
    return [p for p in ix.glob("gen-*") if p.name not in known]


def _bulletins(gen: Path) -> int:
    try:
        return sum(1 for _ in (gen / store.BULLETINS).iterdir())
    except FileNotFoundError:
        return 0


def _rebuild_points(ix: Path):
    known = {p.name for p in ix.glob("gen-*")}

    def building(count):
        return lambda: any(_bulletins(g) >= count for g in _new_generations(ix, known))

    return {
        "lock taken": lambda: (ix / store.LOCK).exists(),
        "new generation created": lambda: bool(_new_generations(ix, known)),
        "a few issues written": building(2),
        "every issue written, before the commit": building(FIRST),
        "generation marked complete": lambda: any((g / store.GEN_META).exists()
                                                  for g in _new_generations(ix, known)),
        "pointer swapped": lambda: store.live_generation(ix).name not in known,
    }


def _incremental_points(ix: Path):
    live = store.live_generation(ix)
    start = _bulletins(live)
    tocs = set(live.glob("*.toc"))
    return {
        "lock taken": lambda: (ix / store.LOCK).exists(),
        "first new issue written": lambda: _bulletins(live) > start,
        "every new issue written, before the commit": lambda: _bulletins(live) >= start + MORE,
        "Whoosh committed": lambda: set(live.glob("*.toc")) != tocs,
    }


def _delay(seconds):
    started = time.monotonic()
    return lambda: time.monotonic() - started >= seconds


def _check_after_kill(archive, ix: Path, what: str, allowed: list) -> None:
    lock = ix / store.LOCK
    if lock.exists():  # left by the killed writer: its pid is dead, so it is stale
        holder = int(lock.read_text().strip() or 0)
        assert not store._pid_alive(holder), what
    assert replies(ix) in allowed, what  # the index opens and answers exactly as before (or after)


@pytest.mark.parametrize("point", ["lock taken", "new generation created", "a few issues written",
                                   "every issue written, before the commit",
                                   "generation marked complete", "pointer swapped", 1.2])
def test_a_rebuild_killed_at_any_point_leaves_the_previous_index_answering(archive, tmp_path, point, capsys):
    ix = tmp_path / "ix"
    shutil.copytree(archive["base"], ix)
    first = str(archive["root"] / "first")
    child = _spawn([first, "--index-dir", str(ix), "--rebuild"])
    ready = _delay(point) if isinstance(point, float) else _rebuild_points(ix)[point]
    what = f"rebuild, kill at {point!r}: {_kill_when(child, ready)}"
    # a rebuild of the same files answers the same either way
    _check_after_kill(archive, ix, what, [archive["before"]])
    assert main(["index", first, "--index-dir", str(ix), "--rebuild"]) == 0, what
    assert capsys.readouterr().err == ""
    assert replies(ix) == archive["before"], what
    assert not (ix / store.LOCK).exists() and leftovers(ix) == [], what
    # the killed run's half-built generation is gone; the one replaced just now is kept for searchers
    live = store.live_generation(ix)
    for gen in ix.glob("gen-*"):
        assert gen == live or (gen / store.RETIRED).exists(), (what, sorted(p.name for p in ix.iterdir()))


@pytest.mark.parametrize("point", ["lock taken", "first new issue written",
                                   "every new issue written, before the commit", "Whoosh committed", 1.2])
def test_an_incremental_run_killed_at_any_point_leaves_the_index_answering(archive, tmp_path, point, capsys):
    ix = tmp_path / "ix"
    shutil.copytree(archive["base"], ix)
    args = [str(archive["root"] / "first"), str(archive["root"] / "more"), "--index-dir", str(ix)]
    child = _spawn(args)
    ready = _delay(point) if isinstance(point, float) else _incremental_points(ix)[point]
    what = f"incremental, kill at {point!r}: {_kill_when(child, ready)}"
    # killed before its commit: as before; after it: as after; never anything in between
    _check_after_kill(archive, ix, what, [archive["before"], archive["after"]])
    assert main(["index", *args]) == 0, what
    assert capsys.readouterr().err == ""
    # Killed after Whoosh's commit but before files.json was saved, the next run indexes the new
    # issues again, replacing them: same hits in the same order, while Whoosh counts the replaced
    # documents in its term statistics until a merge, so scores may differ in the third decimal.
    assert replies(ix, scores=False) == replies(archive["root"] / "both", scores=False), what
    assert not (ix / store.LOCK).exists() and leftovers(ix) == [], what


def test_a_live_writers_lock_is_respected_and_a_stopped_writer_killed_later_is_cleared(archive, tmp_path, capsys):
    ix = tmp_path / "ix"
    shutil.copytree(archive["base"], ix)
    args = [str(archive["root"] / "first"), "--index-dir", str(ix), "--rebuild"]
    child = _spawn(args)
    try:
        lock = ix / store.LOCK
        deadline = time.monotonic() + WAIT_LIMIT
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            assert child.poll() is None, child.stderr.read()
            time.sleep(0.002)
        child.send_signal(signal.SIGSTOP)  # a writer that holds the lock and is alive, for certain
        assert main(["index", *args]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: ") and f"pid {child.pid}" in err[0], err
        assert "wait for it to finish" in err[0]
        assert replies(ix) == archive["before"]  # searching meanwhile is unaffected
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(WAIT_LIMIT)
        child.stdout.close()
        child.stderr.close()
    assert main(["index", *args]) == 0  # the dead writer's lock is cleared
    assert replies(ix) == archive["before"] and not (ix / store.LOCK).exists()


def test_a_generation_orphaned_by_a_killed_swap_is_retired_then_removed(archive, tmp_path, monkeypatch):
    """Killed between swapping the pointer and retiring the old generation (or between marking a
    new one complete and swapping it in), a complete generation is neither live nor retired: the
    next writer retires it, and it goes after the grace time searchers get."""
    ix = tmp_path / "ix"
    shutil.copytree(archive["base"], ix)
    orphan = store.live_generation(ix)
    newer = ix / "gen-000009"
    shutil.copytree(orphan, newer)
    (ix / store.POINTER).write_text(newer.name + "\n")  # swapped, then killed before retiring
    first = str(archive["root"] / "first")
    assert main(["index", first, "--index-dir", str(ix)]) == 0
    assert (orphan / store.RETIRED).exists() and replies(ix) == archive["before"]
    monkeypatch.setattr(store, "RETIRED_KEEP_SECONDS", 0.0)
    assert main(["index", first, "--index-dir", str(ix)]) == 0
    assert sorted(p.name for p in ix.glob("gen-*")) == [newer.name]
