"""Snippets: which part of a long paragraph a hit shows, and what is marked in it (pure text)."""
from __future__ import annotations

from indexer.search.query import parse_query
from indexer.search.snippets import SNIPPET_CHARS, highlighter_for, snippet

FILLER = "窗口工作人员按照规定办理各项业务，" * 8  # ~140 characters with none of the query


def _snippet(query: str, text: str) -> str:
    return snippet(highlighter_for(parse_query(query)), text)


def test_a_long_paragraph_shows_the_phrase_written_whole_rather_than_its_words_apart():
    text = "首先上门了解企业需求，" + FILLER + "服务对象满意。" + FILLER + "此次上门服务共解决问题三个。"
    shown = _snippet("上门服务", text)
    assert "<mark>上门服务</mark>" in shown and shown.startswith("…")


def test_a_window_holding_every_word_beats_the_first_match():
    text = "应急厅" + FILLER * 2 + "应急管理厅开展上门辅导服务。"
    shown = _snippet("应急厅 辅导", text)
    assert "<mark>应急管理厅</mark>" in shown and "<mark>辅导</mark>" in shown


def test_of_equal_windows_the_first_is_shown_and_a_short_paragraph_is_whole():
    text = "上门服务在前。" + FILLER * 2 + "上门服务在后。"
    assert _snippet("上门服务", text).startswith("<mark>上门服务</mark>在前")
    short = "省应急厅开展上门服务。"
    assert _snippet("上门服务", short) == "省应急厅开展<mark>上门服务</mark>。"


def test_the_snippet_is_escaped_and_no_longer_than_its_width_plus_ellipses():
    text = "<b>上门</b>" + FILLER * 3
    shown = _snippet("上门", text)
    assert "&lt;b&gt;<mark>上门</mark>&lt;/b&gt;" in shown
    plain = shown.replace("<mark>", "").replace("</mark>", "").replace("&lt;", "<").replace("&gt;", ">")
    assert len(plain) <= SNIPPET_CHARS + 2
