"""The web layer's small pure pieces: search URLs, facet view data, highlighting, CSV cells."""
from __future__ import annotations

import csv
import io

from markupsafe import Markup

from webapp.highlight import highlight, snippet_html
from webapp.presenting import chips, facet_groups, pagination, segment_labels, sort_options
from webapp.urls import on_page, paragraph_url, search_url, toggled, with_value, without
from webapp.views.export import csv_bytes, safe_cell, snippet_text


def test_urls_add_remove_and_replace_values_and_go_back_to_page_one():
    pairs = [("q", "上门服务"), ("department", "应急管理厅"), ("page", "3")]
    assert with_value(pairs, "year", "2022") == [("q", "上门服务"), ("department", "应急管理厅"), ("year", "2022")]
    assert with_value(pairs, "sort", "newest")[-1] == ("sort", "newest")
    assert with_value([("sort", "oldest")], "sort", "newest") == [("sort", "newest")]
    assert without(pairs, "department") == [("q", "上门服务")]
    assert toggled(pairs, "department", "应急管理厅", selected=True) == [("q", "上门服务")]
    assert on_page(pairs, 2) == [("q", "上门服务"), ("department", "应急管理厅"), ("page", "2")]
    assert on_page(pairs, 1) == [("q", "上门服务"), ("department", "应急管理厅")]
    assert search_url([]) == "/"
    assert search_url([("q", "a b&c")]) == "/?q=a+b%26c"


def test_paragraph_url_puts_the_query_before_the_fragment():
    assert paragraph_url("/issues/2022-w40#2022-w40-1-p1", "应急厅 上门") == \
        "/issues/2022-w40?q=%E5%BA%94%E6%80%A5%E5%8E%85+%E4%B8%8A%E9%97%A8#2022-w40-1-p1"
    assert paragraph_url("/issues/2022-w40#p", "  ") == "/issues/2022-w40#p"


def test_facet_values_carry_count_selection_and_toggle_url():
    reply = {"facets": {"department": [{"value": "应急管理厅", "count": 2}, {"value": "水利厅", "count": 1}],
                        "year": [{"value": 2022, "count": 3}], "type": [], "kind": []}}
    pairs = [("q", "上门"), ("department", "应急厅")]  # a short form selects the canonical value
    groups = facet_groups(reply, pairs)
    assert [g["label"] for g in groups] == ["部门", "年份", "栏目", "类型"]
    # departments also carry every written form, for the facet's filter box
    assert groups[0]["options"] == [
        {"value": "应急管理厅", "count": 2, "selected": True, "toggle_url": "/?q=%E4%B8%8A%E9%97%A8",
         "forms": "应急管理厅 省应急管理厅 省应急厅 应急厅"},
        {"value": "水利厅", "count": 1, "selected": False,
         "toggle_url": "/?q=%E4%B8%8A%E9%97%A8&department=%E5%BA%94%E6%80%A5%E5%8E%85"
                       "&department=%E6%B0%B4%E5%88%A9%E5%8E%85", "forms": "水利厅 省水利厅"},
    ]
    assert groups[1]["options"][0]["value"] == "2022"


def test_a_selected_value_with_no_match_left_still_shows_to_be_removed():
    reply = {"facets": {"department": [], "year": [], "type": [], "kind": []}}
    groups = facet_groups(reply, [("year", "1999")])
    assert groups[1]["options"] == [{"value": "1999", "count": 0, "selected": True, "toggle_url": "/"}]


def test_chips_sort_and_pagination():
    pairs = [("q", "x"), ("kind", "周报"), ("from", "2022-01-01")]
    assert chips(pairs) == [
        {"name": "kind", "label": "类型", "value": "周报", "remove_url": "/?q=x&from=2022-01-01"},
        {"name": "from", "label": "起始日期", "value": "2022-01-01", "remove_url": "/?q=x&kind=%E5%91%A8%E6%8A%A5"},
    ]
    assert [(s["label"], s["selected"]) for s in sort_options(pairs)] == [("相关度", True), ("最新", False), ("最早", False)]
    assert [s["selected"] for s in sort_options([("kind", "周报")])] == [False, True, False]
    model = pagination({"page": 5, "per_page": 10, "total": 200}, [("q", "x"), ("page", "5")])
    assert [link.get("number") for link in model["links"]] == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert model["previous_url"] == "/?q=x&page=4" and model["next_url"] == "/?q=x&page=6"
    assert (model["first_shown"], model["last_shown"]) == (41, 50)
    assert pagination({"page": 1, "per_page": 10, "total": 3}, [])["links"] == []


def test_segment_labels_read_the_shapes_a_segmentation_may_take():
    assert segment_labels(["应急厅", "上门服务"]) == ["应急厅", "上门服务"]
    assert segment_labels([["上门", "服务"], ["应急厅"]]) == ["上门 / 服务", "应急厅"]
    assert segment_labels(None) == []
    assert segment_labels([
        {"word": "上门服务", "segments": ["上门", "服务"], "phrase": False, "department": None, "excluded": False},
        {"word": "应急厅", "segments": ["应急厅"], "phrase": False, "department": "应急管理厅", "excluded": False},
        {"word": "一件事", "segments": ["一件", "事"], "phrase": True, "department": None, "excluded": False},
        {"word": "培训", "segments": ["培训"], "phrase": False, "department": None, "excluded": True},
        {"word": "2022年1月", "segments": ["2022", "年", "1", "月"], "phrase": False, "department": None,
         "apart": False, "excluded": False},
        {"word": "量子", "segments": ["量子"], "phrase": False, "department": None, "apart": False,
         "excluded": False},
    ]) == ["上门 / 服务", "应急厅（部门：应急管理厅）", "“一件事”（整个短语）", "排除 培训", "2022年1月（整词）",
           "量子"]


def test_highlight_escapes_the_text_and_adds_only_marks():
    text = "提供<b>上门服务</b> & 更多"
    def spans(t):
        return [(t.index("<b>"), t.index("<b>") + 3), (t.index("上门服务"), t.index("上门服务") + 4)]

    html = highlight(text, spans)
    assert isinstance(html, Markup)
    assert html == "提供<mark>&lt;b&gt;</mark><mark>上门服务</mark>&lt;/b&gt; &amp; 更多"
    assert highlight("<script>", None) == "&lt;script&gt;"


def test_only_mark_survives_in_a_snippet():
    assert snippet_html("a &lt;b&gt; <mark>x&amp;y</mark>") == "a &lt;b&gt; <mark>x&amp;y</mark>"
    assert snippet_html("<script>alert(1)</script><mark>ok</mark><b onclick=x>") == \
        "&lt;script&gt;alert(1)&lt;/script&gt;<mark>ok</mark>&lt;b onclick=x&gt;"
    assert snippet_html(None) == ""


def test_csv_cells_are_safe_from_formulas_and_the_file_has_a_bom():
    assert [safe_cell(v) for v in ("=1+1", "+x", "-2", "@SUM(A1)", "\tx", "普通", None, 3)] == \
        ["'=1+1", "'+x", "'-2", "'@SUM(A1)", "'\tx", "普通", "", "3"]
    assert snippet_text("a <mark>&lt;script&gt;</mark> &amp; b") == "a <script> & b"
    hit = {"issue_title": "=HYPERLINK(\"x\")", "published": "2022-12-09", "kind": "周报", "type": "营商环境",
           "heading": ["窗口工作动态", "优化"], "departments": ["应急管理厅", "水利厅"], "snippet": "<mark>上门</mark>服务",
           "url": "/issues/2022-w40#p1", "page": 2, "source_url": "/issues/2022-w40/source#page=2"}
    data = csv_bytes([hit], "http://127.0.0.1:8000")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"
    assert "窗口工作动态 > 优化" in text and "应急管理厅、水利厅" in text
    assert "http://127.0.0.1:8000/issues/2022-w40#p1" in text and "\r\n" in text
