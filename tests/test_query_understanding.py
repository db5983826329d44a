"""Issue 12: the search reads queries the way staff type them. Each behaviour is checked through
the service, through /api/search (Flask's test client) and, where cheap, through the CLI, over a
real index of our own small bulletins (tests/test_index_samples) plus one written here."""
from __future__ import annotations

import json

import pytest

from indexer.cli import main
from indexer.search.analysis import compact
from indexer.search.indexing import index_paths
from indexer.search.service import open_service
from tests.samples import _section, parse_sample, sample_bulletins, write_samples

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def extra_bulletins():
    """Sections the shared samples lack: 商务厅 beside another department, a roll of names."""
    from datetime import date

    from indexer.parsing.model import Bulletin, Issue

    w41 = Issue(id="2022-w41", kind="周报", year=2022, number=41, total_number=416,
                published=date(2022, 12, 16), period=(date(2022, 12, 12), date(2022, 12, 16)),
                title="窗口工作周报 2022年第41期", source_path="", sha256="")
    w40 = Issue(id="2021-w40", kind="周报", year=2021, number=40, total_number=370,
                published=date(2021, 12, 10), period=(date(2021, 12, 6), date(2021, 12, 10)),
                title="窗口工作周报 2021年第40期", source_path="", sha256="")
    return [Bulletin(w41, [
        _section("2022-w41", 1, ["厅局长进大厅"], "厅长进大厅", ["商务厅"],
                 "商务厅负责同志到政务大厅窗口坐班，现场解答外贸企业咨询。"),
        _section("2022-w41", 2, ["窗口工作动态"], "窗口动态", ["应急管理厅", "商务厅"],
                 "应急厅和商务厅窗口联合开展上门服务，走访园区企业。"),
        _section("2022-w41", 3, ["窗口工作动态"], "窗口动态", ["水利厅"],
                 "水利厅窗口上门服务灌区项目。"),
        _section("2022-w41", 4, ["窗口工作动态"], "窗口动态", ["应急管理厅"],
                 "企业对应急厅的上门服务评价很高，本周继续开展厅长进大厅活动。"),
    ]), Bulletin(w40, [
        _section("2021-w40", 1, ["窗口工作动态"], "窗口动态", ["水利厅"],
                 "水利厅窗口受理取水许可申请。"),
        # written in traditional characters, as a reprint from elsewhere might be; no department
        # tagged, so only the folded text can find it
        _section("2021-w40", 2, ["窗口資訊"], "窗口資訊", [],
                 "應急廳窗口為鑽探企業提供上門服務，講解安全生產許可。"),
    ])]


def all_sections():
    return [(b, s) for b in sample_bulletins() + extra_bulletins() for s in b.sections]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("understanding")
    write_samples(root / "docs", bulletins=sample_bulletins() + extra_bulletins())
    index_paths([str(root / "docs")], root / "index", parse=parse_sample)
    return root / "index"


@pytest.fixture(scope="module")
def service(index_dir):
    return open_service(index_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def ids(service, q, *more):
    return [h["section_id"] for h in service.export_hits([("q", q), *more])]


def api(client, q, **more):
    response = client.get("/api/search", query_string={"q": q, "per_page": 100, **more})
    assert response.status_code == 200
    return response.get_json()


def cli_json(index_dir, capsys, *words):
    assert main(["search", *words, "--index-dir", str(index_dir), "--format", "json",
                 "--per-page", "100"]) == 0
    return json.loads(capsys.readouterr().out)


# --- 1. nothing searchable; -word excludes what the word finds --------------------------------

NOTHING = ["%", "(", "，", "AND", "OR", "的", "的 和", "和与及", "( AND )", '""', "-", "*:~"]


@pytest.mark.parametrize("q", NOTHING)
def test_nothing_searchable_finds_nothing_and_says_so(service, client, q):
    reply = service.search_params([("q", q)])
    assert reply["total"] == 0 and reply["hits"] == []
    assert "nothing searchable" in reply["message"]
    body = api(client, q)
    assert body["total"] == 0 and body["hits"] == [] and body["did_you_mean"] is None
    assert "nothing searchable" in body["message"]
    assert service.export_hits([("q", q)]) == []


def test_nothing_searchable_on_the_page_and_in_the_cli(client, index_dir, capsys):
    page = client.get("/", query_string={"q": "%"}).get_data(as_text=True)
    assert "检索词里没有可检索的内容" in page and "找到 <strong>0</strong> 条结果" in page
    assert main(["search", "的", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 results") and "nothing searchable" in out
    assert cli_json(index_dir, capsys, "AND")["message"].startswith("nothing searchable")


def test_a_real_query_carries_no_message(client):
    body = api(client, "上门服务")
    assert body["total"] > 0 and "message" not in body and body["did_you_mean"] is None


def test_excluding_a_word_drops_exactly_what_the_word_finds(service, client):
    found = set(ids(service, "上门服务"))
    assert "2022-w40-s2" in found  # 上门辅导服务: the word's segments apart
    everything = {s.id for _b, s in all_sections()}
    assert set(ids(service, "-上门服务")) == everything - found
    assert {h["section_id"] for h in api(client, "-上门服务")["hits"]} == everything - found
    assert set(ids(service, "窗口 -上门服务")).isdisjoint(found)


# --- 2. unspaced queries ------------------------------------------------------------------------

@pytest.mark.parametrize("typed, spaced", [
    ("应急厅的上门服务", "应急厅 上门服务"),
    ("商务厅厅长进大厅", "商务厅 厅长进大厅"),
    ("应急厅和商务厅", "应急厅 商务厅"),
    ("上门服务的应急厅", "上门服务 应急厅"),
    ("的上门服务", "上门服务"),
])
def test_an_unspaced_query_finds_what_the_spaced_one_finds(service, client, index_dir, capsys,
                                                            typed, spaced):
    want = set(ids(service, spaced))
    assert want, spaced
    assert set(ids(service, typed)) == want
    assert {h["section_id"] for h in api(client, typed)["hits"]} == want
    assert {h["section_id"] for h in cli_json(index_dir, capsys, typed)["hits"]} == want


def test_the_section_holding_the_whole_typed_string_ranks_first(service):
    assert ids(service, "应急厅的上门服务")[0] == "2022-w41-s4"
    assert ids(service, "应急厅和商务厅")[0] == "2022-w41-s2"
    hit = service.search_params([("q", "应急厅的上门服务")])["hits"][0]
    assert "<mark>应急厅的上门服务</mark>" in hit["snippet"]


def test_pieces_that_cannot_stand_apart_are_still_found_only_as_written(service):
    from indexer.search.query import parse_query

    for word in ("2022年1月", "省本级", "住房和城乡建设部", "上门服务", "经济和信息化厅"):
        (term,) = parse_query(word).positive_terms()
        assert term.parts == () and term.text == word
    assert set(ids(service, "省本级")) == {s.id for _b, s in all_sections()
                                          if "省本级" in compact(" ".join(s.heading) + s.text)}
    page_labels = service.search_params([("q", "应急厅的上门服务")])["segments"][0]["parts"]
    assert page_labels == ["应急厅", "上门服务"]


# --- 3. column names ----------------------------------------------------------------------------

def sections_of_column(column):
    return {s.id for _b, s in all_sections() if s.type == column}


def ctrl_f_forms(column, typed):
    from indexer.parsing.section_types import column_forms

    return set().union(*(ctrl_f(f) for f in [typed, *column_forms(column)]))


def ctrl_f(word):
    return {s.id for _b, s in all_sections() if compact(word) in compact(" ".join(s.heading) + s.text)}


@pytest.mark.parametrize("typed", ["厅长进大厅", "局长进大厅", "厅局长进大厅", "厅（局）长进大厅",
                                   '"厅长进大厅"', "厅(局)长进大厅"])
def test_a_column_name_in_any_written_form_finds_the_column(service, client, typed):
    want = sections_of_column("厅长进大厅") | ctrl_f_forms("厅长进大厅", typed.strip('"'))
    assert "2023-w12-s2" in want and "2022-w41-s4" in want  # the heading only; the text only
    assert set(ids(service, typed)) == want
    assert {h["section_id"] for h in api(client, typed)["hits"]} == want


def test_a_column_name_is_highlighted_in_the_text(client):
    hits = api(client, "局长进大厅")["hits"]
    hit = next(h for h in hits if h["section_id"] == "2022-w41-s4")
    assert "<mark>厅长进大厅</mark>" in hit["snippet"]


@pytest.mark.parametrize("typed, column", [("大厅巡查", "大厅巡查"), ("办件情况", "办件统计"),
                                           ("办件统计", "办件统计"), ("营商环境", "营商环境"),
                                           ("窗口资讯", "窗口动态"), ("重点工作", "重点工作")])
def test_other_columns_and_their_forms(service, typed, column):
    want = sections_of_column(column) | ctrl_f_forms(column, typed)
    assert sections_of_column(column) and set(ids(service, typed)) == want


def test_a_column_combines_with_words_and_departments(service):
    assert set(ids(service, "厅长进大厅 应急厅")) == {"2023-w12-s2", "2022-w41-s4"}
    assert set(ids(service, "商务厅厅长进大厅")) == {"2022-w41-s1"}


# --- 4. issue references ------------------------------------------------------------------------

def sections_of(*issue_ids):
    return {s.id for b, s in all_sections() if b.issue.id in issue_ids}


@pytest.mark.parametrize("typed, issues", [
    ("2022年第40期", ["2022-w40"]), ("2022年第 40 期", ["2022-w40"]), ("总第415期", ["2022-w40"]),
    ("2025年11月月报", ["2025-m11"]), ("2022-w40", ["2022-w40"]), ("第40期", ["2022-w40", "2021-w40"]),
    ("2022年第41期", ["2022-w41"]), ("总第370期", ["2021-w40"]),
])
def test_an_issue_reference_selects_that_issue(service, client, index_dir, capsys, typed, issues):
    want = sections_of(*issues)
    assert set(ids(service, typed)) == want
    assert {h["section_id"] for h in api(client, typed)["hits"]} == want
    if " " not in typed:
        assert {h["section_id"] for h in cli_json(index_dir, capsys, typed)["hits"]} == want


def test_every_years_issue_of_a_number_newest_first(service):
    got = ids(service, "第40期")
    assert [i.split("-s")[0] for i in got] == ["2022-w40"] * 4 + ["2021-w40"] * 2


def test_an_issue_reference_combines_with_words(service, client):
    assert set(ids(service, "总第415期 应急厅")) == {"2022-w40-s2"}
    assert set(ids(service, "2022年第40期 上门服务")) == {"2022-w40-s2", "2022-w40-s3"}
    assert set(ids(service, "总第415期应急厅")) == {"2022-w40-s2"}
    assert set(ids(service, "2022年第40期 OR 2025年11月月报")) == sections_of("2022-w40", "2025-m11")
    assert set(ids(service, "水利厅 -第40期")) == {"2022-w41-s3"}
    assert api(client, "第99期")["total"] == 0


def test_an_issue_reference_is_a_removable_chip_on_the_page(client):
    page = client.get("/", query_string={"q": "总第415期 应急厅", "year": "2022"}).get_data(as_text=True)
    assert "期次：总第415期" in page
    assert 'href="/?q=%E5%BA%94%E6%80%A5%E5%8E%85&amp;year=2022"' in page  # q=应急厅, the filter kept
    page = client.get("/", query_string={"q": "2022-w40"}).get_data(as_text=True)
    assert "期次：2022年第40期周报" in page and 'href="/"' in page


# --- 5. traditional characters ------------------------------------------------------------------

@pytest.mark.parametrize("traditional, simplified", [
    ("應急廳 上門服務", "应急厅 上门服务"), ("上門服務", "上门服务"), ("廳（局）長進大廳", "厅长进大厅"),
    ("總第415期", "总第415期"), ('"上門服務"', '"上门服务"'), ("應急廳的上門服務", "应急厅的上门服务"),
])
def test_traditional_characters_find_what_simplified_ones_find(service, client, traditional,
                                                                simplified):
    want = set(ids(service, simplified))
    assert want and set(ids(service, traditional)) == want
    assert {h["section_id"] for h in api(client, traditional)["hits"]} == want


def test_a_bulletin_in_traditional_characters_is_found_and_marked_as_written(service, client,
                                                                          index_dir, capsys):
    assert "2021-w40-s2" in ids(service, "应急厅 上门服务")
    assert "2021-w40-s2" in ids(service, "應急廳 上門服務")
    hit = next(h for h in api(client, "应急厅 上门服务")["hits"] if h["section_id"] == "2021-w40-s2")
    assert "<mark>應急廳</mark>" in hit["snippet"] and "<mark>上門服務</mark>" in hit["snippet"]
    printed = {h["section_id"]: h for h in cli_json(index_dir, capsys, "鑽探")["hits"]}
    assert set(printed) == {"2021-w40-s2", "2022-w40-s2"}  # 钻探 written simplified in the other
    assert "<mark>鑽探</mark>" in printed["2021-w40-s2"]["snippet"]
    assert "<mark>钻探</mark>" in printed["2022-w40-s2"]["snippet"]
    page = client.get("/issues/2021-w40", query_string={"q": "上门服务"}).get_data(as_text=True)
    assert "<mark>上門服務</mark>" in page


# --- 6. did you mean ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed, meant, filters", [
    ("应急听", "应急厅", {}),  # a wrong character of the same sound
    ("yingjiting", "应急厅", {}),  # pinyin typed without switching the input method
    ("应急听 上门服务", "应急厅 上门服务", {}),  # the whole query, the right word kept
    ("厅长进大听", "厅长进大厅", {}),  # a column name
    ("应急厅 上门服", "应急厅 上门服务", {"year": "2022"}),  # a word cut short: few hits
])
def test_did_you_mean_proposes_the_whole_corrected_query(service, client, index_dir, capsys,
                                                         typed, meant, filters):
    pairs = [("q", typed), *filters.items()]
    reply = service.search_params(pairs)
    assert reply["did_you_mean"] == meant
    corrected = service.search_params([("q", meant), *filters.items()])
    assert corrected["total"] > reply["total"]  # it finds more, or it would not be offered
    assert [h["section_id"] for h in reply["hits"]] == ids(service, typed, *filters.items())
    assert api(client, typed, **filters)["did_you_mean"] == meant
    if not filters:
        assert cli_json(index_dir, capsys, *typed.split())["did_you_mean"] == meant
        assert main(["search", *typed.split(), "--index-dir", str(index_dir)]) == 0
        assert f"did you mean: {meant}" in capsys.readouterr().out


@pytest.mark.parametrize("q", ["应急厅", "上门服务", "厅长进大厅", '"应急听"', "2022年第40期",
                               "qwertyuiop", "鑽探"])
def test_no_did_you_mean_when_the_query_is_fine_or_nothing_is_near(client, q):
    assert api(client, q)["did_you_mean"] is None


def test_did_you_mean_on_the_page_links_the_corrected_query_with_the_filters(client):
    page = client.get("/", query_string={"q": "应急听", "kind": "周报"}).get_data(as_text=True)
    assert "您是不是要找：" in page
    assert '<a href="/?kind=%E5%91%A8%E6%8A%A5&amp;q=%E5%BA%94%E6%80%A5%E5%8E%85">应急厅</a>' in page
    assert "找到 <strong>0</strong> 条结果" in page  # never silently replaced
    page = client.get("/", query_string={"q": "应急厅"}).get_data(as_text=True)
    assert "您是不是要找" not in page


def test_did_you_mean_finds_a_word_the_index_cut_apart_by_its_sound(service):
    # 资质证书 is two index words (资质, 证书): the text itself is searched with one wildcard
    assert service.search_params([("q", "资质正书")])["did_you_mean"] == "资质证书"
    assert service.search_params([("q", "林草句")])["did_you_mean"] is None  # no 林草局 here


def test_a_department_typed_without_its_province_is_the_department(service):
    from indexer.search.query import parse_query

    for typed, canonical in (("林草局", "省林草局"), ("药监局", "省药监局"), ("发改委", "省发展改革委")):
        (term,) = parse_query(typed).positive_terms()
        assert term.department == canonical
    assert set(ids(service, "发改委")) == {"2025-m11-s2"}  # tagged 省发展改革委; the text says so
    (term,) = parse_query("国家林草局").positive_terms()
    assert term.department is None and term.parts == ()  # a national body stays itself


# --- 7. ranking: the department acting, the column itself ----------------------------------------

def test_sections_where_the_department_acts_rank_before_those_that_list_it(service):
    leads = {s.id for _b, s in all_sections() if s.departments[:1] == ["应急管理厅"]}
    got = ids(service, "应急厅")
    assert set(got[:len(leads)]) == leads and len(got) > len(leads)


def test_sections_of_a_column_rank_before_sentences_or_headings_that_mention_it(service):
    own = sections_of_column("窗口动态")
    got = ids(service, "窗口动态")
    assert set(got[:len(own)]) == own
    assert {"2022-w40-s2", "2022-w40-s3"} <= set(got[len(own):])  # under 窗口工作动态, 营商环境 type


def test_an_unspaced_words_parts_written_whole_rank_before_their_segments_apart(service):
    # 上门服务的应急厅: no section holds the string; those holding 上门服务 whole come before
    # 2022-w40-s2, which holds only 上门辅导服务
    got = ids(service, "上门服务的应急厅")
    assert "2022-w40-s2" in got and got[-1] == "2022-w40-s2"


def test_words_close_together_rank_before_the_same_words_far_apart(tmp_path):
    from datetime import date

    from indexer.parsing.model import Bulletin, Issue

    issue = Issue(id="2024-w5", kind="周报", year=2024, number=5, total_number=None,
                  published=date(2024, 2, 2), period=(date(2024, 1, 29), date(2024, 2, 2)),
                  title="窗口工作周报 2024年第5期", source_path="", sha256="")
    filler = "窗口按规定受理申请材料并及时反馈办理进度，" * 6  # about 120 characters apart
    far = _section("2024-w5", 1, ["窗口工作动态"], "窗口动态", [],
                   f"本周开展延时服务，延时服务覆盖全部窗口。{filler}另有企业咨询预约办理，预约办理当日完成。")
    near = _section("2024-w5", 2, ["窗口工作动态"], "窗口动态", [],
                    f"窗口为企业提供延时服务和预约办理。{filler}")
    # the far one holds each word twice, so BM25 alone puts it first: only where the words stand
    # puts the near one first
    write_samples(tmp_path / "docs", bulletins=[Bulletin(issue, [far, near])])
    index_paths([str(tmp_path / "docs")], tmp_path / "index", parse=parse_sample)
    got = [h["section_id"] for h in open_service(tmp_path / "index").export_hits([("q", "延时服务 预约办理")])]
    assert got == ["2024-w5-s2", "2024-w5-s1"]


def test_a_match_in_the_heading_ranks_before_one_in_the_body(tmp_path):
    from datetime import date

    from indexer.parsing.model import Bulletin, Issue

    issue = Issue(id="2024-w6", kind="周报", year=2024, number=6, total_number=None,
                  published=date(2024, 2, 9), period=(date(2024, 2, 5), date(2024, 2, 9)),
                  title="窗口工作周报 2024年第6期", source_path="", sha256="")
    # the body one says 帮办代办 three times, so BM25 alone puts it first; the heading says what
    # the other section is about
    body = _section("2024-w6", 1, ["窗口工作动态", "窗口资讯"], "窗口动态", [],
                    "窗口推行帮办代办，帮办代办覆盖全部事项，帮办代办人员每日到岗。")
    heading = _section("2024-w6", 2, ["窗口工作动态", "帮办代办工作开展情况"], "窗口动态", [],
                       "本周为企业提供全程服务，群众满意。")
    write_samples(tmp_path / "docs", bulletins=[Bulletin(issue, [body, heading])])
    index_paths([str(tmp_path / "docs")], tmp_path / "index", parse=parse_sample)
    got = [h["section_id"] for h in open_service(tmp_path / "index").export_hits([("q", "帮办代办")])]
    assert got == ["2024-w6-s2", "2024-w6-s1"]
