"""The bulletin view and the search must tell the same story: an indexing run that does not
complete (Ctrl+C, an error, kill -9) must leave the stored bulletins as the index has them."""
from __future__ import annotations

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search import store
from indexer.search.indexing import index_paths
from indexer.search.service import open_service

NEW_WORDS = "金丝猴巡查试点"


def _interrupting_parser(stop_at: str):
    from indexer.parsing.parser import parse_file

    def parse(path: str):
        if path.endswith(stop_at):
            raise KeyboardInterrupt
        return parse_file(path)

    return parse


def test_an_interrupted_incremental_run_leaves_the_bulletin_view_as_the_index_has_it(tmp_path):
    docs = tmp_path / "docs"
    write_demo_archive(docs, issues=3, seed=909, formats=("txt",))
    index_paths([str(docs)], tmp_path / "ix")
    service = open_service(tmp_path / "ix")
    changed = sorted(docs.iterdir())[0]
    issue_id = next(h["issue_id"] for h in service.export_hits([("q", "")])
                    if service.source_file(h["issue_id"]) == str(changed.resolve()))
    text = changed.read_text(encoding="utf-8")
    line = max(text.splitlines(), key=len)
    changed.write_text(text.replace(line, line + NEW_WORDS), encoding="utf-8")
    (docs / "zzzz_last.txt").write_text(text, encoding="utf-8")  # met after the changed file

    with pytest.raises(KeyboardInterrupt):
        index_paths([str(docs)], tmp_path / "ix", parse=_interrupting_parser("zzzz_last.txt"))

    service = open_service(tmp_path / "ix")
    assert service.search_params([("q", NEW_WORDS)])["total"] == 0  # the index was left alone
    view = service.issue(issue_id)
    assert not any(NEW_WORDS in p["text"] for s in view["sections"] for p in s["paragraphs"])


def test_bulletins_staged_by_a_killed_run_are_never_shown(tmp_path):
    """kill -9 before the commit leaves the staged bulletins behind (no cancel() runs): the next
    run clears them rather than publishing text the index never had."""
    docs = tmp_path / "docs"
    write_demo_archive(docs, issues=2, seed=910, formats=("txt",))
    index_paths([str(docs)], tmp_path / "ix")
    gen = store.live_generation(tmp_path / "ix")
    victim = sorted((gen / store.BULLETINS).iterdir())[0]
    staged = gen / store.STAGED
    staged.mkdir()
    (staged / victim.name).write_text(victim.read_text(encoding="utf-8").replace(
        "窗口", NEW_WORDS), encoding="utf-8")
    (docs / "new.txt").write_text(sorted(docs.iterdir())[0].read_text(encoding="utf-8")
                                  .replace("第", "第9", 1), encoding="utf-8")

    index_paths([str(docs)], tmp_path / "ix")

    service = open_service(tmp_path / "ix")
    view = service.issue(victim.stem)
    assert not any(NEW_WORDS in p["text"] for s in view["sections"] for p in s["paragraphs"])
    assert not staged.exists()
