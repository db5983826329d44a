"""Issue 3's acceptance on the three public bulletins, indexed from their PDFs (read from
../shared/corpus, never copied here). Expected sets are computed by brute force over the parsed
sections, so the same checks hold for bulletins these tests have never seen."""
from __future__ import annotations

import pytest

from indexer.search.analysis import compact
from indexer.search.indexing import index_paths
from indexer.search.service import open_service
from tests.conftest import SAMPLE_NAMES, needs_corpus
from tests.oracle import expected_matches

pytestmark = [needs_corpus, pytest.mark.usefixtures("search_engine")]  # once per engine


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, corpus_dir, search_engine):
    folder = tmp_path_factory.mktemp("corpus-index")
    paths = [str(corpus_dir / f"{n}.pdf") for n in SAMPLE_NAMES] + [str(corpus_dir / f"{n}.txt") for n in SAMPLE_NAMES]
    report = index_paths(paths, folder)
    assert (report.new, report.duplicates, report.refused) == (3, 3, [])
    return folder


@pytest.fixture(scope="module")
def service(corpus_index):
    return open_service(corpus_index)


@pytest.fixture(scope="module")
def sections(service):
    """(issue dict, section dict) of every indexed section, as the index stored the parse."""
    out = []
    issue_ids = {h["issue_id"] for h in service.export_hits([])}
    for issue_id in sorted(issue_ids):
        bulletin = service.issue(issue_id)
        out += [(bulletin["issue"], s) for s in bulletin["sections"]]
    return out


def brute(sections, words, phrase=False):
    return expected_matches([s for _issue, s in sections], words, phrase)


def hit_ids(service, *pairs):
    return [h["section_id"] for h in service.export_hits(list(pairs))]


def test_pdf_and_txt_of_each_bulletin_are_one_issue_from_the_pdf(service):
    assert service.stats()["issues"] == 3
    for hit in service.export_hits([]):
        assert service.source_file(hit["issue_id"]).endswith(".pdf")


def test_emergency_department_door_to_door_service(service):
    reply = service.search_params([("q", "应急厅 上门服务")])
    first = reply["hits"][0]
    assert "页岩气勘探开发项目经理部" in compact(" ".join(
        p["text"] for p in _section(service, first)["paragraphs"]))
    assert "<mark>应急厅</mark>" in first["snippet"]
    assert "<mark>上门</mark>辅导<mark>服务</mark>" in first["snippet"]
    paragraph = _paragraph(service, first)
    assert "上门辅导服务" in compact(paragraph["text"]) and paragraph["page"] == 2 == first["page"]
    assert first["url"] == f"/issues/{first['issue_id']}#{paragraph['id']}"
    assert first["source_url"] == f"/issues/{first['issue_id']}/source#page=2"


def test_housing_department_alias_finds_the_full_name(service):
    hits = service.export_hits([("q", "住建厅")])
    assert any("省外建设工程企业入川" in compact(" ".join(p["text"] for p in _section(service, h)["paragraphs"]))
               and "住房城乡建设厅" in compact(_section(service, h)["text"]) for h in hits)


PLAIN_QUERIES = ["上门服务", "上门", "企业资质", "房地产开发企业资质", "办件", "窗口 企业", "行政许可",
                 "资质证书", "综合窗口", "满意率", "2022", "5", "厅", "一件事", "政务服务 上门", "入川"]


@pytest.mark.parametrize("q", PLAIN_QUERIES)
def test_ctrl_f_parity(service, sections, q):
    words = q.split()
    substring = {s["id"] for _i, s in sections if all(compact(w) in compact(s["text"]) for w in words)}
    got = set(hit_ids(service, ("q", q)))
    assert substring <= got
    assert got == brute(sections, words)


def test_phrase_is_exact_and_contiguous_matches_rank_first(service, sections):
    exact = set(hit_ids(service, ("q", '"上门服务"')))
    assert exact == brute(sections, ["上门服务"], phrase=True) and exact
    ranked = hit_ids(service, ("q", "上门服务"))
    assert {s["id"] for _i, s in sections if "上门辅导服务" in compact(s["text"])} <= set(ranked)
    assert ranked[:len(exact)] == [i for i in ranked if i in exact]


def test_excluding_and_filtering_a_department(service, sections):
    dept_of = {s["id"]: s["departments"] for _i, s in sections}
    excluded = hit_ids(service, ("q", "上门 -应急厅"))
    assert excluded and not any("应急管理厅" in dept_of[i] for i in excluded)
    only = hit_ids(service, ("q", "上门"), ("department", "应急管理厅"))
    assert only and all("应急管理厅" in dept_of[i] for i in only)


@pytest.mark.parametrize("q", ["上门", "窗口", "服务", "", "应急厅"])
def test_facet_counts_equal_brute_force(service, sections, q):
    matched = brute(sections, q.split()) if q else {s["id"] for _i, s in sections}
    reply = service.search_params([("q", q)])
    assert reply["total"] == len(matched)
    for facet, values_of in {
        "department": lambda i, s: s["departments"], "year": lambda i, s: [str(i["year"])],
        "type": lambda i, s: [s["type"]], "kind": lambda i, s: [i["kind"]],
    }.items():
        want = {}
        for issue, s in sections:
            if s["id"] in matched:
                for v in values_of(issue, s):
                    want[v] = want.get(v, 0) + 1
        assert {v["value"]: v["count"] for v in reply["facets"][facet]} == want, facet


def _section(service, hit):
    return next(s for s in service.issue(hit["issue_id"])["sections"] if s["id"] == hit["section_id"])


def _paragraph(service, hit):
    pid = hit["url"].split("#", 1)[1]
    return next(p for p in _section(service, hit)["paragraphs"] if p["id"] == pid)
