"""What a query must not find, and how exactly it finds the rest: department names of national,
city and other provinces' bodies, exact phrases with punctuation, words made of numbers or single
characters, full-width operators, the browse order, and the query-length limit. Over two bulletins
of our own text, parsed by the real parser and indexed in a real Whoosh index."""
from __future__ import annotations

import re

import pytest

from indexer.search.indexing import index_paths
from indexer.search.service import open_service

HEADER = """窗口工作周报

{year}年第{number}期（总第{total}期）

四川省政府政务服务和公共资源交易服务中心 {published}

政务服务工作

（{period}）

"""

FIRST = HEADER.format(year=2022, number=40, total=415, published="2022年12月9日",
                      period="11月21日—11月25日") + """一、省级政务服务事项受理办理情况

据统计，2022年1月1日至2022年11月25日，省本级行政许可事项受理732976件，办结724052件。

二、窗口工作动态

（一）优化营商环境工作开展情况

（1）11月21日，省发改委窗口为企业提供上门服务，讲解企业投资项目核准的申报要点和常见问题。

（2）11月22日，水利厅窗口参照国家发展改革委有关规定，优化取水许可审批流程，办件提速明显。

（3）11月23日，成都市卫健委与各市（州）卫健委工作人员到大厅交流医疗机构执业登记经验。

（4）11月24日，省卫健委窗口开展放射诊疗许可培训，云南省卫生健康委员会派员观摩学习。

（二）窗口服务效能提升工作情况

（1）11月25日，交通运输厅窗口清理大件运输许可积压件，2022年1月以来累计办结3000件。

（2）11月25日，商务厅窗口在厅、省两级联动中发放外贸政策宣传资料，企业反映良好。

（3）11月25日，司法厅窗口2022年累计受理省级公证事项1万件，11月办结率100%。

报：中心领导。

发：各部门进驻窗口。
"""

SECOND = HEADER.format(year=2023, number=5, total=430, published="2023年2月10日",
                       period="2月6日—2月10日") + """一、窗口工作动态

（一）窗口服务效能提升工作情况

（1）2月7日，应急厅窗口组织工作人员开展上门服务，为企业讲解安全生产许可办理流程。

（2）2月8日，商务厅窗口开展外商投资企业登记业务培训，推广“天府通办”ＡＰＰ和ｗｅｂ端申报。

报：中心领导。
"""


pytestmark = pytest.mark.usefixtures("search_engine")  # the conformance suite: once per engine


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, search_engine):
    folder = tmp_path_factory.mktemp("bulletins")
    (folder / "2022-40.txt").write_text(FIRST, encoding="utf-8")
    (folder / "2023-5.txt").write_text(SECOND, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    report = index_paths([str(folder)], index_dir, workers=0)
    assert report.new == 2 and not report.refused
    return index_dir


@pytest.fixture(scope="module")
def service(index_dir):
    return open_service(index_dir)


def search(service, q, **params):
    return service.search_params([("q", q), ("per_page", "100"), *params.items()])


def found(service, q, **params) -> set[str]:
    return {hit["section_id"] for hit in search(service, q, **params)["hits"]}


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


# --- departments -------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["省发改委", "省发展改革委", "四川省发展和改革委员会"])
def test_a_department_is_not_found_in_a_national_bodys_name(service, q):
    assert found(service, q) == {"2022-w40-2-1-1"}


def test_the_word_as_typed_is_still_found_wherever_it_stands(service):
    # Ctrl+F: 发展改革委 typed finds the national body's name too, and marks it there
    hits = {h["section_id"]: h for h in search(service, "发展改革委")["hits"]}
    assert set(hits) == {"2022-w40-2-1-1", "2022-w40-2-1-2"}
    assert marked(hits["2022-w40-2-1-2"]["snippet"]) == ["发展改革委"]


@pytest.mark.parametrize("q", ["省卫健委", "卫健委", "省卫生健康委"])
def test_city_and_other_provinces_health_commissions_are_not_the_provinces(service, q):
    hits = search(service, q)["hits"]
    expected = {"2022-w40-2-1-4"} | ({"2022-w40-2-1-3"} if q == "卫健委" else set())
    assert {h["section_id"] for h in hits} == expected
    own = next(h for h in hits if h["section_id"] == "2022-w40-2-1-4")
    assert marked(own["snippet"]) == ["省卫健委"]  # not 卫生健康委员会 of 云南省…


def test_the_department_facet_does_not_count_other_bodies(service):
    departments = {v["value"]: v["count"] for v in search(service, "")["facets"]["department"]}
    assert departments["省卫生健康委"] == 1 and departments["省发展改革委"] == 1


# --- exact phrases and whole words ------------------------------------------------------------

def test_a_quoted_phrase_with_punctuation_is_matched_exactly(service):
    assert found(service, '"厅、省"') == {"2022-w40-2-2-2"}
    assert found(service, "厅、省") == {"2022-w40-2-2-2"}  # a word with punctuation inside, too
    assert found(service, '"厅省两级"') == set()  # without the 、 it is not there


def test_a_phrase_keeps_its_punctuation_at_the_ends(service):
    assert found(service, '"2022年1月1日至"') == {"2022-w40-1"}
    assert found(service, '"1日至，"') == set()


@pytest.mark.parametrize("q,expected", [
    ("2022年1月", {"2022-w40-1", "2022-w40-2-2-1"}),  # not 司法厅's 2022年 … 1万件 … 11月
    ("1万件", {"2022-w40-2-2-3"}),
    ("11月25日", {"2022-w40-1", "2022-w40-2-2-1", "2022-w40-2-2-2", "2022-w40-2-2-3"}),
])
def test_words_with_numbers_match_whole(service, q, expected):
    reply = search(service, q)
    assert {h["section_id"] for h in reply["hits"]} == expected
    for hit in reply["hits"]:  # and only the whole word is marked, never a lone digit
        assert set(marked(hit["snippet"])) == {q}


def test_segments_that_are_words_may_still_stand_apart(service):
    # 上门服务 is 上门 + 服务: both words, so 上门…服务 apart matches, ranked after the whole phrase
    assert found(service, "上门服务") == {"2022-w40-2-1-1", "2023-w5-1-1-1"}
    assert found(service, "讲解流程") == {"2023-w5-1-1-1"}  # 讲解安全生产许可办理流程


# --- operators, order, limits ------------------------------------------------------------------

def test_full_width_operators_typed_with_a_chinese_input_method(service):
    assert found(service, "上门服务 －应急厅") == found(service, "上门服务 -应急厅") == {"2022-w40-2-1-1"}
    assert found(service, "水利厅 ＯＲ 司法厅") == found(service, "水利厅 OR 司法厅") == {
        "2022-w40-2-1-2", "2022-w40-2-2-3"}
    assert found(service, '－"上门服务" 企业') == found(service, '-"上门服务" 企业')


@pytest.mark.parametrize("q", ["", "-企业"])
def test_browsing_is_newest_first_whatever_sort_says(service, q):
    for sort in ("relevance", None):
        params = {"sort": sort} if sort else {}
        hits = search(service, q, **params)["hits"]
        dates = [h["published"] for h in hits]
        assert hits and dates == sorted(dates, reverse=True)
    oldest = [h["published"] for h in search(service, q, sort="oldest")["hits"]]
    assert oldest == sorted(oldest)


def test_repeated_words_do_not_push_a_later_word_out_of_the_query(service):
    q = " ".join(["窗口"] * 40 + ["司法厅"])
    assert found(service, q) == {"2022-w40-2-2-3"}


# --- the bulletin view marks what the search found, as the snippets do ---------------------------

@pytest.fixture(scope="module")
def client(index_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def paragraph_html(client, issue_id, paragraph_id, q) -> str:
    page = client.get(f"/issues/{issue_id}", query_string={"q": q}).get_data(as_text=True)
    return re.search(rf'id="{paragraph_id}"[^>]*>(.*?)</p>', page, re.S).group(1)


def test_the_bulletin_view_marks_full_width_text_the_search_found(client, service):
    hit = search(service, "app web")["hits"][0]
    assert hit["url"] == "/issues/2023-w5#2023-w5-1-1-2-p1"
    html = paragraph_html(client, "2023-w5", "2023-w5-1-1-2-p1", "app web")
    assert marked(html) == ["ＡＰＰ", "ｗｅｂ"]


def test_the_bulletin_view_marks_a_department_only_where_it_is_the_provinces(client):
    html = paragraph_html(client, "2022-w40", "2022-w40-2-1-4-p1", "省卫健委")
    assert marked(html) == ["省卫健委"]  # not 卫生健康委员会 in 云南省卫生健康委员会
    html = paragraph_html(client, "2022-w40", "2022-w40-2-1-2-p1", "省发改委")
    assert marked(html) == []  # 国家发展改革委 is not the province's
    html = paragraph_html(client, "2022-w40", "2022-w40-2-1-2-p1", "发展改革委")
    assert marked(html) == ["发展改革委"]  # but the word as typed is, wherever it stands
