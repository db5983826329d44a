"""Browsing and citing the archive (issue 15): the issue list, the JSON twin of a bulletin,
上一期/下一期, 返回检索结果 to the exact search, citations, the CSV's citing columns, the source
file's human name, and the `issues` command. Real index of the three sample bulletins, Flask's
test client, the CLI's main()."""
from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from tests.conftest import SAMPLE_NAMES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def index_dir(corpus_pdf_index):
    return corpus_pdf_index  # the session's index of the three sample PDFs; these tests only read


@pytest.fixture(scope="module")
def client(index_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def links(response, css_class: str) -> list[str]:
    return [unescape(h) for h in
            re.findall(rf'<a[^>]*class="{css_class}"[^>]*href="([^"]+)"', response.get_data(as_text=True))]


# ---------------------------------------------------------------------------------- issue list
def test_issue_list_by_year_newest_first_with_every_detail(client):
    response = client.get("/issues")
    assert response.status_code == 200
    text = text_of(response)
    # years newest first, each issue with its number, total, date, period and section count
    assert text.index("2025年 共 1 期") < text.index("2022年 共 2 期")
    assert "2022年第40期 总第415期 2022-12-09 2022-11-21 至 2022-11-25 15" in text
    assert "2022年第14期 总第389期 2022-05-20 2022-05-05 至 2022-05-13 10" in text
    assert "2025年第11期 — 2025-12-12 2025-11-01 至 2025-11-30 12" in text
    assert text.index("2022年第40期") < text.index("2022年第14期")  # newest first within the year
    html = response.get_data(as_text=True)
    assert 'href="#year-2025"' in html and 'href="#year-2022"' in html and 'id="year-2022"' in html
    assert 'href="/issues/2022-w40"' in html
    assert "已收录 3 期" in text and "最近更新" in text


def test_issue_list_narrows_by_year_and_kind_and_every_page_links_to_it(client):
    text = text_of(client.get("/issues?year=2022"))
    assert "2022年第40期" in text and "2025年第11期" not in text
    text = text_of(client.get("/issues?kind=月报"))
    assert "2025年第11期" in text and "2022年第40期" not in text
    assert "没有符合条件的公报" in text_of(client.get("/issues?year=1999"))
    for url in ("/", "/?q=窗口", "/issues/2022-w40"):
        assert 'href="/issues">往期目录</a>' in client.get(url).get_data(as_text=True)


def test_issue_json_is_the_parse_shape(client, corpus_dir):
    from indexer.parsing.parser import parse_file

    response = client.get("/issues/2022-w40.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    expected = parse_file(str(corpus_dir / f"{SAMPLE_NAMES[0]}.pdf")).to_dict()
    # the same issue, but the source is named by its file alone: the server's folders stay private
    expected["issue"]["source"]["path"] = f"{SAMPLE_NAMES[0]}.pdf"
    assert data["issue"] == expected["issue"]
    assert [s["id"] for s in data["sections"]] == [s["id"] for s in expected["sections"]]
    assert data["sections"][1]["paragraphs"] == expected["sections"][1]["paragraphs"]
    missing = client.get("/issues/2099-w1.json")
    assert missing.status_code == 404 and "2099-w1" in missing.get_json()["error"]


# ------------------------------------------------------------------------- previous, next, back
def test_previous_and_next_issue_of_the_same_kind(client):
    w40 = client.get("/issues/2022-w40")
    assert links(w40, "previous-issue") == ["/issues/2022-w14"] and links(w40, "next-issue") == []
    assert "已是最新一期" in text_of(w40)
    w14 = client.get("/issues/2022-w14")
    assert links(w14, "next-issue") == ["/issues/2022-w40"] and "已是最早一期" in text_of(w14)
    m11 = client.get("/issues/2025-m11")  # the only monthly: no weekly is its neighbour
    assert links(m11, "previous-issue") == [] and links(m11, "next-issue") == []
    # the paragraphs keep their anchors
    assert 'id="2022-w40-1-p1"' in w40.get_data(as_text=True)


def test_a_hit_leads_to_the_bulletin_and_back_to_the_exact_search(client):
    search = [("q", "窗口"), ("year", "2022"), ("type", "窗口动态"), ("kind", "周报"),
              ("sort", "oldest"), ("per_page", "2"), ("page", "2")]
    page = client.get("/", query_string=search)
    assert page.status_code == 200
    [first, *_] = links(page, "to-paragraph")
    path, _, fragment = first.partition("#")
    assert fragment and path.startswith("/issues/")
    bulletin = client.get(path)
    [back] = links(bulletin, "back-to-search")
    assert urlsplit(back).path == "/" and parse_qsl(urlsplit(back).query) == search
    # and that search is the page the hit came from
    assert links(client.get(back), "to-paragraph")[0] == first
    assert "已高亮" in text_of(bulletin)
    # a bulletin opened from elsewhere offers no way back to a search it never came from
    assert links(client.get("/issues/2022-w40"), "back-to-search") == []


# ---------------------------------------------------------------------------------- citations
def test_every_paragraph_has_its_citation_as_visible_text(client):
    html = client.get("/issues/2022-w40").get_data(as_text=True)
    paragraphs = re.findall(r'<p class="paragraph" id="([^"]+)"', html)
    citations = re.findall(r'<p class="cite-text">([^<]+)<br>([^<]+)</p>', html)
    assert len(citations) == len(paragraphs) > 10
    for pid, (cite, link) in zip(paragraphs, citations):
        assert re.fullmatch(r"《窗口工作周报》2022年第40期（总第415期），第\d页", cite)
        assert link == f"http://localhost/issues/2022-w40#{pid}"
    assert "<summary>复制引用</summary>" in html
    monthly = client.get("/issues/2025-m11").get_data(as_text=True)
    assert "《政务窗口月报》2025年第11期，第1页" in monthly  # no running total where none is printed


def test_the_source_downloads_under_the_issues_name(client):
    with client.get("/issues/2022-w40/source") as response:  # closes the file it streams
        assert response.status_code == 200 and response.get_data().startswith(b"%PDF")
        disposition = response.headers["Content-Disposition"]
    assert 'filename="2022-w40.pdf"' in disposition
    [encoded] = re.findall(r"filename\*=UTF-8''(\S+)", disposition)
    assert unquote(encoded) == "窗口工作周报2022年第40期.pdf"
    with client.get("/issues/2025-m11/source") as response:
        monthly = response.headers["Content-Disposition"]
    assert unquote(monthly.split("UTF-8''")[1]) == "政务窗口月报2025年第11期.pdf"


def test_csv_export_carries_what_a_citation_needs(client, index_dir):
    from indexer.search.service import open_service

    data = client.get("/export.csv", query_string={"q": "页岩气"}).get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows, "页岩气 is in the 2022-w40 bulletin"
    row = rows[0]
    for column in ("期次", "总期", "统计周期", "页码", "段落全文", "引用", "原文段落链接"):
        assert column in row
    assert row["期次"] == "2022年第40期" and row["总期"] == "总第415期"
    assert row["统计周期"] == "2022-11-21至2022-11-25"
    link = row["原文段落链接"]
    issue_id, paragraph_id = re.fullmatch(r"http://localhost/issues/([\w-]+)#([\w-]+)", link).groups()
    bulletin = open_service(index_dir).issue(issue_id)
    [paragraph] = [p for s in bulletin["sections"] for p in s["paragraphs"] if p["id"] == paragraph_id]
    assert row["段落全文"] == paragraph["text"] and len(row["段落全文"]) > len(row["摘要"]) - 10
    assert row["页码"] == str(paragraph["page"])
    assert row["引用"] == f"《窗口工作周报》2022年第40期（总第415期），第{paragraph['page']}页"


# ---------------------------------------------------------------------------------------- CLI
def test_cli_issues_lists_issues_as_text_and_json(index_dir, capsys):
    from indexer.cli import main

    assert main(["issues", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "3 issues" and [line.split()[0] for line in out[1:]] == ["2025-m11", "2022-w40", "2022-w14"]
    assert main(["issues", "--index-dir", str(index_dir), "--year", "2022", "--format", "json"]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [i["id"] for i in issues] == ["2022-w40", "2022-w14"]
    shown = {key: issues[0][key] for key in ("kind", "number", "total_number", "published", "period", "sections")}
    assert shown == {"kind": "周报", "number": 40, "total_number": 415, "published": "2022-12-09",
                     "period": ["2022-11-21", "2022-11-25"], "sections": 15}
    assert main(["issues", "--index-dir", str(index_dir), "--kind", "月报", "--format", "json"]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)["issues"]] == ["2025-m11"]
    assert main(["issues", "--index-dir", str(index_dir), "--year", "twenty"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: year: 'twenty' is not a year"]


def test_cli_on_a_missing_or_empty_index_exits_1_with_one_line(tmp_path, capsys):
    from indexer.cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (tmp_path / "nowhere", empty):
        for command in (["search", "窗口"], ["issues"]):
            assert main(command + ["--index-dir", str(folder)]) == 1
            captured = capsys.readouterr()
            lines = captured.err.strip().splitlines()
            assert len(lines) == 1 and "holds no bulletins" in lines[0] and str(folder) in lines[0]
            assert captured.out == ""


# --------------------------------------------------------------------------------------- feed
def test_the_feed_of_a_search_is_atom_newest_first_one_entry_per_section(client):
    feedparser = pytest.importorskip("feedparser", reason="feedparser is in the test extra")

    api = client.get("/api/search", query_string={"q": "窗口", "department": "应急厅",
                                                   "sort": "newest", "per_page": "50"}).get_json()
    response = client.get("/feed.atom", query_string={"q": "窗口", "department": "应急厅", "page": "3"})
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.version == "atom10" and not feed.bozo
    assert "窗口" in feed.feed.title and "应急厅" in feed.feed.title
    assert len(feed.entries) == api["total"] > 1
    # one entry per section, newest first, each linking to the paragraph of its hit
    assert [e.id for e in feed.entries] == \
        [f"http://localhost/issues/{h['issue_id']}#{h['section_id']}" for h in api["hits"]]
    published = [e.published for e in feed.entries]
    assert published == sorted(published, reverse=True)
    for entry, hit in zip(feed.entries, api["hits"]):
        path, _, fragment = entry.link.partition("#")
        assert path.startswith(f"http://localhost/issues/{hit['issue_id']}?q=") and \
            hit["url"].endswith("#" + fragment)
        assert entry.published.startswith(hit["published"])
        assert "<mark>" not in entry.summary and entry.summary
        assert "应急管理厅" in [t.term for t in entry.tags]
    # an entry's link opens the paragraph with the query marked
    first = client.get(feed.entries[0].link.replace("http://localhost", ""))
    assert first.status_code == 200 and "<mark>窗口</mark>" in first.get_data(as_text=True)


def test_the_search_page_offers_its_feed_and_bad_parameters_are_refused(client):
    page = client.get("/", query_string={"q": "窗口", "year": "2022", "page": "2", "per_page": "5"})
    html = page.get_data(as_text=True)
    [feed_url] = links(page, "feed")
    assert urlsplit(feed_url).path == "/feed.atom"
    assert parse_qsl(urlsplit(feed_url).query) == [("q", "窗口"), ("year", "2022")]
    assert 'type="application/atom+xml"' in html and ">订阅</a>" in html
    assert client.get("/feed.atom?year=x").status_code == 400
    feedparser = pytest.importorskip("feedparser", reason="feedparser is in the test extra")
    empty = client.get("/feed.atom?q=琵琶湖不存在的词")
    parsed = feedparser.parse(empty.data)
    assert empty.status_code == 200 and parsed.version == "atom10" and parsed.entries == []


# ----------------------------------------------------------------------------- paging and dates
def test_a_page_past_the_last_shows_the_last_and_the_api_says_why(client):
    total = client.get("/api/search", query_string={"q": "窗口", "per_page": "5"}).get_json()["total"]
    last = -(-total // 5)
    response = client.get("/", query_string={"q": "窗口", "per_page": "5", "page": "99"})
    assert response.status_code == 302
    assert parse_qsl(urlsplit(response.headers["Location"]).query) == \
        [("q", "窗口"), ("per_page", "5"), ("page", str(last))]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and f'<strong aria-current="page">{last}</strong>' in page.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "窗口", "per_page": "5", "page": "99"})
    assert api.status_code == 400 and api.get_json() == {"error": f"page: 99 is past the last page ({last})"}


def test_a_reversed_date_range_is_said_not_answered_with_nothing(client):
    params = {"q": "窗口", "from": "2022-12-31", "to": "2022-01-01"}
    api = client.get("/api/search", query_string=params)
    assert api.status_code == 400 and "reversed" in api.get_json()["error"]
    page = client.get("/", query_string=params)
    assert page.status_code == 400 and "截止日期早于起始日期" in text_of(page)
    [fix] = links(page, "fix")
    assert dict(parse_qsl(urlsplit(fix).query)) == {"q": "窗口", "from": "2022-01-01", "to": "2022-12-31"}
    assert client.get(fix).status_code == 200


def test_empty_dates_stay_out_of_urls(client):
    response = client.get("/?q=窗口&from=&to=&year=2022")
    assert response.status_code == 302 and response.headers["Location"] == "/?q=%E7%AA%97%E5%8F%A3&year=2022"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "from=&" not in html and "to=&" not in html and "报告期" in html


def test_year_facet_and_date_filter_go_by_the_period_reported_on(tmp_path, corpus_dir):
    """2025年第12期, the December monthly published 2026-01-12, is 2025 for the year facet and
    for the date filter alike."""
    from indexer.search.indexing import index_paths
    from indexer.search.service import open_service

    text = (corpus_dir / f"{SAMPLE_NAMES[2]}.txt").read_text(encoding="utf-8")
    text = text.replace("第 11 期", "2025年第12期").replace("2025 年 12 月 12 日", "2026 年 1 月 12 日") \
        .replace("2025 年 11 月总体运行情况", "2025 年 12 月总体运行情况")
    (tmp_path / "m12.txt").write_text(text, encoding="utf-8")
    index_paths([str(tmp_path / "m12.txt")], str(tmp_path / "ix"))
    service = open_service(tmp_path / "ix")
    everything = service.search_params([])
    assert everything["hits"][0]["published"] == "2026-01-12"
    assert [f["value"] for f in everything["facets"]["year"]] == ["2025"]
    in_2025 = service.search_params([("from", "2025-01-01"), ("to", "2025-12-31")])["total"]
    in_2026 = service.search_params([("from", "2026-01-01"), ("to", "2026-12-31")])["total"]
    assert in_2025 == everything["total"] > 0 and in_2026 == 0


# ------------------------------------------------------------------------ keyboard, long facets
def test_filters_come_before_hits_and_selected_values_are_pinned(client):
    html = client.get("/", query_string={"q": "窗口", "department": "水利厅"}).get_data(as_text=True)
    assert html.index('<aside id="filters"') < html.index('<section id="results"')
    assert '<a class="skip-link" href="#results">跳到检索结果</a>' in html
    department = html[html.index('data-facet="department"'):html.index('data-facet="year"')]
    values = re.findall(r'<span class="facet-value">([^<]+)</span>', department)
    assert values[0] == "水利厅" and len(values) > 8  # selected first, though others count more
    assert '<input type="search" class="facet-filter" hidden' in department  # shown by facets.js
    assert 'data-forms="应急管理厅 省应急管理厅 省应急厅 应急厅"' in department


def test_skip_link_on_every_page(client):
    for url in ("/issues", "/issues/2022-w40"):
        assert '<a class="skip-link" href="#main">' in client.get(url).get_data(as_text=True)
