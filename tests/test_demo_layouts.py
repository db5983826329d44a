"""The demo generator's unusual page layouts (indexer/demo/layouts.py) parse back to what it meant:
the same sections, types and departments, the text of each section whole (the footnote after it),
no paragraph cut where a page ends early, and the scanned page read by OCR within its error."""
from __future__ import annotations

import difflib
import re

import pytest

from indexer.demo.archive import write_issue
from indexer.demo.bulletin import generate_issues
from indexer.demo.layouts import CYCLE, layout_for
from indexer.demo.pdf import EARLY_PAGE_END, FOOTNOTE, FOOTNOTE_TEXT, PLAIN, RUNNING_HEADER, SCANNED_PAGE
from indexer.parsing import ocr
from indexer.parsing.parser import parse_file

from .test_no_line_lost import assert_every_line_placed

ISSUES = generate_issues(8, seed=21)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_share_of_the_archive_gets_each_layout():
    chosen = [layout_for(index) for index in range(20)]
    assert {RUNNING_HEADER, EARLY_PAGE_END, FOOTNOTE, SCANNED_PAGE} == set(CYCLE.values()) <= set(chosen)
    assert chosen.count(PLAIN) == 12 and chosen.count(SCANNED_PAGE) == 2


@pytest.mark.parametrize("variant", [RUNNING_HEADER, EARLY_PAGE_END, FOOTNOTE])
@pytest.mark.parametrize("number", [0, 2, 4, 6])
def test_text_layouts_parse_back_exactly(tmp_path, variant, number):
    issue = ISSUES[number]
    (plain_path,) = write_issue(issue, tmp_path, "plain", ("pdf",))
    (path,) = write_issue(issue, tmp_path, "variant", ("pdf",), variant)
    plain, bulletin = parse_file(str(plain_path)), parse_file(str(path))
    assert [(s.type, s.departments) for s in bulletin.sections] == \
        [(s.type, list(s.departments)) for s in issue.sections]
    assert [s.id for s in bulletin.sections] == [s.id for s in plain.sections]
    for got, want in zip(bulletin.sections, issue.sections):
        assert compact(got.text).startswith(compact(want.text)), got.id
    notes = [p for s in bulletin.sections for p in s.paragraphs if p.text == FOOTNOTE_TEXT]
    assert len(notes) == (1 if variant == FOOTNOTE and len(bulletin.ocr_pages) == 0 and
                          max(p.page for s in plain.sections for p in s.paragraphs) >= 3 else 0)
    # No paragraph cut: as many as in the plain layout, the footnote aside.
    assert sum(len(s.paragraphs) for s in bulletin.sections) - len(notes) == \
        sum(len(s.paragraphs) for s in plain.sections)
    assert_every_line_placed(bulletin)


@pytest.mark.skipif(not ocr.available(), reason="Tesseract with chi_sim is not installed (`make ocr`)")
def test_scanned_page_is_read_back_by_ocr(tmp_path):
    issue = ISSUES[2]
    (path,) = write_issue(issue, tmp_path, "scan", ("pdf",), SCANNED_PAGE)
    bulletin = parse_file(str(path))
    assert bulletin.ocr_pages == [2]
    assert [s.type for s in bulletin.sections] == [s.type for s in issue.sections]
    got, want = compact("".join(s.text for s in bulletin.sections)), compact("".join(s.text for s in issue.sections))
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    errors = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
    assert errors / len(want) < 0.03
    assert any(p.ocr for s in bulletin.sections for p in s.paragraphs)
