"""`bulletin-search index` and `search` as a clerk runs them: exit codes, summaries, refusals, JSON."""
from __future__ import annotations

import json
import shutil

import pytest

from indexer.cli import main
from indexer.parsing import ocr

from .conftest import SAMPLE_NAMES, needs_corpus

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def archive(tmp_path_factory, corpus_dir):
    folder = tmp_path_factory.mktemp("archive")
    for name in SAMPLE_NAMES:
        shutil.copy(corpus_dir / f"{name}.pdf", folder / f"{name}.pdf")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, archive):
    target = tmp_path_factory.mktemp("index") / "idx"
    assert main(["index", str(archive), "--index-dir", str(target)]) == 0
    return target


def test_index_twice_adds_nothing(archive, index_dir, capsys):
    capsys.readouterr()
    assert main(["index", str(archive), "--index-dir", str(index_dir)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "0 new" in summary and "3 unchanged" in summary


def test_bad_files_beside_good_ones(tmp_path, corpus_dir, capsys):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(corpus_dir / "002_791b0b33f42eefcb.pdf", folder / "good.pdf")
    for name in ("truncated.pdf", "scanned.pdf", "empty.txt"):
        shutil.copy(corpus_dir / "bad" / name, folder / name)
    target = tmp_path / "idx"
    assert main(["index", str(folder), "--index-dir", str(target)]) == 1
    captured = capsys.readouterr()
    refusals = [line for line in captured.err.splitlines() if line.startswith("refused:")]
    # scanned.pdf is a scan of good.pdf's issue: read by OCR where Tesseract is installed (and then
    # the copy of an issue another file holds), else refused with the install hint.
    assert len(refusals) == (2 if ocr.available() else 3) and all(str(folder) in line for line in refusals)
    assert "Traceback" not in captured.err
    assert main(["search", "三码一测", "--index-dir", str(target), "--format", "json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["total"] == 1 and reply["hits"][0]["issue_id"] == "2022-w14"


def test_missing_path_is_refused_and_the_rest_indexed(tmp_path, archive, capsys):
    target = tmp_path / "idx"
    assert main(["index", str(tmp_path / "nowhere"), str(archive), "--index-dir", str(target)]) == 1
    err = capsys.readouterr().err
    assert "nowhere" in err and "no such file" in err


def test_search_json_is_the_api_reply(index_dir, capsys):
    from indexer.search.service import open_service, public_reply

    assert main(["search", "应急厅", "上门服务", "--index-dir", str(index_dir), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = public_reply(open_service(str(index_dir)).search_params([("q", "应急厅 上门服务")]))
    printed.pop("took_ms"), expected.pop("took_ms")
    assert printed == expected
    assert printed["hits"][0]["url"].startswith("/issues/2022-w40#")
    assert set(printed) == {"query", "total", "page", "per_page", "did_you_mean", "facets", "hits"}
    assert all(set(item) == {"value", "count"} for items in printed["facets"].values() for item in items)


def test_search_text_output_and_filters(index_dir, capsys):
    assert main(["search", "上门", "--department", "应急厅", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "2022-w40" in out and "【上门】" in out


def test_search_bad_parameter_exits_2(index_dir, capsys):
    assert main(["search", "窗口", "--year", "20x2", "--index-dir", str(index_dir)]) == 2
    assert "year" in capsys.readouterr().err
    assert main(["search", "窗口", "--page", "0", "--index-dir", str(index_dir)]) == 2


def test_an_excluded_word_is_a_query_word_not_an_unknown_option(index_dir, capsys):
    def total(*args):
        capsys.readouterr()
        assert main(["search", *args, "--index-dir", str(index_dir), "--format", "json"]) == 0
        return json.loads(capsys.readouterr().out)

    with_exclusion = total("上门服务", "-应急厅")
    assert with_exclusion["query"] == "上门服务 -应急厅"
    assert with_exclusion["total"] == total("上门服务 -应急厅")["total"] < total("上门服务")["total"]
    assert all("应急管理厅" not in hit["departments"] for hit in with_exclusion["hits"])
    with pytest.raises(SystemExit) as usage:  # a mistyped option is still a usage error
        main(["search", "上门服务", "-x", "--index-dir", str(index_dir)])
    assert usage.value.code == 2


def test_a_query_longer_than_the_api_accepts_is_refused_alike(index_dir, capsys):
    capsys.readouterr()
    assert main(["search", "窗口" * 101, "--index-dir", str(index_dir)]) == 2
    assert capsys.readouterr().err.strip() == "error: q: too long (202 characters, at most 200)"
