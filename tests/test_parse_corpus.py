"""The three real bulletins, in both forms, against shared/corpus/expected/*.json."""
from __future__ import annotations

import json
import re

import pytest

from indexer.parsing.parser import parse_file

from .conftest import SAMPLE_NAMES, needs_corpus

pytestmark = needs_corpus


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def parsed(corpus_dir):
    return {(name, form): parse_file(str(corpus_dir / f"{name}.{form}"))
            for name in SAMPLE_NAMES for form in ("pdf", "txt")}


@pytest.fixture(scope="module")
def expected(corpus_dir):
    return {name: json.loads((corpus_dir / "expected" / f"{name}.json").read_text("utf-8")) for name in SAMPLE_NAMES}


CASES = [(name, form) for name in SAMPLE_NAMES for form in ("pdf", "txt")]


@pytest.mark.parametrize("name,form", CASES)
def test_issue_metadata(parsed, expected, name, form):
    issue = parsed[name, form].issue.to_dict()
    want = expected[name]["issue"]
    assert {key: issue[key] for key in want} == want
    assert issue["id"] == f"{want['year']}-{'w' if want['kind'] == '周报' else 'm'}{want['number']}"
    assert len(issue["source"]["sha256"]) == 64


def _sections_holding(bulletin, strings):
    return [s for s in bulletin.sections if all(squeeze(x) in squeeze(s.text) for x in strings)]


@pytest.mark.parametrize("name,form", CASES)
def test_every_expected_section(parsed, expected, name, form):
    bulletin = parsed[name, form]
    for want in expected[name]["sections"]:
        holders = _sections_holding(bulletin, want["contains"])
        assert len(holders) == 1, f"{want['contains']} should stand in exactly one section, found {len(holders)}"
        section = holders[0]
        for excluded in want["excludes"]:
            assert squeeze(excluded) not in squeeze(section.text), f"{excluded!r} leaked into {section.id}"
        assert section.type == want["type"], section.id
        assert set(want["departments"]) <= set(section.departments), section.id
        if want["departments"]:
            # the first named department comes first
            assert section.departments[0] == want["departments"][0], section.id
        first = squeeze(want["contains"][0])
        paragraph = next(p for p in section.paragraphs if first in squeeze(p.text))
        assert paragraph.page == (want["page"] if form == "pdf" else None), f"{section.id}: {paragraph.id}"


@pytest.mark.parametrize("name,form", CASES)
def test_no_boilerplate_in_any_section(parsed, expected, name, form):
    bulletin = parsed[name, form]
    boilerplate = list(expected[name]["absent"]) + ["共印", "四川省政府政务服务和公共资源交易服务中心", "政务服务工作"]
    for section in bulletin.sections:
        for text in boilerplate:
            assert squeeze(text) not in squeeze(section.text), f"{text!r} in {section.id}"
        assert not re.search(r"[—-]\s*\d+\s*[—-]", section.text), f"a page number in {section.id}"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_text_and_pdf_give_the_same_sections(parsed, name):
    from_pdf, from_txt = parsed[name, "pdf"], parsed[name, "txt"]
    assert [s.id for s in from_pdf.sections] == [s.id for s in from_txt.sections]
    for a, b in zip(from_pdf.sections, from_txt.sections):
        assert squeeze(a.text) == squeeze(b.text), a.id
        assert a.heading == b.heading and a.type == b.type and a.departments == b.departments
        assert [p.id for p in a.paragraphs] == [p.id for p in b.paragraphs]


@pytest.mark.parametrize("name,form", CASES)
def test_parsing_again_gives_the_same_ids(parsed, corpus_dir, name, form):
    again = parse_file(str(corpus_dir / f"{name}.{form}"))
    assert again.to_dict() == parsed[name, form].to_dict()


@pytest.mark.parametrize("name,form", CASES)
def test_pages_rise_through_the_issue(parsed, name, form):
    pages = [p.page for s in parsed[name, form].sections for p in s.paragraphs]
    if form == "txt":
        assert set(pages) == {None}
    else:
        assert pages == sorted(pages) and pages[0] == 1


def test_pdf_spacing_is_searchable_as_written(parsed):
    first = parsed["000_1d6bcb462de667dc", "pdf"].sections[0]
    assert "2022年1月1日至2022年11月25日" in first.text
