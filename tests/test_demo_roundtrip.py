"""Generated bulletins parse back to what the generator meant: metadata, section count, section
types, departments and text, in both forms; for PDFs also the page each section starts on."""
from __future__ import annotations

import re

import pytest

from indexer.demo.archive import write_issue
from indexer.demo.bulletin import MONTHLY, WEEKLY, generate_issues
from indexer.demo.pdf import layout_issue
from indexer.parsing.parser import parse_file


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


SERIES = generate_issues(600, seed=5)


def _pick(predicate):
    return next(issue for issue in SERIES if predicate(issue))


# A handful covering the format drift the generator writes.
CASES = {
    "weekly, spaced numbers": _pick(lambda i: i.kind == WEEKLY and i.style.spaced_numbers),
    "weekly, (一) and 1. items": _pick(lambda i: i.style.level2 == "half" and i.style.item == "dot"),
    "weekly, (1) items": _pick(lambda i: i.style.item == "half" and not i.style.spaced_numbers),
    "weekly, period before the center": _pick(lambda i: i.kind == WEEKLY and i.style.period_before_center),
    "weekly, 综窗改革 and 一件事": _pick(lambda i: {"综窗改革", "一件事"} <= {s.type for s in i.sections}),
    "weekly, attachment": _pick(lambda i: i.sections[-1].type == "附件"),
    "weekly, hard-wrapped txt": _pick(lambda i: i.style.txt_form == "hard_wrapped"),
    "monthly": _pick(lambda i: i.kind == MONTHLY and i.number < 12),
    "monthly, published the next year": _pick(lambda i: i.kind == MONTHLY and i.number == 12),
}


def check(bulletin, issue, pages=None):
    parsed = bulletin.issue
    assert (parsed.kind, parsed.year, parsed.number, parsed.total_number) == (
        issue.kind, issue.year, issue.number, issue.total_number)
    assert parsed.published == issue.published
    assert parsed.id == issue.id  # the id a link to the generated issue will carry
    assert parsed.period == issue.period
    assert len(bulletin.sections) == len(issue.sections), [s.heading for s in bulletin.sections]
    for n, (got, want) in enumerate(zip(bulletin.sections, issue.sections)):
        assert got.type == want.type, (n, got.heading)
        assert got.departments == list(want.departments), (n, got.heading)
        assert compact(want.text) in compact(got.text), (n, got.heading)
        if pages is not None:
            assert got.paragraphs[0].page == pages[n], (n, got.heading)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("form", ["txt", "pdf"])
def test_generated_issue_parses_back(case, form, tmp_path):
    issue = CASES[case]
    (path,) = write_issue(issue, tmp_path, "x", (form,))
    pages = layout_issue(issue).section_pages(issue) if form == "pdf" else None
    check(parse_file(str(path)), issue, pages)


def _page_cut_issue_with_item_cut_after_one_line():
    """A .txt saved from the PDF (real 002 is one) where an item's paragraph is cut at a page end
    after a first line with no punctuation: ``（4）X局窗口针对Y注册`` / blank / ``办件量大的实际，…``."""
    for issue in SERIES:
        if issue.style.txt_form != "page_cut":
            continue
        body_blocks = [b for b in issue.blocks if b.role in ("h1", "h2", "para")]
        for block, lines in zip(body_blocks, layout_issue(issue).body_lines):
            first = lines[0][0] if len(lines) > 1 and len(lines[0]) == 1 else ""
            if block.role == "para" and first[:1] in "（(" and first and not re.search("[，。；、：]", first):
                return issue
    raise AssertionError("no such issue in the series")


def test_item_cut_by_a_page_end_after_its_first_line(tmp_path):
    issue = _page_cut_issue_with_item_cut_after_one_line()
    (path,) = write_issue(issue, tmp_path, "x", ("txt",))
    check(parse_file(str(path)), issue)


def test_the_default_demo_answers_the_search_pages_own_example(tmp_path):
    """A new user's first query is the example in the search box: on the archive `make run`
    generates (the demo command's defaults), it finds sections, the whole phrase ranked first."""
    import html

    from indexer.cli import build_parser
    from indexer.demo.archive import write_demo_archive
    from indexer.search.indexing import index_paths
    from webapp import create_app

    defaults = build_parser().parse_args(["demo", str(tmp_path / "demo")])
    write_demo_archive(tmp_path / "demo", issues=defaults.issues, seed=defaults.seed, formats=("txt",))
    index_paths([str(tmp_path / "demo")], str(tmp_path / "index"), workers=0)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()

    page = client.get("/").get_data(as_text=True)
    example = html.unescape(re.search(r'placeholder="[^"]*?如：([^"]+)"', page).group(1))
    assert example == "应急厅 上门服务"
    reply = client.get("/api/search", query_string={"q": example}).get_json()
    assert reply["total"] >= 2
    assert all("应急管理厅" in hit["departments"] for hit in reply["hits"])
    first = re.sub(r"<[^>]+>", "", reply["hits"][0]["snippet"])
    assert "上门服务" in first
