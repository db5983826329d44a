"""The public samples in the layouts the archive holds (tests/layouts.py builds each from the
sample's own lines), each parsed and compared with the parse of the plain layout: the same issue,
the same sections with the same types and departments and text, no paragraph cut at a page break,
no running header or footnote inside a paragraph."""
from __future__ import annotations

import re

import pytest

from indexer.parsing import ocr
from indexer.parsing.parser import parse_file

from . import layouts
from .conftest import CORPUS_DIR, SAMPLE_NAMES, needs_corpus

pytestmark = needs_corpus


def squeeze(text: str) -> str:
    """Text compared without whitespace and without footnote marks (the variant adds those)."""
    return re.sub(r"[\s①②③④⑤⑥⑦⑧⑨⑩]+", "", text)


@pytest.fixture(scope="session")
def variant_parses():
    """Every sample in every layout, built and parsed once per test session."""
    cache: dict = {}

    def get(sample: str, name: str):
        if (sample, name) not in cache:
            cache[sample, name] = parse_file(str(layouts.built(CORPUS_DIR / f"{sample}.pdf", name)))
        return cache[sample, name]

    return get


def _outline(bulletin):
    return [(s.id, s.type, s.departments) for s in bulletin.sections]


def _paragraphs(bulletin):
    return [squeeze(p.text) for s in bulletin.sections for p in s.paragraphs]


def test_plain_variant_parses_like_the_sample(variant_parses):
    """The builder itself: set again in the plain layout, a sample parses exactly as it is."""
    for sample in SAMPLE_NAMES:
        original = parse_file(str(CORPUS_DIR / f"{sample}.pdf"))
        plain = variant_parses(sample, "plain")
        assert _outline(plain) == _outline(original)
        assert [p.text for s in plain.sections for p in s.paragraphs] == \
            [p.text for s in original.sections for p in s.paragraphs]


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_running_header_and_footer_are_not_text(variant_parses, sample):
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "running header and footer")
    assert variant.issue.to_dict() | {"source": None} == plain.issue.to_dict() | {"source": None}
    assert _outline(variant) == _outline(plain)
    # Not one paragraph cut at a page break, and no header or footer inside any.
    assert _paragraphs(variant) == _paragraphs(plain)
    title = layouts._running_title(layouts.read_lines(CORPUS_DIR / f"{sample}.pdf"))
    for section in variant.sections:
        assert squeeze(title) not in squeeze(section.text)
        assert not re.search(r"第\d+页共\d+页", squeeze(section.text)), section.id


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_footnote_is_its_own_paragraph_after_the_citing_one(variant_parses, sample):
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "footnotes")
    assert _outline(variant) == _outline(plain)
    notes = {squeeze(note) for note in layouts.FOOTNOTES}
    paragraphs = [(s.id, p) for s in variant.sections for p in s.paragraphs]
    found = []
    for index, (section_id, paragraph) in enumerate(paragraphs):
        text = squeeze(paragraph.text)
        if text in notes:
            # The note follows, in the same section, the paragraph that carries its mark.
            cited_section, cited = paragraphs[index - 1]
            assert cited_section == section_id
            assert paragraph.text[0] in cited.text, (paragraph.text, cited.text)
            found.append(text)
        else:
            assert not any(note[1:12] in text for note in notes), text  # never spliced into one
    assert sorted(found) == sorted(notes)
    # Without the notes, the paragraphs are those of the plain layout: none cut at the page break.
    assert [t for t in _paragraphs(variant) if t not in notes] == _paragraphs(plain)


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_paragraph_goes_on_after_a_page_that_ends_early(variant_parses, sample):
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "early page end")
    assert [(s, t, d) for s, t, d in _outline(variant)] == _outline(plain)
    assert _paragraphs(variant) == _paragraphs(plain)


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_item_without_its_heading_stays_searchable(variant_parses, sample):
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "missing first heading")
    assert variant.issue.id == plain.issue.id
    everything = squeeze("".join(s.text for s in variant.sections))
    # The variant removed everything from the first heading down to the first item (`（一）…`);
    # from that item on, every paragraph is still there.
    issue_parts = len(plain.issue.id.split("-"))
    first_item = next(n for n, s in enumerate(plain.sections) if len(s.id.split("-")) > issue_parts + 1)
    kept = [p for s in plain.sections[first_item:] for p in s.paragraphs]
    missing = [p.text[:30] for p in kept if squeeze(p.text) not in everything]
    assert not missing
    # The item keeps a section of its own (its type may go with the heading that named it).
    item = plain.sections[first_item]
    assert any(squeeze(item.text) == squeeze(s.text) for s in variant.sections)
    # From the next top-level heading on, the sections are those of the plain layout.
    top = int(item.id.split("-")[issue_parts])
    later = {s.id: s for s in plain.sections if int(s.id.split("-")[issue_parts]) > top}
    for section in variant.sections:
        if section.id in later:
            assert (section.type, section.departments) == (later[section.id].type, later[section.id].departments)
    assert set(later) <= {s.id for s in variant.sections}


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_enumeration_inside_an_item_is_text(variant_parses, sample):
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "enumeration inside an item")
    assert _outline(variant) == _outline(plain)
    point = [s for s in variant.sections if "强化跟踪问效" in s.text]
    assert len(point) == 1


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_text_layer_from_ocr_software_is_read_in_content_order(variant_parses, sample):
    """Overlapping word boxes (ocrmypdf, a scanner's own OCR) read as written, not in x order:
    `2022年`, never `20年2`."""
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "ocr text layer")
    assert variant.issue.to_dict() | {"source": None} == plain.issue.to_dict() | {"source": None}
    assert _outline(variant) == _outline(plain)
    assert _paragraphs(variant) == _paragraphs(plain)


@pytest.mark.skipif(not ocr.available(), reason="Tesseract with chi_sim is not installed (`make ocr`)")
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_heading_drawn_as_an_image_is_read(variant_parses, sample):
    """The first heading pasted in as a picture is read by OCR: the first section keeps its
    heading and type instead of becoming 导语."""
    plain, variant = variant_parses(sample, "plain"), variant_parses(sample, "image heading")
    assert _outline(variant) == _outline(plain)
    assert _paragraphs(variant) == _paragraphs(plain)
    assert variant.sections[0].heading == plain.sections[0].heading
    assert [p for p in variant.lines if p.section == plain.sections[0].id][0].text.startswith("一、")
