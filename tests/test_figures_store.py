"""The 办件 figures in the index: stored with each generation (rebuilt and swapped with it,
incremental like the rest), read back by ``bulletin-search stats`` and ``/api/stats`` alike."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from indexer.cli import main
from indexer.search import figures_store, store
from indexer.search.indexing import index_paths
from tests.conftest import SAMPLE_NAMES

W40, W14, M11 = SAMPLE_NAMES  # 2022-w40, 2022-w14, 2025-m11


def _stats(capsys, index_dir, *args) -> tuple[int, str, str]:
    code = main(["stats", "--index-dir", str(index_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def corpus_index(corpus_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures-index")
    index_paths([str(corpus_dir / f"{name}.pdf") for name in SAMPLE_NAMES], str(folder), workers=0)
    return folder


def test_cli_json_gives_every_figure_of_the_index(corpus_index, capsys):
    code, out, err = _stats(capsys, corpus_index, "--format", "json")
    assert code == 0 and err == ""
    reply = json.loads(out)
    assert list(reply) == ["figures"]
    figures = reply["figures"]
    assert len(figures) == 6 + 6 + 8
    assert {tuple(f) for f in figures} == {("issue_id", "section_id", "paragraph_id", "page", "scope", "from",
                                            "to", "subject", "measure", "value", "unit", "text", "derived")}
    # oldest period first; w14 and w40 are not consecutive, so nothing is derived
    assert [f["issue_id"] for f in figures] == ["2022-w14"] * 6 + ["2022-w40"] * 6 + ["2025-m11"] * 8
    assert not any(f["derived"] for f in figures)
    first = figures[0]
    assert (first["subject"], first["measure"], first["value"], first["unit"], first["page"]) == \
        ("行政许可事项", "受理", 369861, "件", 1)


def test_cli_filters(corpus_index, capsys):
    code, out, _ = _stats(capsys, corpus_index, "--subject", "行政许可事项", "--measure", "办结",
                          "--format", "json")
    assert code == 0
    assert [(f["issue_id"], f["value"]) for f in json.loads(out)["figures"]] == [
        ("2022-w14", 369148), ("2022-w40", 724052)]
    code, out, _ = _stats(capsys, corpus_index, "--from", "2022-06-01", "--to", "2022-12-31", "--format", "json")
    assert {f["issue_id"] for f in json.loads(out)["figures"]} == {"2022-w40"}
    code, out, _ = _stats(capsys, corpus_index, "--subject", "电话咨询")
    assert code == 0 and "2025-m11" in out and "电话咨询 咨询 1055人次" in out


def test_cli_csv(corpus_index, capsys):
    code, out, _ = _stats(capsys, corpus_index, "--subject", "综合窗口", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["issue_id", "section_id", "paragraph_id", "page", "scope", "from", "to", "subject",
                       "measure", "value", "unit", "text", "derived"]
    assert [(r[8], r[9], r[11]) for r in rows[1:]] == [("受理", "2100", "综合窗口受理政务服务事项0.21万件"),
                                                      ("出件", "3600", "窗口出件量0.36万件")]


@pytest.mark.parametrize("args, named", [(("--from", "2022-02-30"), "--from"), (("--to", "soon"), "--to"),
                                          (("--from", "2023-01-01", "--to", "2022-01-01"), "--from")])
def test_cli_bad_dates_are_one_line(corpus_index, capsys, args, named):
    code, out, err = _stats(capsys, corpus_index, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {named.lstrip('-')}:")


def test_api_gives_what_the_cli_prints(corpus_index, capsys):
    from webapp import create_app

    client = create_app({"INDEX_DIR": str(corpus_index), "TESTING": True}).test_client()
    for query, args in ((("subject", "行政许可事项"), ("measure", "受理")), ("--subject", "行政许可事项", "--measure", "受理")), \
                       ((), ()), ((("kind", "月报"),), ("--kind", "月报")):
        reply = client.get("/api/stats", query_string=list(query))
        assert reply.status_code == 200
        code, out, _ = _stats(capsys, corpus_index, "--format", "json", *args)
        assert reply.get_json() == json.loads(out)
    bad = client.get("/api/stats?from=2022-13-01")
    assert bad.status_code == 400 and "from" in bad.get_json()["error"]
    assert client.get("/api/stats?kind=年报").status_code == 400
    csv_reply = client.get("/stats.csv?subject=电话咨询")
    assert csv_reply.status_code == 200 and csv_reply.mimetype == "text/csv"
    text = csv_reply.data.decode("utf-8-sig")
    assert "为办事企业群众提供电话咨询1055人/次" in text and text.count("\r\n") == 2


def test_no_index_is_an_empty_answer_and_a_warning(tmp_path, capsys):
    code, out, err = _stats(capsys, tmp_path / "none", "--format", "json")
    assert code == 0 and json.loads(out) == {"figures": []}
    assert "no index" in err


def test_figures_follow_incremental_runs_rebuilds_and_prunes(corpus_dir, tmp_path, capsys):
    archive = tmp_path / "archive"
    archive.mkdir()
    index_dir = tmp_path / "index"
    shutil.copy(corpus_dir / f"{W40}.pdf", archive)
    index_paths([str(archive)], str(index_dir), workers=0)

    def issues():
        _, out, _ = _stats(capsys, index_dir, "--format", "json")
        return sorted({f["issue_id"] for f in json.loads(out)["figures"]})

    gen = store.live_generation(index_dir)
    assert issues() == ["2022-w40"]
    shutil.copy(corpus_dir / f"{M11}.pdf", archive)
    index_paths([str(archive)], str(index_dir), workers=0)  # incremental: the same generation
    assert store.live_generation(index_dir) == gen and issues() == ["2022-w40", "2025-m11"]
    # a changed file replaces its issue's figures: the .txt of 002 rewritten with other numbers
    text = (corpus_dir / f"{W14}.txt").read_text(encoding="utf-8")
    assert "受理369861件" in text
    (archive / "w14.txt").write_text(text, encoding="utf-8")
    index_paths([str(archive)], str(index_dir), workers=0)
    (archive / "w14.txt").write_text(text.replace("受理369861件", "受理369999件"), encoding="utf-8")
    index_paths([str(archive)], str(index_dir), workers=0)
    _, out, _ = _stats(capsys, index_dir, "--subject", "行政许可事项", "--measure", "受理", "--format", "json")
    assert [(f["issue_id"], f["value"], f["page"]) for f in json.loads(out)["figures"]] == [
        ("2022-w14", 369999, None), ("2022-w40", 732976, 1)]
    # a rebuild writes the figures into the new generation, swapped in with the rest
    index_paths([str(archive)], str(index_dir), rebuild=True, workers=0)
    new_gen = store.live_generation(index_dir)
    assert new_gen != gen and figures_store.path_in(new_gen).is_file()
    assert issues() == ["2022-w14", "2022-w40", "2025-m11"]
    (archive / "w14.txt").unlink()
    index_paths([str(archive)], str(index_dir), prune=True, workers=0)
    assert issues() == ["2022-w40", "2025-m11"]


def _ytd(issue_id, to, value):
    return {"issue_id": issue_id, "section_id": f"{issue_id}-1", "paragraph_id": f"{issue_id}-1-p1", "page": 1,
            "scope": "今年以来", "from": "2023-01-01", "to": to, "subject": "行政许可事项", "measure": "受理",
            "value": value, "unit": "件", "text": f"受理{value}件", "derived": False}


def _issue(number, published):
    return {"id": f"2023-w{number}", "kind": "周报", "year": 2023, "number": number, "published": published}


def test_derived_values_follow_each_commit(tmp_path):
    """Per-period values are recomputed at every commit: an issue filling a gap makes two weeks'."""
    writer = figures_store.FiguresWriter(tmp_path)
    writer.put_issue(_issue(5, "2023-02-15"), [_ytd("2023-w5", "2023-02-10", 53316)])
    writer.put_issue(_issue(7, "2023-03-01"), [_ytd("2023-w7", "2023-02-24", 70000)])
    writer.commit()
    assert figures_store.query_figures(tmp_path, scope="本周") == []
    writer = figures_store.FiguresWriter(tmp_path)
    writer.put_issue(_issue(6, "2023-02-22"), [_ytd("2023-w6", "2023-02-17", 60000)])
    writer.commit()
    weeks = figures_store.query_figures(tmp_path, scope="本周")
    assert [(f["issue_id"], f["from"], f["to"], f["value"], f["derived"]) for f in weeks] == [
        ("2023-w6", "2023-02-11", "2023-02-17", 6684, True), ("2023-w7", "2023-02-18", "2023-02-24", 10000, True)]
    assert weeks[0]["paragraph_id"] == "2023-w6-1-p1"  # a derived point still opens its paragraph
    writer = figures_store.FiguresWriter(tmp_path)
    writer.put_issue(_issue(9, "2023-03-15"), [])
    writer.cancel()  # a cancelled run changes nothing
    assert len(figures_store.query_figures(tmp_path)) == 5
    # /api/stats's JSON, made by SQLite, is the same records in the same order
    assert json.loads(figures_store.query_figures_json(tmp_path)) == figures_store.query_figures(tmp_path)
    assert json.loads(figures_store.query_figures_json(tmp_path, scope="本周", date_from="2023-02-20")) == \
        figures_store.query_figures(tmp_path, scope="本周", date_from="2023-02-20") != []
