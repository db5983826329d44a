"""The search service over a real Whoosh index of our own small bulletins (tests/samples.py):
the query language, Ctrl+F parity and facet counts checked by brute force, paging, sorting,
filters, snippets, and that no query string ever raises."""
from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.analysis import compact
from indexer.search.errors import BadParameter
from indexer.search.indexing import index_paths
from indexer.search.params import MAX_QUERY_CHARS
from indexer.search.service import open_service
from tests.oracle import expected_matches, haystack
from tests.samples import parse_sample, sample_bulletins, write_samples

pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine


@pytest.fixture(scope="module")
def built(tmp_path_factory, search_engine):
    root = tmp_path_factory.mktemp("search")
    write_samples(root / "docs")
    index_paths([str(root / "docs")], root / "index", parse=parse_sample)
    return root


@pytest.fixture(scope="module")
def service(built):
    return open_service(built / "index")


SECTIONS = [(b, s) for b in sample_bulletins() for s in b.sections]


def brute_matches(words: list[str]) -> set[str]:
    return expected_matches([s for _b, s in SECTIONS], words)


def ids(service, *pairs, **kw):
    return [h["section_id"] for h in service.export_hits(list(pairs), **kw)]


@pytest.mark.parametrize("q", ["上门", "服务", "窗口", "上门服务", "企业资质", "房地产开发企业资质",
                               "第5期", "app", "5", "厅", "办理 窗口", "一网通办", "满意率100%"])
def test_ctrl_f_parity_every_section_holding_each_word_matches(service, q):
    words = q.split()
    expected = {s.id for _b, s in SECTIONS if all(compact(w) in haystack(s) for w in words)}
    assert expected <= set(ids(service, ("q", q)))
    assert set(ids(service, ("q", q))) == brute_matches(words)


@pytest.mark.parametrize("pairs", [
    [("q", "上门")], [("q", "服务")], [("q", "窗口")], [("q", "")], [("q", "上门"), ("department", "应急厅")],
    [("q", "窗口"), ("year", "2022"), ("type", "营商环境")], [("q", "应急厅")], [("q", "服务"), ("kind", "周报")],
])
def test_facet_counts_equal_brute_force_over_the_sections(service, pairs):
    reply = service.search_params(pairs)
    q = dict(pairs).get("q", "")
    words = q.split()
    matched = brute_matches(words) if words else {s.id for _b, s in SECTIONS}
    chosen = {name: [v for n, v in pairs if n == name] for name in ("department", "year", "type", "kind")}
    from indexer.parsing.departments import canonical_department
    chosen["department"] = [canonical_department(v) or v for v in chosen["department"]]

    def values(b, s, facet):
        return {"department": s.departments, "year": [str(b.issue.year)], "type": [s.type],
                "kind": [b.issue.kind]}[facet]

    def passes(b, s, skip):
        return all(not vals or set(vals) & set(values(b, s, f))
                   for f, vals in chosen.items() if f != skip)

    for facet in ("department", "year", "type", "kind"):
        want = {}
        for b, s in SECTIONS:
            if s.id in matched and passes(b, s, facet):
                for v in values(b, s, facet):
                    want[v] = want.get(v, 0) + 1
        got = {v["value"]: v["count"] for v in reply["facets"][facet] if v["count"]}
        assert got == want, facet
    total = sum(1 for b, s in SECTIONS if s.id in matched and passes(b, s, None))
    assert reply["total"] == total


def test_phrase_matches_only_the_contiguous_form(service):
    assert set(ids(service, ("q", '"上门服务"'))) == {"2022-w40-s3", "2023-w12-s2"}


def test_a_word_with_its_segments_apart_matches_but_ranks_after_contiguous_ones(service):
    got = ids(service, ("q", "上门服务"))
    assert set(got) == {"2022-w40-s2", "2022-w40-s3", "2023-w12-s2"}
    assert got[-1] == "2022-w40-s2"  # 上门辅导服务: apart, last


def test_department_alias_expands_to_every_form_and_the_facet(service):
    assert set(ids(service, ("q", "住建厅"))) == {"2022-w40-s4", "2025-m11-s2"}
    got = set(ids(service, ("q", "应急厅")))
    assert got == {"2022-w40-s2", "2023-w12-s2", "2025-m11-s2"}


def test_excluding_a_department_drops_all_its_sections(service):
    got = ids(service, ("q", "上门 -应急厅"))
    assert got == ["2022-w40-s3"]


def test_department_filter_takes_any_written_form(service):
    assert set(ids(service, ("q", "上门"), ("department", "应急厅"))) == {"2022-w40-s2", "2023-w12-s2"}


def test_or_takes_either(service):
    assert set(ids(service, ("q", "巡查 OR 套餐"))) == {"2023-w12-s1", "2023-w12-s3"}


def test_snippet_marks_every_form_escaped_and_points_at_the_best_paragraph(service):
    reply = service.search_params([("q", "应急厅 上门服务")])
    hit = next(h for h in reply["hits"] if h["section_id"] == "2022-w40-s2")
    assert hit["url"] == "/issues/2022-w40#2022-w40-s2-p2" and hit["page"] == 3
    assert "<mark>上门</mark>辅导<mark>服务</mark>" in hit["snippet"]
    assert hit["source_url"] == "/issues/2022-w40/source#page=3"
    first = reply["hits"][0]
    assert "<mark>省应急管理厅</mark>" in first["snippet"]
    text = re.sub(r"</?mark>", "", hit["snippet"])
    assert html.unescape(text).strip("…") in " ".join(p.text for p in
                                                     dict((s.id, s) for _b, s in SECTIONS)["2022-w40-s2"].paragraphs)


def test_reply_has_the_contract_shape(service):
    reply = service.search_params([("q", "窗口"), ("per_page", "2")])
    assert set(reply) >= {"query", "total", "page", "per_page", "took_ms", "facets", "hits", "segments"}
    assert set(reply["facets"]) == {"department", "year", "type", "kind"}
    assert set(reply["hits"][0]) >= {"section_id", "issue_id", "issue_title", "published", "kind", "heading",
                                     "type", "departments", "snippet", "url", "page", "source_url", "score"}
    assert len(reply["hits"]) == 2


def test_paging_walks_every_hit_once_in_order(service):
    everything = ids(service, ("q", "窗口"))
    paged = []
    last = -(-len(everything) // 2)
    for page in range(1, last + 1):
        paged += [h["section_id"] for h in service.search_params(
            [("q", "窗口"), ("per_page", "2"), ("page", str(page))])["hits"]]
    assert paged == everything
    # past the last page: an error that says which page is the last (nothing found: page 1 is)
    from indexer.search.errors import PageOutOfRange

    with pytest.raises(PageOutOfRange) as past:
        service.search_params([("q", "窗口"), ("per_page", "2"), ("page", str(last + 1))])
    assert past.value.last_page == last and str(past.value) == f"page: {last + 1} is past the last page ({last})"
    assert service.search_params([("q", "琵琶湖"), ("page", "3")])["hits"] == []


def test_empty_query_browses_newest_first_with_filters(service):
    reply = service.search_params([("year", "2023")])
    assert [h["section_id"] for h in reply["hits"]] == ["2023-w12-s1", "2023-w12-s2", "2023-w12-s3"]
    newest = ids(service)
    assert newest[0] == "2025-m11-s1" and newest[-1] == "2022-w40-s4"
    assert ids(service, ("sort", "oldest"))[0] == "2022-w40-s1"


def test_date_range_filters_on_publication(service):
    got = ids(service, ("from", "2023-01-01"), ("to", "2023-12-31"))
    assert {g.split("-s")[0] for g in got} == {"2023-w12"}


def test_segments_tell_how_the_query_was_read(service):
    reply = service.search_params([("q", "上门服务 -应急厅")])
    assert reply["segments"][0]["segments"] == ["上门", "服务"]
    assert reply["segments"][1]["excluded"] and reply["segments"][1]["department"] == "应急管理厅"


def test_issue_source_and_stats(service, built):
    assert service.stats() == {"issues": 3, "sections": 9}
    issue = service.issue("2022-w40")
    assert issue["issue"]["id"] == "2022-w40" and len(issue["sections"]) == 4
    assert service.source_file("2022-w40") == str((built / "docs" / "2022-w40.pdf").resolve())
    assert service.issue("../../etc/passwd") is None and service.source_file("nope") is None


@pytest.mark.parametrize("pairs", [[("year", "20x")], [("page", "0")], [("per_page", "500")]])
def test_bad_parameter_is_the_only_error(service, pairs):
    with pytest.raises(BadParameter):
        service.search_params(pairs)


QUERY_ALPHABET = list('上门服务应急厅窗口企业资质 "“”-*:~()[]{}^!?\\/+&|ＡＢ１２5a年') + ["OR", "AND", " OR ", " -"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(QUERY_ALPHABET) | st.text(max_size=4), max_size=40).map("".join))
def test_no_query_string_ever_raises(service, q):
    reply = service.search_params([("q", q)])
    assert reply["total"] >= len(reply["hits"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=150, max_size=6000))
def test_long_queries_are_answered_up_to_the_limit_and_refused_past_it(service, q):
    if len(q.strip()) <= MAX_QUERY_CHARS:
        service.search_params([("q", q)])
    else:
        with pytest.raises(BadParameter) as refused:
            service.search_params([("q", q)])
        assert refused.value.name == "q" and "too long" in str(refused.value)


def test_one_service_answers_many_threads_alike(service):
    from concurrent.futures import ThreadPoolExecutor
    queries = ["上门", "窗口", "应急厅 上门服务", '"上门服务"', "", "服务 -水利厅"] * 5
    alone = [service.search_params([("q", q)])["hits"] for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: service.search_params([("q", q)])["hits"], queries))
    strip = lambda hits: [{k: v for k, v in h.items() if k != "score"} for h in hits]  # noqa: E731
    assert [strip(h) for h in together] == [strip(h) for h in alone]
