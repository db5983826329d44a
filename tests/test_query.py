"""The query language and the request parameters, as plain data (no index needed)."""
from __future__ import annotations

from datetime import date

import pytest

from indexer.search.errors import BadParameter
from indexer.search.params import parse_params
from indexer.search.query import parse_query


def shape(q):
    parsed = parse_query(q)
    return ([[(t.text, t.phrase, t.department) for t in g] for g in parsed.groups],
            [(t.text, t.phrase, t.department) for t in parsed.excluded])


def test_words_phrases_exclusions_and_or():
    assert shape('上门服务 "综合窗口" -应急厅 巡查 OR 到岗') == (
        [[("上门服务", False, None)], [("综合窗口", True, None)],
         [("巡查", False, None), ("到岗", False, None)]],
        [("应急厅", False, "应急管理厅")])


def test_department_forms_name_their_canonical_department():
    assert shape("住建厅")[0] == [[("住建厅", False, "住房城乡建设厅")]]
    assert shape("省卫健委")[0] == [[("省卫健委", False, "省卫生健康委")]]


def test_chinese_quotes_make_a_phrase_too():
    assert shape("“上门服务”")[0] == [[("上门服务", True, None)]]


@pytest.mark.parametrize("q, groups", [
    ('"上门服务', [["上门服务"]]),  # unclosed quote: plain words
    ("上门 -", [["上门"]]),  # lone minus
    ("AND", []),
    ("OR 上门 OR", [["上门"]]),
    ("上门* : ~ ()", [["上门"]]),
    ("*", []),
    ("", []),
])
def test_broken_syntax_reads_as_plain_words(q, groups):
    assert [[t.text for t in g] for g in parse_query(q).groups] == groups


def test_words_carry_their_segments():
    (term,), = parse_query("上门服务").groups
    assert term.segments == ("上门", "服务")


def test_very_long_input_is_bounded():
    parsed = parse_query("上门 " * 10_000)
    assert len(parsed.groups) <= 16


def test_params_read_into_plain_data():
    p = parse_params([("q", " 上门 "), ("department", "应急厅"), ("department", "水利厅"),
                      ("year", "2022"), ("kind", "周报"), ("from", "2022-01-01"), ("to", ""),
                      ("sort", "newest"), ("page", "2"), ("per_page", "50"), ("other", "x")])
    assert (p.q, p.department, p.year, p.kind, p.date_from, p.date_to, p.sort, p.page, p.per_page) == (
        "上门", ["应急管理厅", "水利厅"], ["2022"], "周报", date(2022, 1, 1), None, "newest", 2, 50)


@pytest.mark.parametrize("name, value", [
    ("year", "20x2"), ("year", "22"), ("year", "3022"), ("page", "0"), ("page", "-1"),
    ("page", "1.5"), ("per_page", "0"), ("per_page", "101"), ("from", "2022-13-01"),
    ("to", "yesterday"), ("sort", "best"), ("kind", "年报"), ("page", "９"),
])
def test_bad_parameters_name_the_parameter_and_the_problem(name, value):
    with pytest.raises(BadParameter) as caught:
        parse_params([(name, value)])
    assert str(caught.value).startswith(f"{name}: ") and caught.value.name == name
