"""Issue 17, item 1: one commit point. An index run changes the index, the stored bulletins, the
manifest and the staged bulletins; a real kill -9 at each step after the engine's commit
($BULLETIN_KILL_AT, store.crash_point) must leave readers the archive before the run or after
it, never between: the issues searched, the issues listed and the issues whose page opens are
one and the same set, and the next run finishes the job."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search.indexing import index_paths
from indexer.search.service import open_service

REPO = Path(__file__).resolve().parent.parent
HANG_LIMIT = 120
# every step of a run's commit, in order (indexing._Run.commit, store.publish_staged)
PRUNE_STEPS = ["after-engine-commit", "after-index-commit", "deleting-bulletins", "before-manifest",
               "after-manifest"]
ADD_STEPS = ["after-engine-commit", "after-index-commit", "publishing", "before-manifest",
             "after-manifest"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("commit-point")
    write_demo_archive(root, issues=9, seed=71, formats=("txt",))
    return sorted(root.iterdir())


@pytest.fixture
def archive(generated, tmp_path):
    """An index of six issues in ``index``, their files in ``docs``; ``more``: three new
    issues, for an incremental run."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in generated[:6]:
        shutil.copy(path, docs / path.name)
    index = tmp_path / "index"
    assert index_paths([str(docs)], index, workers=0).new == 6
    ids = reader_state(index)
    assert len(ids) == 6
    return {"docs": docs, "index": index, "ids": ids, "more": generated[6:]}


def reader_state(index: Path) -> set[str]:
    """The issues a reader sees, asserted to be the same set every way a reader can look."""
    from webapp import create_app

    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    searched = set()
    for kind in ("周报", "月报"):
        page = 1
        while True:
            reply = client.get("/api/search", query_string={"q": "", "kind": kind, "per_page": "100",
                                                             "page": str(page)}).get_json()
            searched |= {hit["issue_id"] for hit in reply["hits"]}
            if page * 100 >= reply["total"]:
                break
            page += 1
    listed = {issue["id"] for issue in open_service(index).issues()}
    every = listed | searched | {p.stem for p in index.glob("gen-*/bulletins*/*.json")}
    opened = {issue_id for issue_id in every if client.get(f"/issues/{issue_id}").status_code == 200}
    assert searched == listed == opened, (searched, listed, opened)
    assert client.get("/healthz").get_json()["issues"] == len(searched)
    return searched


def run_index(*args: str, kill_at: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "BULLETIN_KILL_AT": kill_at}
    return subprocess.run([sys.executable, "-m", "indexer.cli", "index", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=HANG_LIMIT, env=env)


@pytest.mark.parametrize("step", PRUNE_STEPS)
def test_a_prune_killed_at_any_step_leaves_readers_before_or_after(archive, tmp_path, step):
    """Before: killed while the stored bulletins were being deleted, the search had lost the
    pruned issues while the issue list and their pages still had them."""
    index, docs = archive["index"], archive["docs"]
    gone = sorted(docs.iterdir())[:3]
    pruned = {_issue_of(archive, p) for p in gone}
    for path in gone:
        path.unlink()
    killed = run_index(str(docs), "--index-dir", str(index), "--prune", kill_at=step)
    assert killed.returncode == -9, killed.stderr  # it really died at that step
    after = reader_state(index)
    assert after == archive["ids"] - pruned  # past the commit point
    done = run_index(str(docs), "--index-dir", str(index), "--prune")
    assert done.returncode == 0, done.stderr
    assert reader_state(index) == after
    # nothing of the pruned issues is left on disk for a later reader to trip on
    assert {p.stem for p in index.glob("gen-*/bulletins/*.json")} == after


@pytest.mark.parametrize("step", ADD_STEPS)
def test_an_incremental_run_killed_at_any_step_leaves_readers_before_or_after(archive, tmp_path, step):
    index, docs = archive["index"], archive["docs"]
    for path in archive["more"]:
        shutil.copy(path, docs / path.name)
    killed = run_index(str(docs), "--index-dir", str(index), kill_at=step)
    assert killed.returncode == -9, killed.stderr
    seen = reader_state(index)
    assert seen > archive["ids"] and len(seen) == 9  # past the commit point: all nine
    done = run_index(str(docs), "--index-dir", str(index))
    assert done.returncode == 0, done.stderr
    assert reader_state(index) == seen


def _issue_of(archive, path: Path) -> str:
    import json

    files = json.loads(next(archive["index"].glob("gen-*/files.json")).read_text(encoding="utf-8"))
    return next(rec["issue_id"] for name, rec in files.items() if Path(name).name == path.name)
