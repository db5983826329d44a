"""A damaged index folder or a file that goes away mid-run: said in one line, nothing deleted,
nothing rebuilt behind the user's back."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.demo.archive import write_demo_archive
from indexer.search import indexing, store
from indexer.search.service import open_service

# Whoosh leaves open the file it failed to read (a cut-short segment); the garbage collector
# closes it. That leak is the library's, and the point of these tests is that we survive it.
WHOOSH_LEAKS_A_FAILED_FILE = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def indexed(tmp_path):
    write_demo_archive(tmp_path / "docs", issues=3, seed=4242, formats=("txt",))
    assert main(["index", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "ix")]) == 0
    return tmp_path


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*") if p.is_file() and p.name != store.LOCK)


@pytest.mark.parametrize("pointer", ["garbage\n", "gen-000009\n", "", "../../etc\n", "\xff\xfe"])
@pytest.mark.parametrize("rebuild", [False, True])
def test_a_damaged_pointer_is_reported_in_one_line_and_nothing_is_changed(indexed, capsys, pointer, rebuild):
    ix = indexed / "ix"
    live = store.live_generation(ix)
    expected = open_service(ix).search_params([("q", "窗口")])
    (ix / store.POINTER).write_bytes(pointer.encode("utf-8", "surrogateescape") if pointer != "\xff\xfe"
                                     else b"\xff\xfe")
    before = _listing(ix)
    capsys.readouterr()
    status = main(["index", str(indexed / "docs"), "--index-dir", str(ix)] + (["--rebuild"] if rebuild else []))
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "nothing was changed" in lines[0], err
    assert live.name in lines[0]  # it names the complete generation to point back at
    assert _listing(ix) == before  # not a file touched, not a generation retired
    # the web keeps running and says why
    reply = open_service(ix).search_params([("q", "窗口")])
    assert reply["total"] == 0 and "pointer" in reply["notice"]
    # repaired as the message says, the same answers as before
    (ix / store.POINTER).write_text(live.name + "\n")
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix)]) == 0
    again = open_service(ix).search_params([("q", "窗口")])
    assert {k: v for k, v in again.items() if k != "took_ms"} == {
        k: v for k, v in expected.items() if k != "took_ms"}


def test_a_file_that_vanishes_mid_run_is_refused_in_one_line_and_the_rest_indexed(indexed, capsys, monkeypatch):
    ghost = str(indexed / "docs" / "0001_gone-before-it-was-read.txt")
    real_collect = indexing._collect

    def collect_and_a_ghost(paths):
        files, odd = real_collect(paths)
        return sorted(files + [ghost]), odd

    monkeypatch.setattr(indexing, "_collect", collect_and_a_ghost)
    status = main(["index", str(indexed / "docs"), "--index-dir", str(indexed / "ix2")])
    out, err = capsys.readouterr()
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refused: ") and ghost in lines[0], err
    assert open_service(indexed / "ix2").stats()["issues"] == 3


@pytest.mark.parametrize("make", ["file", "file-parent"])
def test_an_index_folder_that_cannot_be_used_is_said_in_one_line(tmp_path, capsys, make):
    write_demo_archive(tmp_path / "docs", issues=1, seed=1, formats=("txt",))
    (tmp_path / "taken").write_text("not a folder")
    target = tmp_path / "taken" if make == "file" else tmp_path / "taken" / "ix"
    assert main(["index", str(tmp_path / "docs"), "--index-dir", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "cannot use" in err[0], err
    assert (tmp_path / "taken").read_text() == "not a folder"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_damaged_stored_bulletin_is_a_404_never_a_500(indexed):
    from webapp import create_app

    ix = indexed / "ix"
    gen = store.live_generation(ix)
    victim = sorted((gen / store.BULLETINS).iterdir())[0]
    issue_id = victim.stem
    victim.write_bytes(b'{"issue": {"id"')  # cut short by a full disk
    client = create_app({"TESTING": True, "INDEX_DIR": str(ix)}).test_client()
    assert client.get(f"/issues/{issue_id}").status_code == 404
    assert client.get(f"/issues/{issue_id}/source").status_code == 404
    reply = client.get("/api/search?q=窗口").get_json()
    assert reply["total"] > 0  # searching is unaffected
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix), "--rebuild"]) == 0
    assert client.get(f"/issues/{issue_id}").status_code == 200  # the rebuild wrote it again


@pytest.mark.parametrize("victim", [store.FILES, store.GEN_META])
def test_a_damaged_manifest_or_mark_is_said_in_one_line_and_a_rebuild_recovers(indexed, capsys, victim):
    ix = indexed / "ix"
    gen = store.live_generation(ix)
    (gen / victim).write_bytes(b"\x00\x01 not json")
    before = _listing(ix)
    capsys.readouterr()
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and victim in err[0] and "damaged" in err[0], err
    assert _listing(ix) == before
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix), "--rebuild"]) == 0
    assert open_service(ix).stats()["issues"] == 3
    assert gen.exists() and (gen / store.RETIRED).exists()  # kept for searchers, removed later


def test_a_stale_generation_with_a_damaged_mark_is_left_alone(indexed):
    ix = indexed / "ix"
    odd = ix / "gen-000005"
    odd.mkdir()
    (odd / store.GEN_META).write_bytes(b"{")
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix)]) == 0
    assert odd.exists()


@pytest.mark.parametrize("size", ["empty", "half"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@WHOOSH_LEAKS_A_FAILED_FILE
def test_a_cut_short_segment_file_is_a_notice_never_a_500(indexed, size):
    from webapp import create_app

    ix = indexed / "ix"
    segment = sorted(store.live_generation(ix).glob("*.seg"))[0]
    os.truncate(segment, 0 if size == "empty" else segment.stat().st_size // 2)
    client = create_app({"INDEX_DIR": str(ix)}).test_client()
    for url in ("/api/search?q=窗口", "/?q=窗口"):
        assert client.get(url).status_code == 200, url
    assert "notice" in client.get("/api/search?q=窗口").get_json()
    health = client.get("/healthz")  # a monitor is told, not "ok"
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    assert "cannot read the index" in health.get_json()["problem"]
    page = client.get("/?q=窗口").get_data(as_text=True)
    assert "索引文件暂时无法读取" in page and "--rebuild" in page
    assert "索引里还没有公报" not in page  # the bulletins are there; the index cannot be read


@pytest.mark.parametrize("size", ["empty", "half"])
@WHOOSH_LEAKS_A_FAILED_FILE
def test_an_incremental_run_over_a_cut_short_segment_stops_in_one_line_and_changes_nothing(indexed, capsys, size):
    ix = indexed / "ix"
    segment = sorted(store.live_generation(ix).glob("*.seg"))[0]
    os.truncate(segment, 0 if size == "empty" else segment.stat().st_size // 2)
    changed = sorted((indexed / "docs").iterdir())[0]
    text = changed.read_text(encoding="utf-8")
    line = max(text.splitlines(), key=len)
    changed.write_text(text.replace(line, line + "补充一句"), encoding="utf-8")
    before = _listing(ix)
    capsys.readouterr()
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "--rebuild" in err[0], err
    assert _listing(ix) == before
    assert main(["index", str(indexed / "docs"), "--index-dir", str(ix), "--rebuild"]) == 0
    assert open_service(ix).search_params([("q", "补充一句")])["total"] == 1


def test_searching_where_no_index_was_built_says_so(tmp_path, capsys):
    assert main(["search", "窗口", "--index-dir", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds no bulletins" in err[0] and "bulletin-search index" in err[0], err


@WHOOSH_LEAKS_A_FAILED_FILE
def test_searching_an_index_that_cannot_be_read_is_an_error_not_an_empty_answer(indexed, capsys):
    ix = indexed / "ix"
    segment = sorted(store.live_generation(ix).glob("*.seg"))[0]
    os.truncate(segment, segment.stat().st_size // 2)
    capsys.readouterr()
    assert main(["search", "窗口", "--index-dir", str(ix)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and lines[0].startswith(f"error: {ix}: cannot read the index")
