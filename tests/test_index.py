"""Incremental indexing, the one writer, generations swapped atomically, never deleting an index."""
from __future__ import annotations

import json
import os

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search import engine, store
from indexer.search.backends import ENGINES
from indexer.search.backends import ENV as ENGINE_ENV
from indexer.search.errors import IndexUnreadable
from indexer.search.indexing import index_paths
from indexer.search.service import open_service
from tests.samples import bulletin_to_json, parse_sample, sample_bulletins, write_samples

pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine


def run(folder, index, **kw):
    return index_paths([str(folder)], index, parse=parse_sample, **kw)


def test_indexing_the_same_folder_twice_adds_nothing(tmp_path):
    write_samples(tmp_path / "docs")
    first = run(tmp_path / "docs", tmp_path / "ix")
    assert (first.new, first.replaced, first.unchanged, first.sections) == (3, 0, 0, 9)
    second = run(tmp_path / "docs", tmp_path / "ix")
    assert (second.new, second.replaced, second.unchanged, second.sections) == (0, 0, 3, 0)
    assert second.summary().startswith("indexed 0 new, 0 replaced, 3 unchanged, 0 refused; 0 sections in ")
    assert open_service(tmp_path / "ix").stats() == {"issues": 3, "sections": 9}


def test_a_changed_file_replaces_only_its_sections(tmp_path):
    paths = write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    changed = sample_bulletins()[1]
    changed.sections = changed.sections[:1]
    changed.sections[0].paragraphs[0] = type(changed.sections[0].paragraphs[0])(
        id="2023-w12-s1-p1", text="新增的独特词语金丝猴巡查。", page=1)
    paths[1].write_text(bulletin_to_json(changed), encoding="utf-8")
    report = run(tmp_path / "docs", tmp_path / "ix")
    assert (report.new, report.replaced, report.unchanged, report.sections) == (0, 1, 2, 1)
    service = open_service(tmp_path / "ix")
    assert service.stats() == {"issues": 3, "sections": 7}
    assert [h["section_id"] for h in service.export_hits([("q", "金丝猴")])] == ["2023-w12-s1"]
    assert service.export_hits([("q", "套餐")]) == []  # the old sections are gone


def test_prune_drops_issues_whose_files_are_gone(tmp_path):
    paths = write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    paths[0].unlink()
    kept = run(tmp_path / "docs", tmp_path / "ix")
    assert open_service(tmp_path / "ix").stats()["issues"] == 3 and kept.pruned == 0
    pruned = run(tmp_path / "docs", tmp_path / "ix", prune=True)
    assert pruned.pruned == 1
    service = open_service(tmp_path / "ix")
    assert service.stats() == {"issues": 2, "sections": 5} and service.issue("2022-w40") is None


def test_a_txt_and_a_pdf_of_one_issue_are_one_issue_and_the_pdf_is_its_source(tmp_path):
    write_samples(tmp_path / "a", suffix=".txt")
    write_samples(tmp_path / "b", suffix=".pdf")
    report = index_paths([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "ix", parse=parse_sample)
    assert (report.new, report.duplicates) == (3, 3)
    assert ", 3 copies of an issue another file holds (a .pdf is preferred to a .txt);" in report.summary()
    service = open_service(tmp_path / "ix")
    assert service.stats() == {"issues": 3, "sections": 9}
    assert service.source_file("2022-w40").endswith(os.path.join("b", "2022-w40.pdf"))
    assert service.search_params([("q", "应急厅 上门服务")])["hits"][0]["source_url"].startswith(
        "/issues/2023-w12/source#page=")
    # the txt alone first, the pdf later: the pdf takes over
    write_samples(tmp_path / "c", suffix=".txt")
    index_paths([str(tmp_path / "c")], tmp_path / "ix2", parse=parse_sample)
    later = index_paths([str(tmp_path / "b")], tmp_path / "ix2", parse=parse_sample)
    assert (later.new, later.replaced) == (0, 3)
    assert open_service(tmp_path / "ix2").source_file("2023-w12").endswith(".pdf")


def test_refused_files_are_reported_and_the_rest_indexed(tmp_path):
    write_samples(tmp_path / "docs")
    (tmp_path / "docs" / "junk.txt").write_text("这不是简报", encoding="utf-8")
    refused = []
    report = run(tmp_path / "docs", tmp_path / "ix", on_refused=refused.append)
    assert report.new == 3 and [r.path for r in report.refused] == [str((tmp_path / "docs" / "junk.txt").resolve())]
    assert refused == report.refused and "1 refused" in report.summary()


def test_progress_is_reported_per_file(tmp_path):
    write_samples(tmp_path / "docs")
    calls = []
    run(tmp_path / "docs", tmp_path / "ix", progress=lambda done, total, path, ocr: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_rebuild_writes_a_new_generation_and_swaps_it_in(tmp_path):
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    before = store.live_generation(tmp_path / "ix")
    service = open_service(tmp_path / "ix")
    report = run(tmp_path / "docs", tmp_path / "ix", rebuild=True)
    after = store.live_generation(tmp_path / "ix")
    assert report.new == 3 and report.rebuilt and after != before
    assert before.exists()  # kept for searchers still reading it
    service.refresh(force=True)
    assert service.stats() == {"issues": 3, "sections": 9}
    assert service.search_params([("q", "上门")])["total"] == 3


# Whoosh leaves open the table of contents it failed to read; the garbage collector closes it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_index_that_fails_to_open_is_reported_and_never_deleted(tmp_path):
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    gen = store.live_generation(tmp_path / "ix")
    # each engine's table of contents: Whoosh's _MAIN_<n>.toc, Tantivy's meta.json
    tocs = list(gen.glob("_MAIN_*.toc")) + list(gen.glob("meta.json"))
    assert tocs
    for toc in tocs:
        toc.write_bytes(b"garbage")
    files_before = sorted(p.name for p in gen.iterdir())
    with pytest.raises(IndexUnreadable):
        run(tmp_path / "docs", tmp_path / "ix")
    assert sorted(p.name for p in gen.iterdir()) == files_before
    service = open_service(tmp_path / "ix")  # the web keeps running and says why
    reply = service.search_params([("q", "上门")])
    assert reply["total"] == 0 and "cannot open" in reply["notice"]


def test_a_schema_change_rebuilds_with_every_issue_kept(tmp_path):
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    gen = store.live_generation(tmp_path / "ix")
    meta = json.loads((gen / store.GEN_META).read_text())
    (gen / store.GEN_META).write_text(json.dumps(dict(meta, schema_version=engine.SCHEMA_VERSION - 1)))
    assert "rebuild" in open_service(tmp_path / "ix").search_params([("q", "上门")])["notice"]
    write_samples(tmp_path / "more", bulletins=sample_bulletins()[:1])
    report = run(tmp_path / "more", tmp_path / "ix")
    assert report.rebuilt and store.live_generation(tmp_path / "ix") != gen
    assert open_service(tmp_path / "ix").stats() == {"issues": 3, "sections": 9}


def test_a_failed_rebuild_leaves_the_live_index_alone(tmp_path):
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    live = store.live_generation(tmp_path / "ix")

    def broken(path):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_paths([str(tmp_path / "docs")], tmp_path / "ix", rebuild=True, parse=broken)
    assert store.live_generation(tmp_path / "ix") == live
    assert sorted(p.name for p in (tmp_path / "ix").iterdir() if p.name.startswith("gen-")) == [live.name]
    assert open_service(tmp_path / "ix").stats()["sections"] == 9


def test_a_progress_bar_only_on_a_terminal():
    import io

    from indexer.progress import progress_for_terminal, render_bar
    assert progress_for_terminal(io.StringIO()) is None
    assert render_bar(12, 40, "/x/2022-w40.pdf", width=10) == "[###-------] 12/40 2022-w40.pdf"
    assert render_bar(0, 0) == "[" + "#" * 28 + "] 0/0"
    # scanned issues take seconds a page: the bar says how many pages OCR has read
    assert render_bar(3, 4, "scan.pdf", width=4, ocr_pages=7) == "[###-] 3/4 · 7 pages by OCR scan.pdf"


def test_the_index_records_its_engine_and_the_service_opens_that_one(tmp_path, search_engine):
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    gen = store.live_generation(tmp_path / "ix")
    assert store.generation_meta(gen)["engine"] == search_engine
    service = open_service(tmp_path / "ix")
    assert service.refresh().engine == search_engine
    assert [h["section_id"] for h in service.export_hits([("q", "套餐")])] != []


def test_asking_for_the_other_engine_rebuilds_with_it_and_keeps_every_issue(tmp_path, search_engine,
                                                                            monkeypatch):
    other = next(e for e in ENGINES if e != search_engine)
    write_samples(tmp_path / "docs")
    run(tmp_path / "docs", tmp_path / "ix")
    queries = [[("q", "套餐")], [("q", "")], [("q", "应急厅"), ("sort", "oldest")]]

    def answers():
        service = open_service(tmp_path / "ix")
        return [[(h["section_id"], h["snippet"]) for h in service.export_hits(q)] for q in queries]

    before = answers()
    report = run(tmp_path / "docs", tmp_path / "ix", engine_name=other)
    assert report.rebuilt and report.new == 3
    assert store.generation_meta(store.live_generation(tmp_path / "ix"))["engine"] == other
    assert answers() == before
    # asked for nothing, a later run keeps the engine the index has
    monkeypatch.delenv(ENGINE_ENV)
    again = run(tmp_path / "docs", tmp_path / "ix")
    assert (again.rebuilt, again.unchanged) == (False, 3)
    assert store.generation_meta(store.live_generation(tmp_path / "ix"))["engine"] == other


def test_the_engine_option_of_the_command_line(tmp_path, search_engine, capsys):
    from indexer.cli import main

    write_demo_archive(tmp_path / "docs", issues=3, seed=5, formats=("txt",))
    assert main(["index", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "ix"),
                 "--engine", search_engine]) == 0
    assert store.generation_meta(store.live_generation(tmp_path / "ix"))["engine"] == search_engine
    with pytest.raises(SystemExit) as stop:
        main(["index", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "ix"), "--engine", "lucene"])
    assert stop.value.code == 2 and "lucene" in capsys.readouterr().err
