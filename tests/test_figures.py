"""The 办件 figures extractor: every number of the three real bulletins' 办件统计 sections, read with
scope, subject, measure and unit (from the real PDFs through pdfplumber), and the sentences the
issue quotes, on small texts."""
from __future__ import annotations

import pytest

from indexer.parsing.figures import derive_per_period, extract_figures
from tests.conftest import SAMPLE_NAMES

YTD_2022_W40 = ("今年以来", "2022-01-01", "2022-11-25")
YTD_2022_W14 = ("今年以来", "2022-01-01", "2022-05-13")
MONTH_2025_11 = ("本月", "2025-11-01", "2025-11-30")

# (paragraph, page, scope, from, to, subject, measure, value, unit, text)
EXPECTED = {
    "000_1d6bcb462de667dc": [
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "行政许可事项", "受理", 732976, "件", "省本级行政许可事项受理732976件"),
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "行政许可事项", "办结", 724052, "件", "办结724052件"),
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "公共服务事项", "受理", 20560872, "件", "公共服务事项受理20560872件"),
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "公共服务事项", "办结", 8314379, "件", "办结8314379件"),
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "其它九类行权事项", "受理", 56988, "件", "其它九类行权事项受理56988件"),
        ("2022-w40-1-p1", 1, *YTD_2022_W40, "其它九类行权事项", "办结", 57536, "件", "累计办结57536件"),
    ],
    "002_791b0b33f42eefcb": [
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "行政许可事项", "受理", 369861, "件", "省本级行政许可事项受理369861件"),
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "行政许可事项", "办结", 369148, "件", "办结369148件"),
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "公共服务事项", "受理", 17075536, "件", "公共服务事项受理17075536件"),
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "公共服务事项", "办结", 5192485, "件", "办结5192485件"),
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "其它九类行权事项", "受理", 9494, "件", "其它九类行权事项受理9494件"),
        ("2022-w14-1-p1", 1, *YTD_2022_W14, "其它九类行权事项", "办结", 10359, "件", "办结10359件"),
    ],
    "004_2038efc021b4be03": [
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "省本级政务服务事项", "办理", 54000, "件", "省本级办理政务服务事项5.4万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "全程网办", "受理", 52000, "件",
         "各进驻部门（单位）窗口共受理政务服务事项全程网办5.2万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "全程网办", "办结", 53000, "件", "办结政务服务事项全程网办5.3万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "综合窗口", "受理", 2100, "件", "综合窗口受理政务服务事项0.21万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "综合窗口", "出件", 3600, "件", "窗口出件量0.36万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "现场邮寄", "寄递", 1000, "件", "政务大厅现场邮寄量0.1万件"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "电话咨询", "咨询", 1055, "人次", "为办事企业群众提供电话咨询1055人/次"),
        ("2025-m11-1-p1", 1, *MONTH_2025_11, "现场咨询", "咨询", 4683, "人次", "现场咨询服务4683人/次"),
    ],
}


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    from indexer.parsing.parser import parse_file

    return {name: parse_file(str(corpus_dir / f"{name}.pdf")).to_dict() for name in SAMPLE_NAMES}


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_number_of_the_real_stats_sections(parsed, name):
    bulletin = parsed[name]
    figures, warnings = extract_figures(bulletin)
    assert warnings == []
    got = [(f["paragraph_id"], f["page"], f["scope"], f["from"], f["to"], f["subject"], f["measure"],
            f["value"], f["unit"], f["text"]) for f in figures]
    assert got == EXPECTED[name]
    paragraphs = {p["id"]: p["text"] for s in bulletin["sections"] for p in s["paragraphs"]}
    sections = {s["id"]: s for s in bulletin["sections"]}
    for figure in figures:
        assert figure["text"] in paragraphs[figure["paragraph_id"]]  # the exact phrase, as written
        assert sections[figure["section_id"]]["type"] == "办件统计"
        assert figure["issue_id"] == bulletin["issue"]["id"] and figure["derived"] is False


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_number_in_a_stats_section_is_a_figure(parsed, name):
    """No number with a unit in the 办件统计 sections is silently skipped."""
    import re

    bulletin = parsed[name]
    stats_text = "".join(p["text"] for s in bulletin["sections"] if s["type"] == "办件统计"
                         for p in s["paragraphs"])
    numbers = re.findall(r"(\d+(?:\.\d+)?)万?(?:件|人/次)", stats_text)
    assert len(numbers) == len(EXPECTED[name])


def _bulletin(text: str, kind="周报", period=("2023-02-06", "2023-02-10"), heading=("省级政务服务事项受理办理情况",),
              section_type="办件统计", issue_id="2023-w5"):
    return {"issue": {"id": issue_id, "kind": kind, "year": int(period[1][:4]), "number": 5,
                      "published": period[1], "period": list(period)},
            "sections": [{"id": f"{issue_id}-1", "heading": list(heading), "type": section_type,
                          "departments": [], "paragraphs": [{"id": f"{issue_id}-1-p1", "text": text, "page": 2}]}]}


def _short(figures):
    return [(f["scope"], f["from"], f["to"], f["subject"], f["measure"], f["value"], f["unit"]) for f in figures]


def test_the_issue_sentences():
    figures, warnings = extract_figures(_bulletin(
        "2023年1月1日至2023年2月10日，省本级行政许可事项受理53316件，办结54071件；公共服务事项受理419588件。"))
    assert warnings == []
    assert _short(figures) == [
        ("今年以来", "2023-01-01", "2023-02-10", "行政许可事项", "受理", 53316, "件"),
        ("今年以来", "2023-01-01", "2023-02-10", "行政许可事项", "办结", 54071, "件"),
        ("今年以来", "2023-01-01", "2023-02-10", "公共服务事项", "受理", 419588, "件"),
    ]


def test_week_and_year_to_date_in_a_one_window_section():
    figures, warnings = extract_figures(_bulletin(
        "本周，共计咨询459人次、受理94件、颁发93件、流转219件；今年以来，累计咨询1130人次、受理300件。",
        heading=("省本级综窗办件情况",)))
    assert warnings == []
    week = ("本周", "2023-02-06", "2023-02-10", "综合窗口")
    ytd = ("今年以来", "2023-01-01", "2023-02-10", "综合窗口")
    assert _short(figures) == [(*week, "咨询", 459, "人次"), (*week, "受理", 94, "件"),
                               (*week, "颁发", 93, "件"), (*week, "流转", 219, "件"),
                               (*ytd, "咨询", 1130, "人次"), (*ytd, "受理", 300, "件")]


def test_ten_thousands_and_percent():
    figures, warnings = extract_figures(_bulletin(
        "3月，省本级办理政务服务事项0.21万件，群众评价满意率99%。", kind="月报",
        period=("2025-03-01", "2025-03-31"), issue_id="2025-m3"))
    assert warnings == []
    assert [(f["subject"], f["measure"], f["value"], f["unit"]) for f in figures] == [
        ("省本级政务服务事项", "办理", 2100, "件"), ("群众评价", "满意率", 0.99, "%")]


def test_what_cannot_be_read_is_a_warning_not_a_guess():
    figures, warnings = extract_figures(_bulletin("本周，行政许可事项受理3000余件，另有1200件。"))
    assert figures == []
    assert len(warnings) == 2
    assert "approximate" in warnings[0] and "3000余件" in warnings[0]
    assert "no measure" in warnings[1] and "另有1200件" in warnings[1]
    assert all(w.startswith("2023-w5-1-p1: ") for w in warnings)


def test_elsewhere_only_sentences_that_state_their_period():
    text = ("截至目前，共办理审批49件，按时办结率100%。本周，公安厅窗口受理户籍业务120件，办结118件。")
    figures, warnings = extract_figures(_bulletin(text, heading=("窗口工作动态",), section_type="窗口动态"))
    assert warnings == []
    assert _short(figures) == [("本周", "2023-02-06", "2023-02-10", "公安厅窗口", "受理", 120, "件"),
                               ("本周", "2023-02-06", "2023-02-10", "公安厅窗口", "办结", 118, "件")]


def test_per_period_values_from_cumulative_ones():
    def ytd(issue_id, to, value):
        return {"issue_id": issue_id, "section_id": f"{issue_id}-1", "paragraph_id": f"{issue_id}-1-p1",
                "page": 1, "scope": "今年以来", "from": "2023-01-01", "to": to, "subject": "行政许可事项",
                "measure": "受理", "value": value, "unit": "件", "text": f"受理{value}件", "derived": False}

    figures = [ytd("2023-w5", "2023-02-10", 53316), ytd("2023-w6", "2023-02-17", 60000),
               ytd("2023-w8", "2023-03-03", 70000), ytd("2024-w1", "2024-01-05", 5000)]
    issues = {"2023-w5": {"kind": "周报", "year": 2023, "number": 5},
              "2023-w6": {"kind": "周报", "year": 2023, "number": 6},
              "2023-w8": {"kind": "周报", "year": 2023, "number": 8},
              "2024-w1": {"kind": "周报", "year": 2024, "number": 1}}
    derived = derive_per_period(figures, issues)
    # only w6 has its previous issue; w8 lacks w7, 2024-w1 starts a new year
    assert [(d["issue_id"], d["scope"], d["from"], d["to"], d["value"], d["derived"]) for d in derived] == [
        ("2023-w6", "本周", "2023-02-11", "2023-02-17", 6684, True)]
