"""A rebuild in another process while this one searches: never an error, never an empty result."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.search import service as service_module
from indexer.search.indexing import index_paths
from indexer.search.service import open_service
from tests.test_index_samples import parse_sample, write_samples

REPO = Path(__file__).resolve().parent.parent
REBUILDER = """
import sys
from indexer.search.indexing import index_paths
from tests.test_index_samples import parse_sample
for _ in range(int(sys.argv[3])):
    index_paths([sys.argv[1]], sys.argv[2], rebuild=True, parse=parse_sample)
"""


@pytest.mark.slow
def test_searches_keep_answering_while_another_process_rebuilds(tmp_path, monkeypatch):
    write_samples(tmp_path / "docs")
    index_paths([str(tmp_path / "docs")], tmp_path / "ix", parse=parse_sample)
    monkeypatch.setattr(service_module, "RECHECK_SECONDS", 0.0)  # notice every swap at once
    service = open_service(tmp_path / "ix")
    expected = service.search_params([("q", "上门 OR 窗口")])["total"]
    assert expected > 3
    child = subprocess.Popen([sys.executable, "-c", REBUILDER, str(tmp_path / "docs"),
                              str(tmp_path / "ix"), "4"], cwd=REPO)
    generations, searches = set(), 0
    try:
        deadline = time.monotonic() + 120
        while child.poll() is None and time.monotonic() < deadline:
            reply = service.search_params([("q", "上门 OR 窗口"), ("per_page", "3")])
            assert reply["total"] == expected and len(reply["hits"]) == 3 and "notice" not in reply
            generations.add(service.refresh().gen.name)
            searches += 1
    finally:
        if child.poll() is None:
            child.kill()
    assert child.wait() == 0
    service.refresh(force=True)
    generations.add(service.refresh().gen.name)
    assert searches > 10 and len(generations) >= 2
