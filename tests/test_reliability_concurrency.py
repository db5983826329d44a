"""Searches from several threads through one web app (one shared service, as the production server
runs it) while another process rebuilds the index and then adds to it in place: every answer is a
200 that equals, but for took_ms, the answer of one of the index states the writer goes through;
never an error, never an empty answer; and the last state is served without a restart."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.demo.archive import write_demo_archive

REPO = Path(__file__).resolve().parent.parent
THREADS = 4
MAX_REQUESTS_PER_THREAD = 3000
TIME_LIMIT = 90.0  # seconds, for the whole writer script; the searchers stop when it ends
URLS = [
    "/api/search?q=窗口",
    "/api/search?q=上门服务&per_page=5",
    "/api/search?q=水利厅+OR+商务厅&sort=newest",
    "/api/search?q=&kind=周报&page=2&per_page=7",
]
WRITER = """
import sys
from indexer.cli import main
first, more, extra, ix = sys.argv[1:5]
assert main(["index", first, more, "--index-dir", ix, "--rebuild"]) == 0
assert main(["index", first, more, extra, "--index-dir", ix]) == 0
"""


def _reply(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    reply = response.get_json()
    reply.pop("took_ms")
    return reply


def _state(index_dir: Path) -> dict[str, dict]:
    from webapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    return {url: _reply(client, url) for url in URLS}


pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine


@pytest.fixture(scope="module")
def folders(tmp_path_factory, search_engine):
    root = tmp_path_factory.mktemp("concurrency")
    write_demo_archive(root / "all", issues=14, seed=303, formats=("txt",))
    for name in ("first", "more", "extra"):
        (root / name).mkdir()
    for number, path in enumerate(sorted((root / "all").iterdir())):
        path.rename(root / ("first" if number < 8 else "more" if number < 12 else "extra") / path.name)
    return root


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_threads_searching_through_a_rebuild_and_an_incremental_run(folders, tmp_path):
    from webapp import create_app

    first, more, extra = (str(folders / n) for n in ("first", "more", "extra"))
    # the three states the writer goes through, built beside it for reference
    ref = tmp_path / "ref"
    assert main(["index", first, "--index-dir", str(ref)]) == 0
    states = [_state(ref)]
    shutil.rmtree(ref)
    assert main(["index", first, more, "--index-dir", str(ref)]) == 0
    states.append(_state(ref))
    assert main(["index", first, more, extra, "--index-dir", str(ref)]) == 0
    states.append(_state(ref))
    for url in URLS:
        assert len({repr(s[url]) for s in states}) == 3, url  # each state tells itself apart
        assert all(s[url]["hits"] for s in states), url

    ix = tmp_path / "ix"
    assert main(["index", first, "--index-dir", str(ix)]) == 0
    app = create_app({"TESTING": True, "INDEX_DIR": str(ix)})
    app.test_client().get("/healthz")  # open the one shared service before the threads start

    stop = threading.Event()
    seen = [[0, 0, 0] for _ in range(THREADS)]  # per thread, answers matching each state
    errors: list = []

    def search(number: int) -> None:
        client = app.test_client()
        try:
            for count in range(MAX_REQUESTS_PER_THREAD):
                if stop.is_set():
                    break
                url = URLS[(number + count) % len(URLS)]
                reply = _reply(client, url)
                matching = [i for i, state in enumerate(states) if state[url] == reply]
                assert matching, (url, reply["total"], [s[url]["total"] for s in states])
                seen[number][matching[0]] += 1
        except BaseException as e:  # reported by the main thread
            errors.append(e)
            stop.set()

    threads = [threading.Thread(target=search, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, first, more, extra, str(ix)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, writer_err = writer.communicate(timeout=TIME_LIMIT)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors[0]
    assert writer.returncode == 0, writer_err
    totals = [sum(column) for column in zip(*seen)]
    assert totals[0] > 0 and sum(totals) > 4 * THREADS, totals
    # the same app, never restarted, now answers from the final state
    client = app.test_client()
    for url in URLS:
        assert _reply(client, url) == states[2][url], url
