"""The demo generator: deterministic, realistic in shape, and its PDFs read back as laid out."""
from __future__ import annotations

import re
from datetime import date

import pdfplumber
import pytest

from indexer.demo import content
from indexer.demo.archive import archive_manifest, write_demo_archive
from indexer.demo.bulletin import (
    MONTHLY,
    WEEKLY,
    generate_issues,
    issue_calendar,
    issue_text,
    series_calendar,
    space_numbers,
)
from indexer.demo.pdf import BODY_SIZE, EM, MEASURE, RED, break_lines, layout_issue, text_width, write_issue_pdf
from indexer.parsing.departments import CANONICAL_DEPARTMENTS, find_departments

KNOWN_TYPES = set(content.SECTION_TYPES.values())


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def series():
    """The whole real-sized calendar (2014-2025), once."""
    return generate_issues(600, seed=11)


def pick(series, predicate):
    return next(issue for issue in series if predicate(issue))


@pytest.fixture(scope="module")
def varied(series):
    """A handful of issues covering the format drift: spacing, half-width markers, 1. items, monthly."""
    return [
        pick(series, lambda i: i.kind == WEEKLY and i.style.spaced_numbers),
        pick(series, lambda i: i.kind == WEEKLY and i.style.level2 == "half" and i.style.item == "dot"),
        pick(series, lambda i: i.kind == WEEKLY and i.style.item == "half" and not i.style.spaced_numbers),
        pick(series, lambda i: i.kind == WEEKLY and i.style.period_before_center),
        pick(series, lambda i: i.kind == WEEKLY and i.year >= 2024 and len(i.sections) >= 12),
        pick(series, lambda i: i.kind == MONTHLY),
        pick(series, lambda i: i.kind == WEEKLY and i.sections[-1].type == "附件"),
        pick(series, lambda i: i.style.txt_form == "page_cut"),
        pick(series, lambda i: i.style.txt_form == "hard_wrapped"),
    ]


# ------------------------------------------------------------------------------ generation
def test_same_seed_same_issues_other_seed_other_text():
    assert generate_issues(20, seed=3) == generate_issues(20, seed=3)
    first = [issue_text(i) for i in generate_issues(20, seed=3)]
    other = [issue_text(i) for i in generate_issues(20, seed=4)]
    assert first != other


def test_calendar_interleaves_weekly_and_monthly_by_publication_date():
    slots = issue_calendar(500)
    assert [s.published for s in slots] == sorted(s.published for s in slots)
    kinds = {s.kind for s in slots}
    assert kinds == {WEEKLY, MONTHLY}
    assert slots[0].kind == WEEKLY and slots[0].year == 2014 and slots[0].number == 1
    assert min(s.year for s in slots if s.kind == MONTHLY) == 2025


def test_small_archive_spans_years_and_holds_both_kinds():
    issues = generate_issues(60, seed=1)
    assert len(issues) == 60
    assert {i.kind for i in issues} == {WEEKLY, MONTHLY}
    assert len({i.year for i in issues}) >= 10


def test_weekly_numbering_and_running_total():
    slots = [s for s in series_calendar(2025) if s.kind == WEEKLY]
    assert [s.total_number for s in slots] == list(range(1, len(slots) + 1))
    for year in {s.year for s in slots}:
        numbers = [s.number for s in slots if s.year == year]
        assert numbers == list(range(1, len(numbers) + 1))
        assert 45 <= len(numbers) <= 52
    for s in slots:
        # the period lies in the publication year, which is where the parser takes its year from
        assert s.period[0].year == s.period[1].year == s.published.year == s.year
        assert s.period[0] < s.period[1] < s.published


def test_monthly_issue_covers_its_month_and_has_no_total():
    monthly = [s for s in series_calendar(2025) if s.kind == MONTHLY]
    assert [s.number for s in monthly] == list(range(1, 13))
    for s in monthly:
        assert s.total_number is None
        assert s.period[0] == date(s.year, s.number, 1) and s.period[1].month == s.number
        assert s.published > s.period[1]


def test_large_archive_continues_past_2025():
    slots = issue_calendar(5000)
    assert len(slots) == 5000 and len({(s.kind, s.year, s.number) for s in slots}) == 5000
    assert slots[-1].year > 2025


def test_section_departments_are_what_the_department_finder_sees(series):
    seen = set()
    for issue in series:
        for section in issue.sections:
            assert list(section.departments) == find_departments(section.text), section.text
            seen.update(section.departments)
    assert seen == set(CANONICAL_DEPARTMENTS)  # every department turns up somewhere


def test_sections_have_known_types_and_realistic_paragraphs(series):
    lengths = []
    for issue in series:
        types = [s.type for s in issue.sections]
        assert types[0] == "办件统计"
        assert set(types) <= KNOWN_TYPES | {"下周工作安排"}
        for section in issue.sections:
            if section.type not in ("大厅巡查", "附件"):
                lengths += [len(p) for p in section.paragraphs]
    assert 60 <= min(lengths) and max(lengths) <= 320
    assert 120 <= sum(lengths) / len(lengths) <= 220


def test_every_type_of_the_table_that_the_generator_writes_appears(series):
    types = {s.type for issue in series for s in issue.sections}
    assert {"办件统计", "营商环境", "窗口动态", "厅长进大厅", "大厅巡查", "综窗改革", "政务动态", "一件事",
            "重点工作"} <= types


def test_number_spacing_like_old_pdfs():
    assert space_numbers("2022年1月1日至2022年11月25日，受理732976件。") == \
        "2022 年 1 月 1 日至 2022 年 11 月 25 日，受理 732976 件。"
    assert space_numbers("办结率100%，共3个") == "办结率 100%，共 3 个"


# ------------------------------------------------------------------------------- txt form
def test_txt_is_one_line_a_paragraph_with_blank_lines_between(varied):
    for issue in varied:
        text = issue_text(issue)
        lines = text.rstrip("\n").split("\n")
        assert all(line for line in lines[0::2]) and not any(lines[1::2])
        assert lines[0] == issue.title
        if issue.style.txt_form == "paragraphs":
            assert set(issue.blocks[i].text for i in range(len(issue.blocks))) == set(lines[0::2])
        body = compact(text)
        for section in issue.sections:
            for paragraph in section.paragraphs:
                assert compact(paragraph) in body


def test_some_years_txt_was_saved_from_the_pdf(varied):
    cut = next(i for i in varied if i.style.txt_form == "page_cut")
    wrapped = next(i for i in varied if i.style.txt_form == "hard_wrapped")
    paragraphs = {compact(p) for s in cut.sections for p in s.paragraphs}
    cut_lines = {compact(line) for line in issue_text(cut).split("\n") if line}
    assert paragraphs - cut_lines  # a paragraph running over a page end is cut in two
    wrapped_lines = [line for line in issue_text(wrapped).split("\n") if line]
    assert max(len(line) for line in wrapped_lines) <= 40 < max(len(p) for p in paragraphs)
    assert not any(re.fullmatch(r"— \d+ —", line) for line in wrapped_lines)


def test_attachment_lists_departments_in_two_columns(varied, tmp_path):
    issue = next(i for i in varied if i.sections[-1].type == "附件")
    attachment = issue.sections[-1]
    assert len(attachment.departments) >= 6 and attachment.paragraphs[0].endswith("年度先进窗口名单")
    text = issue_text(issue)
    assert text.index("发：") < text.index("附件") and "    " in text.split("附件")[-1]
    layout = write_issue_pdf(issue, tmp_path / "a.pdf")
    with pdfplumber.open(tmp_path / "a.pdf") as pdf:
        last = pdf.pages[-1].extract_text().split("\n")
    assert last[0] == "附件" and last == layout.pages[-1].lines()


def test_txt_header_carries_the_metadata(varied):
    for issue in varied:
        head = compact("".join(issue_text(issue).split("一、")[0]))
        assert content.CENTER_NAME in head
        assert f"{issue.published.year}年{issue.published.month}月{issue.published.day}日" in head
        if issue.kind == WEEKLY:
            assert f"{issue.year}年第{issue.number}期（总第{issue.total_number}期）" in head
            assert f"（{issue.period[0].month}月{issue.period[0].day}日—" in head
        else:
            assert f"第{issue.number}期" in head and "总第" not in head


def test_formats_drift_over_the_years(series):
    texts = {issue.year: issue_text(issue) for issue in series if issue.kind == WEEKLY}
    joined = "".join(texts.values())
    assert "（1）" in joined and "(1) " in joined and re.search(r"\n1\.\d", joined)
    assert "(一) " in joined and "（一）" in joined
    assert "2014 年" in texts[2014] and " 年 " not in texts[2019]


# ------------------------------------------------------------------------------- pdf form
def test_pdf_reads_back_exactly_as_laid_out(varied, tmp_path):
    for n, issue in enumerate(varied):
        path = tmp_path / f"{n}.pdf"
        layout = write_issue_pdf(issue, path)
        with pdfplumber.open(path) as pdf:
            assert len(pdf.pages) == len(layout.pages)
            for page, laid_out in zip(pdf.pages, layout.pages):
                assert page.width == pytest.approx(595.28, abs=0.1)
                assert page.height == pytest.approx(841.89, abs=0.1)
                assert page.extract_text().split("\n") == laid_out.lines()


def test_pdf_holds_every_paragraph_and_page_numbers(varied, tmp_path):
    for n, issue in enumerate(varied):
        path = tmp_path / f"{n}.pdf"
        write_issue_pdf(issue, path)
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text().split("\n") for page in pdf.pages]
            title_chars = [c for c in pdf.pages[0].chars if c["size"] > 20]
        for number, lines in enumerate(pages, 1):
            assert lines[-1] == f"— {number} —"
        body = compact("".join("".join(lines[:-1]) for lines in pages))
        for section in issue.sections:
            for paragraph in section.paragraphs:
                assert compact(paragraph) in body
        assert "".join(c["text"] for c in title_chars) == issue.title
        assert all(tuple(c["non_stroking_color"]) == pytest.approx(RED) for c in title_chars)


def test_lines_hold_28_characters_with_an_indent(varied):
    for issue in varied:
        for block in issue.blocks:
            if block.role != "para":
                continue
            lines = break_lines(block.text)
            for index, (line, last) in enumerate(lines):
                indent = 2 * EM if index == 0 else 0
                width = text_width(line, BODY_SIZE)
                assert width <= MEASURE - indent + EM  # at most one mark hangs in the margin
                if not last:
                    assert width >= MEASURE - indent - 4 * EM  # a long number may not fit
                    if not re.search(r"[ -~]", line):
                        assert len(line) in ((25, 26, 27) if index == 0 else (27, 28, 29))


def test_long_issues_break_pages_mid_paragraph(series):
    pages = [len(layout_issue(issue).pages) for issue in series[:80]]
    assert max(pages) >= 4 and min(pages) >= 2
    split = 0
    for issue in series[:20]:
        layout = layout_issue(issue)
        for page in layout.pages[1:]:
            first_body_line = page.texts[0]
            split += first_body_line.x < 80  # no indent: a paragraph carried over from the page before
    assert split >= 5


def test_pdf_bytes_are_reproducible(varied, tmp_path):
    write_issue_pdf(varied[0], tmp_path / "a.pdf")
    write_issue_pdf(varied[0], tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_section_pages_are_where_the_paragraph_starts(varied, tmp_path):
    issue = max(varied, key=lambda i: len(i.sections))
    layout = write_issue_pdf(issue, tmp_path / "x.pdf")
    with pdfplumber.open(tmp_path / "x.pdf") as pdf:
        page_texts = [compact(page.extract_text()) for page in pdf.pages]
    for section, page in zip(issue.sections, layout.section_pages(issue)):
        opening = compact(section.paragraphs[0])[:12]
        assert opening in page_texts[page - 1]


# -------------------------------------------------------------------------------- archive
def test_write_demo_archive_writes_both_forms_under_uninformative_names(tmp_path):
    written = write_demo_archive(tmp_path, issues=4, seed=9, formats=("pdf", "txt"))
    assert written == 8
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 8
    stems = {stem for stem, _ in archive_manifest(4, seed=9)}
    assert {name.rsplit(".", 1)[0] for name in files} == stems
    assert not any(re.search(r"20\d\d|周报|月报|第", name) for name in files)
    txt = next(tmp_path.glob("*.txt")).read_text(encoding="utf-8")
    assert txt.startswith(("窗口工作周报", "政务窗口月报"))


def test_write_demo_archive_one_format_and_bad_formats(tmp_path):
    assert write_demo_archive(tmp_path / "t", issues=3, seed=1, formats=("txt",)) == 3
    assert {p.suffix for p in (tmp_path / "t").iterdir()} == {".txt"}
    with pytest.raises(ValueError, match="unknown format"):
        write_demo_archive(tmp_path / "x", issues=1, formats=("doc",))


def test_cli_demo_command(tmp_path, capsys):
    from indexer.cli import main

    assert main(["demo", str(tmp_path / "demo"), "--issues", "2", "--seed", "5", "--formats", "txt"]) == 0
    assert "wrote 2 bulletin files" in capsys.readouterr().out
    assert len(list((tmp_path / "demo").glob("*.txt"))) == 2
