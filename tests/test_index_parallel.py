"""Parsing and analysing in worker processes builds the same index as doing it all in one."""
from __future__ import annotations

import shutil

import pytest

from indexer.demo.archive import write_demo_archive
from indexer.search.indexing import index_paths
from indexer.search.service import open_service, public_reply

pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine

QUERIES = [[("q", "上门服务")], [("q", "应急厅 培训")], [("q", "窗口"), ("sort", "oldest")],
           [("q", ""), ("kind", "月报")], [("q", "企业资质")]]


def answers(index_dir):
    service = open_service(index_dir)
    out = [service.stats()]
    for params in QUERIES:
        reply = public_reply(service.search_params(params + [("per_page", "100")]))
        reply.pop("took_ms")
        out.append(reply)
    return out


def test_workers_build_the_same_index_as_one_process(tmp_path):
    archive = tmp_path / "archive"
    write_demo_archive(str(archive), issues=12, seed=7, formats=("txt",))
    (archive / "broken.txt").write_text("not a bulletin", encoding="utf-8")
    alone = index_paths([str(archive)], tmp_path / "alone", workers=0)
    pooled = index_paths([str(archive)], tmp_path / "pooled", workers=2)
    assert (alone.new, alone.sections, len(alone.refused)) == (pooled.new, pooled.sections,
                                                                len(pooled.refused))
    assert [r.reason for r in alone.refused] == [r.reason for r in pooled.refused]
    assert answers(tmp_path / "alone") == answers(tmp_path / "pooled")
    # a second run with workers finds every indexed file unchanged (the refused one is re-read)
    again = index_paths([str(archive)], tmp_path / "pooled", workers=2)
    assert (again.new, again.unchanged) == (0, pooled.new)
    shutil.rmtree(tmp_path / "alone")
