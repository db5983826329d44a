"""Format quirks the bulletins drift through over the years, each on a small text written here."""
from __future__ import annotations

from datetime import date

import pytest

from indexer.parsing.departments import find_departments
from indexer.parsing.markers import marker_of
from indexer.parsing.model import RefusedInput
from indexer.parsing.parser import parse_file

HEADER = """窗口工作周报

2021年第 7期（总第 330期）

四川省政府政务服务和公共资源交易服务中心 2021年 3月 5日

政务服务工作

（2月 22日—2月 26日）
"""

DISTRIBUTION = """
报：中心领导。

送：各相关省级部门（单位）。

发：各部门窗口。

（共印 80份）
"""


def parse_text(tmp_path, body: str, header: str = HEADER, encoding: str = "utf-8", name: str = "b.txt"):
    path = tmp_path / name
    path.write_bytes((header + "\n" + body + DISTRIBUTION).encode(encoding))
    return parse_file(str(path))


def by_text(bulletin, needle):
    found = [s for s in bulletin.sections if needle in s.text]
    assert len(found) == 1, f"{needle!r} in {len(found)} sections"
    return found[0]


def test_half_width_markers_nest_like_full_width(tmp_path):
    bulletin = parse_text(tmp_path, """一、窗口工作动态

(一) 窗口服务效能提升工作情况

(1) 近日，经信厅窗口为园区企业提供上门服务，现场解答技术改造备案和节能审查政策问题二十余项。

(2) 3月1日，人社厅窗口开展周末延时服务，为外出务工人员集中办结社保关系转移接续业务六十余件。

(二) 厅（局）长进大厅

(1) 3月2日，交通厅负责同志到窗口值守，体验道路运输许可办理流程，听取物流企业意见建议。
""")
    assert [s.id for s in bulletin.sections] == ["2021-w7-1-1-1", "2021-w7-1-1-2", "2021-w7-1-2-1"]
    first = bulletin.sections[0]
    assert first.heading[:2] == ["窗口工作动态", "窗口服务效能提升工作情况"]
    assert first.type == "窗口动态" and first.departments == ["经济和信息化厅"]
    assert bulletin.sections[1].departments == ["人力资源社会保障厅"]
    assert bulletin.sections[2].type == "厅长进大厅" and bulletin.sections[2].departments == ["交通运输厅"]


def test_number_dot_item_starting_with_a_date(tmp_path):
    bulletin = parse_text(tmp_path, """一、窗口工作动态

1.2月8日，应急厅窗口召开业务培训会，讲解非煤矿山安全生产许可办理流程和网上申报操作要点。

2.窗口全年累计受理并办结危险化学品经营许可1.5万件，较上年增长12%，群众满意率100%。
""")
    assert [s.id for s in bulletin.sections] == ["2021-w7-1-1", "2021-w7-1-2"]
    assert bulletin.sections[0].text.startswith("1.2月8日，应急厅窗口")
    assert bulletin.sections[0].departments == ["应急管理厅"]
    assert marker_of("1.2月8日，召开会议").number == 1
    assert marker_of("1.5万件已办结。") is None


def test_inline_headings_and_untitled_sub_blocks(tmp_path):
    bulletin = parse_text(tmp_path, """一、重点工作推进情况

（一）数字政府建设。持续完善项目初设，配合省发改委审查项目方案，推动总驾驶舱和应用场景建设。

（二）近日，省政府办公厅印发《关于进一步优化政务服务的通知》，明确了年度重点任务和责任分工。
""")
    titled, untitled = bulletin.sections
    assert titled.heading == ["重点工作推进情况", "数字政府建设"]
    assert titled.text.startswith("（一）数字政府建设。持续完善")
    assert titled.type == "重点工作" and titled.departments == ["省发展改革委"]
    assert untitled.heading[0] == "重点工作推进情况" and untitled.heading[1].startswith("（二）近日，省政府办公厅")
    assert untitled.departments == ["省政府办公厅"]


def test_tiny_items_stay_in_their_parent(tmp_path):
    bulletin = parse_text(tmp_path, """一、大厅巡查情况

本周大厅巡查情况如下：

（一）按时到岗情况。总体情况良好。

（二）着装情况。总体情况良好。

（三）纪律秩序。总体情况良好。
""")
    assert len(bulletin.sections) == 1
    section = bulletin.sections[0]
    assert section.type == "大厅巡查" and "纪律秩序" in section.text and "本周大厅巡查" in section.text


def test_period_line_before_the_center_name(tmp_path):
    header = """窗口工作周报

2019年第 48期（总第 250期）

（12月 23日—12月 27日）

四川省政府政务服务和公共资源交易服务中心

2020年 1月 3日
"""
    bulletin = parse_text(tmp_path, "一、窗口工作动态\n\n（1）近日，水利厅窗口办结取水许可三件。\n", header=header)
    issue = bulletin.issue
    assert issue.id == "2019-w48" and issue.total_number == 250
    assert issue.published == date(2020, 1, 3)
    # a December week published in January belongs to the year before
    assert issue.period == (date(2019, 12, 23), date(2019, 12, 27))


def test_monthly_bulletin(tmp_path):
    header = """政务窗口月报

第 3 期

四川省政府政务服务和公共资源交易服务中心

2025 年 4 月 10 日
"""
    bulletin = parse_text(tmp_path, """一、2025 年 3 月总体运行情况

3 月，省本级办理政务服务事项 4.8 万件。

二、窗口资讯

（一）3月12日，文旅厅窗口开展旅行社业务经营许可集中辅导。
""", header=header)
    issue = bulletin.issue
    assert (issue.id, issue.kind, issue.year, issue.number, issue.total_number) == ("2025-m3", "月报", 2025, 3, None)
    assert issue.period == (date(2025, 3, 1), date(2025, 3, 31))
    assert bulletin.sections[0].type == "办件统计" and "4.8万件" in bulletin.sections[0].text
    assert bulletin.sections[1].type == "窗口动态" and bulletin.sections[1].departments == ["文化和旅游厅"]


def test_attachment_with_a_two_column_list(tmp_path):
    body = """一、窗口工作动态

（1）近日，商务厅窗口开展“一网通办”专题培训，参训人员四十余名。

（2）近日，司法厅窗口开展公证业务集中办理，办结八十余件。
""" + DISTRIBUTION + """
附件

2023年度先进窗口名单

经济和信息化厅    住房城乡建设厅

省卫生健康委    省市场监管局
"""
    bulletin = parse_text(tmp_path, body)
    attachment = bulletin.sections[-1]
    assert attachment.type == "附件" and attachment.id == "2021-w7-fj1"
    assert attachment.departments == ["经济和信息化厅", "住房城乡建设厅", "省卫生健康委", "省市场监管局"]
    # each row keeps its two cells apart, and the distribution block before it is gone
    assert any("\u3000" in p.text or " " in p.text for p in attachment.paragraphs)
    assert all("共印" not in s.text and "报：" not in s.text for s in bulletin.sections)


def test_hard_wrapped_text_is_joined_into_paragraphs(tmp_path):
    body = """一、窗口工作动态

（1）近日，应急厅窗口组织工作人员为省内三家企业提供行政

许可申报前上门辅导服务，讲解了新修订的安全生产法等法律法规，

听取了企业基本情况介绍。

（2）水利厅窗口推进取水许可电子证照应用，全年生成电子证照

八千余份，与去年同期相比增长了百分之二十五以上，办件群众满

意率达到百分之百。
"""
    bulletin = parse_text(tmp_path, body)
    first = by_text(bulletin, "上门辅导服务")
    assert len(first.paragraphs) == 1
    assert "提供行政许可申报前上门辅导服务" in first.text


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "gb18030"])
def test_encodings_are_detected_not_guessed(tmp_path, encoding):
    body = "一、窗口工作动态\n\n（1）近日，省卫健委窗口开展主动上门服务。\n"
    reference = parse_text(tmp_path, body, name="ref.txt")
    other = parse_text(tmp_path, body, encoding=encoding, name="other.txt")
    assert [s.to_dict() for s in other.sections] == [s.to_dict() for s in reference.sections]


def test_national_bodies_and_bare_window_name_no_department():
    text = ("为贯彻落实住房和城乡建设部、国家矿山安全监察局、广电总局和国务院办公厅的要求，"
            "厅窗口联系群众。国家发展改革委和成都市卫健委也参加了。")
    assert find_departments(text) == []
    assert find_departments("省卫健委会同应急厅、住建厅和四川省发展和改革委员会") == [
        "省卫生健康委", "应急管理厅", "住房城乡建设厅", "省发展改革委"]


def test_a_text_without_issue_number_is_not_a_bulletin(tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text("会议纪要\n\n一、会议内容\n\n本次会议讨论了食堂菜单调整事项。\n", "utf-8")
    with pytest.raises(RefusedInput, match="not a bulletin"):
        parse_file(str(path))
