"""Format drift a reviewer found in bulletins of the series, each on a small text written here and,
where the defect is one of layout, also typeset as a PDF and hard-wrapped as a PDF extraction is:
every form of one bulletin must give the same section ids and texts."""
from __future__ import annotations

import re

import pytest

from indexer.demo.pdf import EM, LEFT, MEASURE, break_lines, text_width
from indexer.parsing.markers import marker_of
from indexer.parsing.parser import parse_file
from indexer.parsing.section_types import section_type

HEADER = """窗口工作周报

2023年第 12期（总第 452期）

四川省政府政务服务和公共资源交易服务中心 2023年 4月 7日

政务服务工作

（3月 27日—3月 31日）
"""

DISTRIBUTION = """
报：中心领导。

送：各相关省级部门（单位），中心各处（室）、直属单位。

发：各部门窗口。

（共印 80份）
"""

FORMS = ["txt", "pdf", "hard"]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- writing the forms of one bulletin

_TRAILER = re.compile(r"^(?:[报送发]|报\s*送|抄\s*送|分送)\s*：|^（共印|印发$|^责任编辑")
_CELLS = re.compile(r" {2,}|\t")
PAGE_WIDTH, PAGE_HEIGHT, TOP, PITCH, SIZE = 595.28, 841.89, 90.0, 28.0, 15.5
ROWS_A_PAGE = 24

Row = list[tuple[float, str, float, float]]  # (x, text, character spacing, size) on one baseline


def _centred(text: str) -> Row:
    return [(PAGE_WIDTH / 2 - text_width(text, SIZE, 0) / 2, text, 0.0, SIZE)]


def _layout(text: str) -> list[list[Row]]:
    """Pages of rows, set as the originals are: header lines centred, body paragraphs with a
    two-character indent and justified lines, the trailer flush left, an attachment on
    a page of its own with its title centred and its list in two columns."""
    pages: list[list[Row]] = [[]]
    blocks = [b.strip() for b in text.splitlines() if b.strip()]
    start = next(i for i, b in enumerate(blocks) if re.match(r"^[一二三四五六七八九十]+、", b))
    in_attachment = False
    for index, block in enumerate(blocks):
        rows: list[Row] = []
        if index < start and not re.search("[，。]", block):
            rows = [_centred(block)]
        elif re.match(r"^附\s*件\s*\d*$", block):
            in_attachment = True
            pages.append([])
            rows = [[(LEFT, block, 0.29, SIZE)]]
        elif in_attachment and _CELLS.search(block):
            rows = [[(LEFT + 2 * EM + k * MEASURE / 2, cell, 0.29, SIZE) for k, cell in enumerate(_CELLS.split(block))]]
        elif in_attachment and not re.search("[，。；]", block):
            rows = [_centred(block)]
        elif _TRAILER.search(block):  # smaller, flush left, a second cell flush right
            cells = _CELLS.split(block)
            rows = [[(LEFT, cells[0], 0.29, 13.0)] + [(LEFT + MEASURE - text_width(c, 13.0), c, 0.29, 13.0) for c in cells[1:]]]
        else:
            for k, (line, last) in enumerate(break_lines(block)):
                indent = 2 * EM if k == 0 else 0
                spacing = 0.29 if last else 0.29 + (MEASURE - indent - text_width(line, SIZE)) / max(1, len(line) - 1)
                rows.append([(LEFT + indent, line, spacing, SIZE)])
        for row in rows:
            if len(pages[-1]) == ROWS_A_PAGE:
                pages.append([])
            pages[-1].append(row)
    return pages


def write_pdf(text: str, path, fake_bold: bool = False) -> None:
    """Typeset ``text``; with ``fake_bold`` headings are drawn twice, 0.4 pt apart, as some
    originals make bold type."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    for number, page in enumerate(_layout(text), start=1):
        for k, row in enumerate(page):
            for x, line, spacing, size in row:
                canvas.setFont("STSong-Light", size)
                canvas.drawString(x, PAGE_HEIGHT - TOP - k * PITCH, line, charSpace=spacing)
                if fake_bold and marker_of(line) and len(line) < 20:
                    canvas.drawString(x + 0.4, PAGE_HEIGHT - TOP - k * PITCH, line, charSpace=spacing)
        canvas.setFont("STSong-Light", 14)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 800, f"— {number} —")
        canvas.showPage()
    canvas.save()


def hard_wrapped(text: str) -> str:
    """The text a PDF extraction gives: every typeset line on its own, blank lines between, the
    numbers spaced out (`2023 年 3 月`) and page numbers left in."""
    out = []
    for number, page in enumerate(_layout(text), start=1):
        for row in page:
            line = "    ".join(cell for _, cell, _, _ in row)
            out.append(re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", line))
        out.append(f"— {number} —")
    return "\n\n".join(out) + "\n"


def parse_forms(tmp_path, body: str, header: str = HEADER, tail: str = DISTRIBUTION, forms=FORMS):
    """Parse one bulletin in the given forms: `txt` (one paragraph a line), `pdf`, `hard`."""
    text = header + "\n" + body + tail
    parsed = {}
    for form in forms:
        path = tmp_path / f"{form}.{'pdf' if form == 'pdf' else 'txt'}"
        if form == "pdf":
            write_pdf(text, path)
        else:
            path.write_text(text if form == "txt" else hard_wrapped(text), encoding="utf-8")
        parsed[form] = parse_file(str(path))
    return parsed


def outline(bulletin) -> list[tuple[str, str]]:
    """Each section as (id, text with whitespace removed)."""
    return [(s.id, squeeze(s.text)) for s in bulletin.sections]


def same_in_every_form(parsed) -> list[tuple[str, str]]:
    forms = list(parsed)
    for form in forms[1:]:
        assert outline(parsed[form]) == outline(parsed[forms[0]]), form
    return outline(parsed[forms[0]])


def nothing_lost(bulletin, body: str) -> None:
    """Every line of the body stands in some section's text, or is a heading in some heading path."""
    texts = squeeze("".join(s.text for s in bulletin.sections))
    headings = {squeeze(title) for s in bulletin.sections for title in s.heading}
    for block in body.splitlines():
        marker = marker_of(block.strip())
        title = squeeze(marker.rest).rstrip("：。") or marker.token if marker else None
        for cell in _CELLS.split(block.strip()):
            assert squeeze(cell) in texts or title in headings, cell


def by_id(bulletin) -> dict:
    return {s.id: s for s in bulletin.sections}


# ---------------------------------------------------------------- the outline of markers


def test_numbered_groups_of_an_attachment_stay_in_the_attachment(tmp_path):
    body = """一、窗口工作动态

（1）3月28日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。

（2）3月30日，司法厅窗口开展法律职业资格证书集中发放，现场发证85本。

二、大厅巡查情况

本周大厅巡查情况如下：

（一）按时到岗情况。总体情况良好。

（二）纪律秩序。总体情况良好。
"""
    attachment = """
附件

2022年度先进窗口和优秀窗口工作人员名单

一、先进窗口（4个）

经信厅窗口    住建厅窗口

省卫健委窗口    省市场监管局窗口

二、优秀窗口工作人员（4名）

张  三（应急厅）    李  四（人社厅）

王  五（交通厅）    赵  六（文旅厅）
"""
    parsed = parse_forms(tmp_path, body, tail=DISTRIBUTION + attachment)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == [
        "2023-w12-1-1", "2023-w12-1-2", "2023-w12-2", "2023-w12-fj1", "2023-w12-fj1-1", "2023-w12-fj1-2"]
    sections = by_id(parsed["txt"])
    assert all(sections[i].type == "附件" for i in ("2023-w12-fj1", "2023-w12-fj1-1", "2023-w12-fj1-2"))
    assert sections["2023-w12-fj1-1"].departments == ["经济和信息化厅", "住房城乡建设厅", "省卫生健康委", "省市场监管局"]
    assert "文旅厅" in sections["2023-w12-fj1-2"].text and "纪律秩序" in sections["2023-w12-2"].text
    nothing_lost(parsed["txt"], body + attachment)
    # an extraction that joins the two cells of a row with one space, in a text of mostly short lines
    squeezed = tmp_path / "squeezed.txt"
    squeezed.write_text(hard_wrapped(HEADER + "\n" + body + DISTRIBUTION + attachment).replace("    ", " "), "utf-8")
    assert outline(parse_file(str(squeezed))) == outline(parsed["txt"])


def test_items_of_another_style_nest_inside_the_item_before_them(tmp_path):
    body = """一、窗口工作动态

（一）窗口工作制度

（1）省卫健委窗口制定并落实以下制度：

1.首问负责制。第一位接待群众的工作人员负责引导办理，不得推诿，直至事项办结。

2.一次性告知制。对材料不全的申请一次性告知申请人需补正的全部内容和办理方式。

（2）住建厅窗口推行“周末不打烊”服务，本季度周末累计办件320件，接受咨询900余人次。

（二）厅（局）长进大厅

（1）３月３０日，公安厅副厅长到公安窗口值守，现场体验出入境证件办理流程。

１．３月３０日，公安厅窗口为外籍人员集中办理工作类居留许可２０件，当日全部办结。

２．３月３１日，民政厅窗口为社会组织集中办理年检事项３０件，群众满意率１００％。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == [
        "2023-w12-1-1-1", "2023-w12-1-1-1-1", "2023-w12-1-1-1-2", "2023-w12-1-1-2",
        "2023-w12-1-2-1", "2023-w12-1-2-1-1", "2023-w12-1-2-1-2"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-1-1-1-2"].text.startswith("2.一次性告知制")
    assert sections["2023-w12-1-1-1-2"].heading[-2:] == ["（1）省卫健委窗口制定并落实以下制度：", "一次性告知制"]
    assert sections["2023-w12-1-1-2"].departments == ["住房城乡建设厅"]
    assert sections["2023-w12-1-2-1-2"].type == "厅长进大厅" and sections["2023-w12-1-2-1-2"].departments == ["民政厅"]
    nothing_lost(parsed["txt"], body)


# ---------------------------------------------------------------- where a block starts


def test_an_item_without_its_full_stop_does_not_swallow_the_next(tmp_path):
    body = """一、窗口工作动态

（一）窗口服务效能提升工作情况

（1）3月28日，人社厅窗口开展“社保服务进园区”活动，为园区企业现场办理社保登记、参保信息变更等业务46件，发放政策宣传资料200余份

（2）3月29日，省税务局窗口组织开展新办纳税人“套餐式”服务专题培训，讲解发票申领、税费申报等高频事项办理流程。

（3）3月30日，文旅厅窗口对导游资格证补办事项实行“即来即办”，全年累计办结此类事项1200余件（含线上办理）

（二）厅（局）长进大厅

（1）3月31日，教育厅副厅长到省政务服务大厅教育窗口开展“厅（局）长进大厅”活动，详细了解教师资格认定等事项的办理情况。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1-1-1", "2023-w12-1-1-2", "2023-w12-1-1-3", "2023-w12-1-2-1"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-1-1-1"].text.endswith("200余份") and sections["2023-w12-1-1-1"].departments == ["人力资源社会保障厅"]
    assert sections["2023-w12-1-1-2"].departments == ["四川省税务局"]
    assert sections["2023-w12-1-2-1"].type == "厅长进大厅"


def test_an_item_starting_with_a_count_is_the_item_due_next(tmp_path):
    body = """一、窗口工作动态

（一）窗口服务效能提升工作情况

1.2月8日，应急厅窗口召开危险化学品经营许可业务培训会，讲解网上申报操作要点，参训企业代表60余人。

2.12个市（州）政务服务中心与省自然资源厅窗口建立不动产登记协同机制，实现跨层级联办。

3.5家企业在省药监局窗口指导下完成第二类医疗器械注册申报，平均办理时长压缩30%。

4.2023年以来，交通厅窗口累计办理大件运输许可1.2万件，办件满意率100%。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1-1-1", "2023-w12-1-1-2", "2023-w12-1-1-3", "2023-w12-1-1-4"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-1-1-2"].text.startswith("2.12个市（州）") and sections["2023-w12-1-1-2"].departments == ["自然资源厅"]
    assert sections["2023-w12-1-1-3"].departments == ["省药监局"]
    # with no item 1 open, 1.5 is still a number
    assert marker_of("1.5万件以上的大宗业务由窗口专人负责。") is None


HARD_WRAPPED_ENUMERATION = """一、窗口工作动态

（一）窗口服务效能提升工作情况

（1）农业农村厅窗口对农药经营许可、兽药经营许可等事项实

行分级分类审批，对一、二级风险事项实行告知承诺，对三、四级

风险事项实行现场核查，进一步压缩审批时限，本季度一、

二、三级风险事项平均办理时长分别压缩至1个、3个、5个工作

日，较法定时限提速60%以上，企业申请材料平均精简30%。

（2）商务厅窗口本周办理对外贸易经营者备案登记等事项共计

245件，其中全程网办232件，网办率达94.7%，同比提高8个百分

点，受到表扬。

1.5万件以上的大宗业务由窗口专人负责，实行“一对一”跟踪。

（3）审计厅窗口推行内部审计业务“线上指导”，本周答复咨询

15件。

二、大厅巡查情况

本周巡查发现，个别窗口工作人员离岗未放置暂停服务牌，已当场指

出并督促整改。
"""


def test_a_hard_wrapped_line_starting_like_a_heading_continues_its_sentence(tmp_path):
    hard = tmp_path / "hard.txt"
    hard.write_text(HEADER + "\n" + HARD_WRAPPED_ENUMERATION + DISTRIBUTION, encoding="utf-8")
    bulletin = parse_file(str(hard))
    assert [s.id for s in bulletin.sections] == ["2023-w12-1-1-1", "2023-w12-1-1-2", "2023-w12-1-1-3", "2023-w12-2"]
    first = bulletin.sections[0]
    assert "本季度一、二、三级风险事项平均办理时长" in first.text and first.type == "窗口动态"
    assert "1.5万件以上的大宗业务" in bulletin.sections[1].text
    assert bulletin.sections[3].type == "大厅巡查"
    # the same bulletin one paragraph a line, and as a PDF
    lines = HARD_WRAPPED_ENUMERATION.split("\n\n")
    paragraphs = "\n\n".join(lines[:2] + ["".join(lines[2:7]), "".join(lines[7:10]), lines[10], "".join(lines[11:13]),
                                           lines[13], "".join(lines[14:])])
    parsed = parse_forms(tmp_path, paragraphs, forms=["txt", "pdf"])
    assert outline(parsed["txt"]) == outline(parsed["pdf"]) == outline(bulletin)


# ---------------------------------------------------------------- the trailer

TRAILERS = {
    "报送/抄送": "\n报送：省政府办公厅，省政务服务管理办公室。\n\n抄送：各相关省级部门（单位）。\n\n（共印 80份）\n",
    "分送": "\n分送：省政府办公厅、省级各部门（单位）窗口，中心各处（室）。\n\n（共印 80份）\n",
    "letter-spaced": "\n报  送：省政府办公厅。\n\n抄  送：各相关省级部门（单位）。\n",
    "printed by, first": "\n四川省政府政务服务和公共资源交易服务中心综合处      2023年4月7日印发\n\n报：中心领导。\n",
    "editor and phone": "\n责任编辑：张三        联系电话：028-12345678\n\n报：中心领导。\n\n发：各部门窗口。\n",
    "footer alone": "\n四川省政府政务服务和公共资源交易服务中心综合处      2023年4月7日印发\n",
}


@pytest.mark.parametrize("trailer", list(TRAILERS))
def test_no_variant_of_the_trailer_leaks_into_the_last_section(tmp_path, trailer):
    body = """一、窗口工作动态

（1）3月28日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。

（2）3月30日，省政府办公厅印发通知，司法厅窗口开展法律职业资格证书集中发放，现场发证85本。
"""
    parsed = parse_forms(tmp_path, body, tail=TRAILERS[trailer])
    sections = same_in_every_form(parsed)
    assert sections == [
        ("2023-w12-1-1", "（1）3月28日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。"),
        ("2023-w12-1-2", "（2）3月30日，省政府办公厅印发通知，司法厅窗口开展法律职业资格证书集中发放，现场发证85本。"),
    ]
    assert parsed["txt"].sections[1].departments == ["省政府办公厅", "司法厅"]


# ---------------------------------------------------------------- what a heading is


def test_a_heading_may_close_with_a_colon_or_a_full_stop(tmp_path):
    body = """一、窗口工作动态。

（一）窗口服务效能提升工作情况

（1）3月28日，省卫健委窗口本周办结许可12件，其中医疗机构执业许可8件，群众满意率100%。

（二）厅（局）长进大厅：

（1）3月30日，公安厅副厅长到公安窗口值守，现场体验出入境证件办理流程，并与办事群众交流。

（三）大厅巡查情况：

本周巡查发现，个别窗口存在工作人员离岗未放置暂停服务牌的情况，已当场指出并督促整改。

二、厅局长进大厅

3月31日，水利厅副厅长到水利窗口值守，详细了解取水许可审批等事项的办理情况。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1-1-1", "2023-w12-1-2-1", "2023-w12-1-3", "2023-w12-2"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-1-1-1"].heading[0] == "窗口工作动态"
    assert sections["2023-w12-1-2-1"].heading[1] == "厅（局）长进大厅"
    assert [s.type for s in sections.values()] == ["窗口动态", "厅长进大厅", "大厅巡查", "厅长进大厅"]
    assert sections["2023-w12-1-3"].text.startswith("本周巡查发现")
    nothing_lost(parsed["txt"], body)


def test_a_long_heading_alone_on_its_line_is_a_heading(tmp_path):
    body = """一、省级政务服务事项受理办理情况

据四川一体化政务服务平台数据统计，2023年1月1日至2023年3月31日，省本级行政许可事项受理182560件，办结180233件。

二、全省一体化政务服务平台省本级事项受理办理总体运行情况

3月，省本级通过一体化政务服务平台受理政务服务事项6.2万件，办结6.1万件。

三、窗口工作动态

（一）“高效办成一件事”专项行动重点事项清单落地推进工作情况

（1）3月28日，省医保局窗口牵头推进“医疗费用报销一件事”，实现线上一次申请、材料一次提交。

（2）3月29日，省残联窗口推进“残疾人服务一件事”，整合残疾人证办理等6个事项。

（二）省本级各进驻部门窗口服务群众和企业办事满意度调查情况

3月，中心对各进驻部门窗口开展满意度调查，收回有效问卷1200份，满意率99.2%。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1", "2023-w12-2", "2023-w12-3-1-1", "2023-w12-3-1-2", "2023-w12-3-2"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-2"].type == "办件统计" and sections["2023-w12-2"].text.startswith("3月，省本级")
    assert sections["2023-w12-3-1-2"].type == "一件事" and sections["2023-w12-3-1-2"].departments == ["省残联"]
    assert sections["2023-w12-3-2"].heading == ["窗口工作动态", "省本级各进驻部门窗口服务群众和企业办事满意度调查情况"]
    assert sections["2023-w12-3-2"].text.startswith("3月，中心对各进驻部门窗口")
    nothing_lost(parsed["txt"], body)


def test_a_short_item_without_punctuation_is_not_lost(tmp_path):
    body = """一、大厅巡查情况

（一）按时到岗情况。本周抽查各部门窗口到岗情况3次，发现个别窗口工作人员迟到，已当场提醒并通报所在部门。

（二）着装情况良好

（三）纪律秩序。本周巡查发现个别窗口工作人员在工作时间使用手机处理私人事务，已督促整改到位。

二、下周工作安排

三、其他事项

下周将继续做好窗口服务保障工作，确保大厅运行平稳有序。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1-1", "2023-w12-1-2", "2023-w12-1-3", "2023-w12-2", "2023-w12-3"]
    sections = by_id(parsed["txt"])
    assert sections["2023-w12-1-2"].text == "（二）着装情况良好" and sections["2023-w12-1-2"].type == "大厅巡查"
    assert sections["2023-w12-2"].text == "二、下周工作安排"
    nothing_lost(parsed["txt"], body)


def test_a_table_of_contents_is_not_the_body(tmp_path):
    body = """本期要目

一、省级政务服务事项受理办理情况

二、窗口工作动态

一、省级政务服务事项受理办理情况

据四川一体化政务服务平台数据统计，2023年1月1日至2023年3月31日，省本级行政许可事项受理182560件，办结180233件。

二、窗口工作动态

（1）3月28日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。
"""
    parsed = parse_forms(tmp_path, body, forms=["txt"])
    assert [i for i, _ in outline(parsed["txt"])] == ["2023-w12-1", "2023-w12-2-1"]
    assert parsed["txt"].sections[0].text.startswith("据四川一体化")


@pytest.mark.parametrize("heading", ["厅（局）长进大厅", "厅(局)长进大厅", "厅局长进大厅", "局长进大厅"])
def test_every_spelling_of_the_directors_visit_has_its_type(heading):
    assert section_type([heading]) == "厅长进大厅"
    assert section_type(["窗口工作动态", heading]) == "厅长进大厅"


# ---------------------------------------------------------------- attachments

HALL_INSPECTION = """一、窗口工作动态

（1）3月28日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。

二、大厅巡查情况

本周大厅巡查情况如下：

（一）按时到岗情况。总体情况良好。

（二）纪律秩序。总体情况良好。
"""


@pytest.mark.parametrize("note", ["附件：1.2022年度先进窗口名单\n\n2.2022年度优秀窗口工作人员名单\n",
                                  "附件：2022年度先进窗口名单和优秀窗口工作人员名单\n"], ids=["listed", "one title"])
def test_the_note_announcing_the_attachments_is_no_attachment(tmp_path, note):
    attachments = """
附件1

2022年度先进窗口名单

经信厅窗口    住建厅窗口

附件2

2022年度优秀窗口工作人员名单

张三（应急厅）    李四（人社厅）
"""
    body = HALL_INSPECTION + "\n" + note
    parsed = parse_forms(tmp_path, body, tail=DISTRIBUTION + attachments)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-1-1", "2023-w12-2", "2023-w12-fj1", "2023-w12-fj2"]
    sections = by_id(parsed["txt"])
    # the note stays text at the end of the body; the hall-inspection items stay together
    assert squeeze(note) in squeeze(sections["2023-w12-2"].text) and "纪律秩序" in sections["2023-w12-2"].text
    assert sections["2023-w12-fj1"].departments == ["经济和信息化厅", "住房城乡建设厅"]
    assert sections["2023-w12-fj2"].type == "附件" and "李四" in sections["2023-w12-fj2"].text


def test_a_one_column_list_keeps_one_paragraph_a_row(tmp_path):
    attachment = """
附件

2022年度先进窗口名单

经济和信息化厅

住房城乡建设厅

省卫生健康委
"""
    parsed = parse_forms(tmp_path, HALL_INSPECTION, tail=DISTRIBUTION + attachment)
    same_in_every_form(parsed)
    for form, bulletin in parsed.items():
        attachment_section = by_id(bulletin)["2023-w12-fj1"]
        assert [p.text for p in attachment_section.paragraphs] == [
            "2022年度先进窗口名单", "经济和信息化厅", "住房城乡建设厅", "省卫生健康委"], form
        assert attachment_section.departments == ["经济和信息化厅", "住房城乡建设厅", "省卫生健康委"]


# ---------------------------------------------------------------- before the first heading


@pytest.mark.parametrize("close", ["。", "：", "如下："], ids=["full stop", "colon", "longer, colon"])
def test_the_introduction_before_the_first_heading_is_kept_without_the_header(tmp_path, close):
    body = f"""本周，省政务服务大厅共接待办事群众3.2万人次，各窗口运行平稳有序，截至2023年3月31日累计办件超过百万件，现将有关情况通报如下{close}

一、省级政务服务事项受理办理情况

据四川一体化政务服务平台数据统计，2023年1月1日至2023年3月31日，省本级行政许可事项受理182560件，办结180233件。
"""
    parsed = parse_forms(tmp_path, body)
    sections = same_in_every_form(parsed)
    assert [i for i, _ in sections] == ["2023-w12-0", "2023-w12-1"]
    intro = parsed["txt"].sections[0]
    assert intro.text == body.split("\n")[0] and intro.heading == ["导语"]
    assert parsed["pdf"].sections[0].paragraphs[0].page == 1
    for bulletin in parsed.values():
        assert bulletin.issue.id == "2023-w12" and bulletin.issue.published.isoformat() == "2023-04-07"
        assert not any(word in s.text for s in bulletin.sections for word in ("周报", "服务中心", "政务服务工作", "452"))


# ---------------------------------------------------------------- the header

ONE_ITEM = "一、窗口工作动态\n\n（1）近日，民政厅窗口为社会组织集中办理成立登记、变更登记等事项，当日办结12件。\n"
CENTER = "四川省政府政务服务和公共资源交易服务中心"


@pytest.mark.parametrize("header,issue_id,published,period", [
    # no masthead text: a monthly written 2025年第11期, out the month after the one it covers
    (f"2025年第11期\n\n{CENTER}\n\n2025年12月12日\n", "2025-m11", "2025-12-12", ("2025-11-01", "2025-11-30")),
    # no masthead text, no year, no period: the running total and the number say weekly
    (f"第40期（总第415期）\n\n{CENTER}  2022年12月9日\n", "2022-w40", "2022-12-09", ("2022-12-03", "2022-12-09")),
    # a number up to 12 but a week's period: weekly
    (f"2025年第3期\n\n{CENTER}  2025年1月24日\n\n（1月13日—1月17日）\n", "2025-w3", "2025-01-24", ("2025-01-13", "2025-01-17")),
    # before 2025 there was no monthly
    (f"2023年第2期\n\n{CENTER}  2023年3月3日\n", "2023-w2", "2023-03-03", ("2023-02-25", "2023-03-03")),
], ids=["monthly, year in number", "weekly, total only", "weekly, small number", "weekly, before 2025"])
def test_the_kind_of_an_issue_without_masthead_text(tmp_path, header, issue_id, published, period):
    issue = parse_forms(tmp_path, ONE_ITEM, header=header, forms=["txt"])["txt"].issue
    assert (issue.id, issue.published.isoformat(), tuple(d.isoformat() for d in issue.period)) == (
        issue_id, published, period)


@pytest.mark.parametrize("published,heading,period", [
    ("2025年12月12日", "一、2025年1月至11月总体运行情况", ("2025-11-01", "2025-11-30")),
    ("2025年12月12日", "一、1—11月总体运行情况", ("2025-11-01", "2025-11-30")),
    ("2025年11月28日", "一、11月总体运行情况", ("2025-11-01", "2025-11-30")),
    ("2026年1月12日", "一、12月总体运行情况", ("2025-12-01", "2025-12-31")),
], ids=["cumulative with year", "cumulative", "published the same month", "December out in January"])
def test_a_monthly_covers_the_last_month_its_first_heading_names(tmp_path, published, heading, period):
    header = f"政务窗口月报\n\n第11期\n\n{CENTER}\n\n{published}\n"
    body = f"{heading}\n\n本月，省本级办理政务服务事项5.4万件。\n"
    bulletin = parse_forms(tmp_path, body, header=header, forms=["txt"])["txt"]
    assert tuple(d.isoformat() for d in bulletin.issue.period) == period
    assert bulletin.sections[0].type == "办件统计"


@pytest.mark.parametrize("center_line,period_line", [
    (f"{CENTER}  2022年12月9日", "11月21日—11月25日"),
    (f"{CENTER}  2022年12月9日", "（2022.11.21—2022.11.25）"),
    (f"{CENTER}  二〇二二年十二月九日", "（11月21日—11月25日）"),
    (f"{CENTER}  2022/12/9", "（11月21日—11月25日）"),
], ids=["period without brackets", "dotted period", "date in Chinese numerals", "slashed date"])
def test_header_dates_written_other_ways(tmp_path, center_line, period_line):
    header = f"窗口工作周报\n\n2022年第40期（总第415期）\n\n{center_line}\n\n{period_line}\n"
    bulletin = parse_forms(tmp_path, ONE_ITEM, header=header, forms=["txt"])["txt"]
    assert bulletin.warnings == []
    issue = bulletin.issue
    assert (issue.id, issue.published.isoformat(), tuple(d.isoformat() for d in issue.period)) == (
        "2022-w40", "2022-12-09", ("2022-11-21", "2022-11-25"))


def test_headings_in_fake_bold_are_read_once(tmp_path):
    body = """一、省级政务服务事项受理办理情况

据四川一体化政务服务平台数据统计，2024年1月1日至2024年5月10日，省本级行政许可事项受理298114件。

二、窗口工作动态

（一）优化营商环境工作开展情况

（1）经信厅窗口聚焦企业技术改造项目备案“堵点”，将备案办理时限由5个工作日压缩至2个工作日。
"""
    text = HEADER + "\n" + body + DISTRIBUTION
    write_pdf(text, tmp_path / "bold.pdf", fake_bold=True)
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    bold, plain = parse_file(str(tmp_path / "bold.pdf")), parse_file(str(tmp_path / "b.txt"))
    assert outline(bold) == outline(plain)
    assert [s.heading[:2] for s in bold.sections] == [["省级政务服务事项受理办理情况"], ["窗口工作动态", "优化营商环境工作开展情况"]]
    assert [s.type for s in bold.sections] == ["办件统计", "营商环境"]


def test_a_heading_cut_after_its_first_typeset_line_in_a_text_of_short_paragraphs(tmp_path):
    """A .txt with one paragraph a line whose paragraphs are all short (one and a half typeset
    lines, so it looks hard-wrapped by width alone), and whose long headings were cut where the PDF
    broke them."""
    body = """一、全省一体化政务服务平台省本级事项受理办理总体运行情况

据统计，6月3日至6月7日，省本级受理政务服务事项1.2万件，办结1.1万件，按时办结率100%。

二、窗口工作动态

（一）“高效办成一件事”专项行动重点事项清单落地推进工作情况

（1）住建厅窗口推行“周末不打烊”服务，本季度周末累计办件320件，接受咨询900余人次。

（2）省医保局窗口推进“医疗费用报销一件事”，实现线上一次申请、材料一次提交、结果一次送达。

（二）厅（局）长进大厅

（1）6月5日，水利厅副厅长到水利窗口值守，详细了解取水许可审批等事项的办理情况。

（2）6月6日，商务厅副厅长到商务窗口值守，面对面听取办事企业对政务服务的意见建议。

（3）6月7日，审计厅副厅长到审计窗口值守，现场体验内部审计业务事项的办理流程。
"""
    cut = (body.replace("总体运行情况", "总体运行\n\n情况")
           .replace("落地推进工作情况", "落地推进\n\n工作情况"))
    parsed = parse_forms(tmp_path, body, forms=["txt"])
    (tmp_path / "cut.txt").write_text(HEADER + "\n" + cut + DISTRIBUTION, encoding="utf-8")
    bulletin = parse_file(str(tmp_path / "cut.txt"))
    assert outline(bulletin) == outline(parsed["txt"])
    assert [s.id for s in bulletin.sections] == [
        "2023-w12-1", "2023-w12-2-1-1", "2023-w12-2-1-2", "2023-w12-2-2-1", "2023-w12-2-2-2", "2023-w12-2-2-3"]
    assert [s.type for s in bulletin.sections][:3] == ["办件统计", "一件事", "一件事"]
