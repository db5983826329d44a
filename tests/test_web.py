"""The web front-end over a real index of the sample bulletins (plus one synthetic bulletin of our
own carrying markup in its text), through Flask's test client: every route, every parameter error,
every 404, the security headers and the escaping of anything a user or a bulletin can inject."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import SAMPLE_NAMES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HIT_KEYS = ["section_id", "issue_id", "issue_title", "published", "kind", "heading", "type",
            "departments", "snippet", "url", "page", "source_url", "score"]
REPLY_KEYS = ["query", "total", "page", "per_page", "took_ms", "did_you_mean", "facets", "hits"]

# Our own bulletin (not from the corpus) whose text tries markup, script and a spreadsheet formula.
XSS_BULLETIN = """窗口工作周报

2023年第5期（总第430期）

四川省政府政务服务和公共资源交易服务中心 2023年2月10日

政务服务工作

（2月6日—2月10日）

一、窗口工作动态

（一）优化营商环境工作开展情况

（1）2月7日，水利厅窗口收到标题为<script>alert("xss")</script>的测试材料，另附<img src=x onerror=alert(2)>字样的说明，窗口工作人员已按规定登记处理并告知申请人补正。

（2）2月8日，商务厅窗口开展外商投资企业登记业务培训，参会企业代表对培训内容表示满意。
"""


@pytest.fixture(scope="module")
def index_dir(corpus_dir, tmp_path_factory):
    from indexer.search.indexing import index_paths

    extra = tmp_path_factory.mktemp("extra") / "xss_bulletin.txt"
    extra.write_text(XSS_BULLETIN, encoding="utf-8")
    folder = tmp_path_factory.mktemp("index")
    index_paths([str(corpus_dir / f"{name}.pdf") for name in SAMPLE_NAMES] + [str(extra)], str(folder))
    return folder


@pytest.fixture(scope="module")
def app(index_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})


@pytest.fixture
def client(app):
    return app.test_client()


def page_text(response) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------------------ /healthz
def test_healthz_counts_the_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["issues"] == 4 and body["sections"] > 20
    assert list(body) == ["status", "issues", "sections"]


# ---------------------------------------------------------------------------------- /api/search
def test_api_search_reply_is_exactly_the_contract(client):
    response = client.get("/api/search", query_string={"q": "应急厅 上门服务"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    reply = response.get_json()
    assert list(reply) == REPLY_KEYS
    assert set(reply["facets"]) == {"department", "year", "type", "kind"}
    assert reply["query"] == "应急厅 上门服务" and reply["total"] >= 1
    first = reply["hits"][0]
    assert list(first) == HIT_KEYS
    assert first["issue_id"] == "2022-w40" and "应急管理厅" in first["departments"]
    assert "<mark>" in first["snippet"]
    assert re.fullmatch(r"/issues/2022-w40#[\w-]+", first["url"])
    assert first["source_url"] == f"/issues/2022-w40/source#page={first['page']}"


def test_api_filters_change_the_facet_counts(client):
    everything = client.get("/api/search", query_string={"q": "窗口"}).get_json()
    filtered = client.get("/api/search", query_string=[("q", "窗口"), ("department", "应急厅")]).get_json()
    assert 0 < filtered["total"] < everything["total"]
    assert all("应急管理厅" in hit["departments"] for hit in filtered["hits"])


@pytest.mark.parametrize("params, named", [
    ({"year": "abc"}, "year"), ({"page": "0"}, "page"), ({"per_page": "-3"}, "per_page"),
    ({"sort": "sideways"}, "sort"), ({"from": "2022-13-45"}, "from"), ({"kind": "日报"}, "kind"),
])
def test_api_bad_parameter_is_a_400_naming_it(client, params, named):
    response = client.get("/api/search", query_string={"q": "窗口", **params})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert named in response.get_json()["error"]


@pytest.mark.parametrize("query", ['"上门服务', "-", "AND", "OR OR", "\x00", "（）【】", "a" * 200, "%%%", "'"])
def test_api_broken_syntax_is_never_an_error(client, query):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200, page_text(response)


def test_api_oversized_requests_are_refused_politely(client):
    response = client.get("/api/search", query_string={"q": "窗" * 201})
    assert response.status_code == 400 and "too long" in response.get_json()["error"]
    response = client.get("/api/search?" + "&".join(f"department=x{i}" for i in range(1000)))
    assert response.status_code == 400 and "too long" in response.get_json()["error"]


def test_the_query_limit_is_a_setting_the_service_honours(index_dir):
    """MAX_QUERY_CHARS raised past the default reaches the service too, not only the web check."""
    from webapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "MAX_QUERY_CHARS": 300}).test_client()
    reply = client.get("/api/search", query_string={"q": "上门服务 " + "窗" * 240}).get_json()
    assert "error" not in reply and reply["total"] == 0
    response = client.get("/api/search", query_string={"q": "窗" * 301})
    assert response.status_code == 400 and "at most 300" in response.get_json()["error"]


def test_api_unknown_route_is_a_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and "error" in response.get_json()


# ---------------------------------------------------------------------------------- search page
def test_search_page_shows_hits_facets_and_keeps_the_query(client):
    response = client.get("/", query_string={"q": "应急厅 上门服务"})
    html = page_text(response)
    assert response.status_code == 200
    assert 'value="应急厅 上门服务"' in html
    assert re.search(r"找到 <strong>\d+</strong> 条结果", html) and "用时" in html
    for label in ("部门", "年份", "栏目", "类型", "相关度", "最新", "最早", "导出 CSV"):
        assert label in html
    assert "窗口工作周报 2022年第40期" in html
    assert re.search(r'href="/issues/2022-w40\?q=[^"#]+#2022-w40-[\w-]+"', html)
    assert re.search(r'href="/issues/2022-w40/source#page=\d"[^>]*>原文 第\d页', html)
    assert "<mark>" in html and 'class="badge' in html


def test_facet_link_toggles_the_filter_and_shows_a_removable_chip(client):
    html = page_text(client.get("/", query_string={"q": "窗口"}))
    link = re.search(r'<a href="([^"]+)">\s*<span class="facet-value">应急管理厅</span>', html).group(1)
    filtered = page_text(client.get(link.replace("&amp;", "&")))
    assert 'class="chip"' in filtered and "部门：应急管理厅" in filtered
    chip_remove = re.search(r'<span>部门：应急管理厅</span><a href="([^"]+)"', filtered).group(1)
    assert chip_remove == "/?q=%E7%AA%97%E5%8F%A3"
    def total(page):
        return int(re.search(r"找到 <strong>(\d+)</strong>", page).group(1))

    assert total(filtered) < total(html)


def test_sort_and_pagination_links(client):
    html = page_text(client.get("/", query_string={"q": "窗口", "per_page": "2"}))
    assert 'rel="next" href="/?q=%E7%AA%97%E5%8F%A3&amp;per_page=2&amp;page=2"' in html
    newest = client.get("/api/search", query_string={"q": "窗口", "sort": "newest"}).get_json()
    dates = [hit["published"] for hit in newest["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_date_range_filters_and_shows_as_chips(client):
    # by the period an issue reports on: 2022-w40 covers 2022-11-21..25 and was published 12-09
    params = [("q", "窗口"), ("from", "2022-11-01"), ("to", "2022-11-30")]
    reply = client.get("/api/search", query_string=params).get_json()
    assert reply["total"] > 0 and {hit["issue_id"] for hit in reply["hits"]} == {"2022-w40"}
    assert {hit["published"] for hit in reply["hits"]} == {"2022-12-09"}
    params = [("q", "窗口"), ("from", "2022-12-01"), ("to", "2022-12-31")]
    untouched = client.get("/", query_string=params + [("type", "")])  # an untouched box sends ""
    assert untouched.status_code == 302 and "type=" not in untouched.headers["Location"]
    html = page_text(client.get(untouched.headers["Location"]))
    assert "起始日期：2022-12-01" in html and "截止日期：2022-12-31" in html
    assert 'name="from" form="search-form" value="2022-12-01"' in html


def test_browsing_without_a_query_lists_the_newest(client):
    html = page_text(client.get("/", query_string={"kind": "周报"}))
    assert "按条件浏览" in html and "类型：周报" in html


def test_empty_state_shows_segmentation_and_suggests_dropping_a_filter(client):
    response = client.get("/", query_string=[("q", "上门服务"), ("department", "省药监局")])
    html = page_text(response)
    assert response.status_code == 200
    assert "没有找到与“上门服务”相符的条目" in html
    assert "检索词切分为" in html
    assert "去掉“部门：省药监局”" in html and "不加任何筛选共有" in html


def test_search_page_bad_parameter_is_a_friendly_chinese_400(client):
    response = client.get("/", query_string={"q": "窗口", "year": "去年"})
    html = page_text(response)
    assert response.status_code == 400
    assert "“年份”的取值有误" in html and 'value="窗口"' in html
    assert 'href="/?q=%E7%AA%97%E5%8F%A3"' in html  # the link that drops the bad filter


def test_search_page_oversized_query_is_refused_politely(client):
    response = client.get("/", query_string={"q": "窗" * 5000})
    assert response.status_code == 400 and "请求过长" in page_text(response)


def test_query_markup_is_shown_as_text_everywhere(client):
    payload = "<script>alert(1)</script>"
    for url in ("/", "/issues/2022-w40"):
        html = page_text(client.get(url, query_string={"q": payload}))
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    reply = client.get("/api/search", query_string={"q": payload}).get_json()
    assert reply["query"] == payload  # JSON carries it as data; escaping is the page's job


def test_markup_inside_a_bulletin_is_escaped_on_every_page_and_in_the_export(client):
    reply = client.get("/api/search", query_string={"q": "测试材料"}).get_json()
    hit = reply["hits"][0]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    pages = [page_text(client.get("/", query_string={"q": "测试材料"})),
             page_text(client.get(f"/issues/{hit['issue_id']}", query_string={"q": "测试材料"})),
             page_text(client.get(f"/issues/{hit['issue_id']}"))]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    exported = client.get("/export.csv", query_string={"q": "测试材料"}).get_data().decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(exported)))[1]
    assert any("测试材料" in cell for cell in row)


def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/?q=窗口", "/api/search?q=窗口", "/issues/2022-w40", "/healthz", "/issues/nope",
                "/export.csv?q=窗口"):
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
    with client.get("/issues/2022-w40/source") as source:  # closes the file it streams
        assert source.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------------- bulletin view
def test_bulletin_view_has_every_paragraph_as_an_anchor_and_page_markers(client, index_dir):
    from indexer.search.service import open_service

    bulletin = open_service(str(index_dir)).issue("2022-w40")
    response = client.get("/issues/2022-w40")
    html = page_text(response)
    assert response.status_code == 200
    for section in bulletin["sections"]:
        for paragraph in section["paragraphs"]:
            assert f'id="{paragraph["id"]}"' in html
    assert "窗口工作周报 2022年第40期" in html and "总第415期" in html
    assert re.search(r'class="page-marker" data-page="2"', html)
    assert 'href="/issues/2022-w40/source"' in html
    assert "<mark>" not in html  # nothing highlighted without ?q=


def test_bulletin_view_highlights_the_query_and_every_form_of_a_department(client):
    html = page_text(client.get("/issues/2022-w40", query_string={"q": "应急管理厅 上门"}))
    assert "<mark>上门</mark>" in html
    assert "<mark>应急厅</mark>" in html  # the bulletin writes the short form
    assert re.search(r"正文共 [1-9]\d* 处", html)


def test_an_empty_index_says_so_and_answers_everything(tmp_path):
    from webapp import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "no-index-yet")}).test_client()
    assert "索引里还没有公报" in page_text(client.get("/"))
    assert "索引里还没有公报" in page_text(client.get("/?q=窗口"))
    assert client.get("/healthz").get_json() == {"status": "ok", "issues": 0, "sections": 0}
    assert client.get("/api/search?q=窗口").get_json()["total"] == 0
    assert client.get("/issues/2022-w40").status_code == 404


@pytest.mark.parametrize("issue_id", ["nope", "2099-w01", "..", "%2e%2e%2fetc%2fpasswd", "a" * 300,
                                      "2022-w40%00", "..%2f..%2fsetup.cfg", "2022-w40.pdf"])
def test_unknown_issue_is_a_404(client, issue_id):
    assert client.get(f"/issues/{issue_id}").status_code == 404
    assert client.get(f"/issues/{issue_id}/source").status_code == 404


def test_404_page_is_chinese_html(client):
    response = client.get("/issues/nope")
    assert response.mimetype == "text/html" and "没有找到" in page_text(response)


def test_source_sends_the_original_pdf_inline(client):
    with client.get("/issues/2022-w40/source") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.get_data().startswith(b"%PDF")
        assert response.headers["Content-Disposition"].startswith("inline")


def test_source_of_a_text_bulletin_is_plain_text(client):
    reply = client.get("/api/search", query_string={"q": "测试材料"}).get_json()
    with client.get(f"/issues/{reply['hits'][0]['issue_id']}/source") as response:
        assert response.status_code == 200 and response.mimetype == "text/plain"
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"  # one charset, not two


def test_source_of_a_gb18030_text_says_its_own_charset(corpus_dir, tmp_path):
    from indexer.search.indexing import index_paths
    from webapp import create_app

    index_paths([str(corpus_dir / "bad" / "gb18030.txt")], str(tmp_path / "index"), workers=0)
    gb_client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    with gb_client.get("/issues/2022-w14/source") as response:
        assert response.headers["Content-Type"] == "text/plain; charset=gb18030"
        assert "窗口工作周报" in response.get_data().decode("gb18030")


# ---------------------------------------------------------------------------------- CSV export
def test_export_is_an_excel_friendly_csv_of_all_matches(client):
    total = client.get("/api/search", query_string={"q": "窗口"}).get_json()["total"]
    response = client.get("/export.csv", query_string={"q": "窗口", "page": "2"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "公报" and len(rows) - 1 == min(total, 5000)
    link = rows[1][rows[0].index("原文段落链接")]
    assert re.fullmatch(r"http://localhost/issues/[\w-]+#[\w-]+", link)


def test_export_honours_the_limit_and_bad_parameters(app, client):
    app.config["EXPORT_LIMIT"] = 2
    try:
        rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=窗口").get_data().decode("utf-8-sig"))))
        assert len(rows) == 3
    finally:
        app.config["EXPORT_LIMIT"] = 5000
    assert client.get("/export.csv", query_string={"year": "x"}).status_code == 400


# ---------------------------------------------------------------------------------- index swaps
def test_a_newly_built_index_is_picked_up_without_restart(corpus_dir, tmp_path):
    from indexer.search.indexing import index_paths
    from webapp import create_app

    folder = tmp_path / "index"
    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[0]}.pdf")], str(folder))
    client = create_app({"TESTING": True, "INDEX_DIR": str(folder)}).test_client()
    assert client.get("/healthz").get_json()["issues"] == 1
    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[1]}.pdf")], str(folder))
    assert client.get("/healthz").get_json()["issues"] == 2
    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[2]}.pdf")], str(folder), rebuild=True)
    assert client.get("/healthz").get_json()["issues"] in (1, 3)  # a rebuild holds what it was given
