"""Scanned pages and scanned issues, read by Tesseract (indexer/parsing/ocr.py).

The scans are made here from the public samples (tests/scans.py: rendered, turned 0.5–1.5°,
speckled, JPEG) and parsed like any PDF; what comes out is compared with the parse of the text PDF.
Scans are deterministic, so the OCR cache (file hash + page) serves every later run."""
from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys

import pytest

from indexer.parsing import ocr
from indexer.parsing.parser import parse_file

from .conftest import CORPUS_DIR, SAMPLE_NAMES, needs_corpus
from .scans import make_scan
from .test_no_line_lost import assert_every_line_placed

needs_tesseract = pytest.mark.skipif(
    not ocr.available(),
    reason="Tesseract with its chi_sim model is not installed (`make ocr`, or "
           "`sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim`)")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def character_error_rate(got: str, want: str) -> float:
    """Edits (substitutions, insertions, deletions) per character of ``want``."""
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
    return edits / max(1, len(want))


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    made: dict = {}

    def get(sample: str, pages=None):
        key = (sample, tuple(pages) if pages is not None else None)
        if key not in made:
            name = f"{sample}-{'all' if pages is None else '-'.join(map(str, pages))}.pdf"
            made[key] = make_scan(CORPUS_DIR / f"{sample}.pdf", folder / name, seed=7, pages=pages)
        return made[key]

    return get


@pytest.mark.parametrize("misread,meant", [
    ("42)近日，应急厅窗口", "（2）近日，应急厅窗口"),
    ("(3）5月10日", "（3）5月10日"),
    ("(一) 按时到岗情况", "（一）按时到岗情况"),
    ("(1 11月22日，自然资源厅", "（1）11月22日，自然资源厅"),
    ("《2) 水利厅采取多项举措", "（2）水利厅采取多项举措"),
    ("三丶窗口工作动态", "三、窗口工作动态"),
    ("（11月21日一11月25日）", "（11月21日—11月25日）"),
    ("(1月21 日—11 月 25日)", "(11月21 日—11 月 25日)"),  # the first 1 of a spaced-out 11 lost
    ("（12月29日—1月2日）", "（12月29日—1月2日）"),  # across the new year: as written
    ("受理办理情况,办结", "受理办理情况，办结"),
    ("一体化平台统一受理", "一体化平台统一受理"),  # 一 inside words stays
])
def test_domain_misreadings_are_repaired(misread, meant):
    assert ocr.repair(misread) == meant


@needs_corpus
@needs_tesseract
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_image_only_scans_of_the_samples_parse_like_the_text(scans, sample):
    text = parse_file(str(CORPUS_DIR / f"{sample}.pdf"))
    scanned = parse_file(str(scans(sample)))
    # The same issue...
    assert scanned.issue.to_dict() | {"source": None} == text.issue.to_dict() | {"source": None}
    # ...at least 95 % of the same sections with the same types...
    wanted = {(s.id, s.type) for s in text.sections}
    got = {(s.id, s.type) for s in scanned.sections}
    assert len(wanted & got) >= 0.95 * len(wanted), sorted(wanted - got)
    # ...and the body text within 3 % character error.
    rate = character_error_rate(squeeze("".join(s.text for s in scanned.sections)),
                                squeeze("".join(s.text for s in text.sections)))
    assert rate <= 0.03, rate
    # Every paragraph says it was read by OCR, and how sure the reading is.
    paragraphs = [p.to_dict() for s in scanned.sections for p in s.paragraphs]
    assert all(p["ocr"]["engine"] == "tesseract" and 0.5 < p["ocr"]["confidence"] <= 1 for p in paragraphs)
    assert_every_line_placed(scanned)


@needs_corpus
@needs_tesseract
def test_a_scanned_page_inside_a_text_pdf_is_read(scans):
    sample = "002_791b0b33f42eefcb"
    text = parse_file(str(CORPUS_DIR / f"{sample}.pdf"))
    mixed = parse_file(str(scans(sample, pages=[2])))
    assert [(s.id, s.type, s.departments) for s in mixed.sections] == \
        [(s.id, s.type, s.departments) for s in text.sections]
    # Marked: every paragraph starting on the scanned page, and the one running onto it from page 2.
    paragraphs = [p for s in mixed.sections for p in s.paragraphs]
    assert all(p.ocr and p.ocr[0] == "tesseract" for p in paragraphs if p.page == 3)
    assert all(p.ocr is None for p in paragraphs if p.page not in (2, 3))
    assert len([p for p in paragraphs if p.page == 2 and p.ocr]) == 1
    # The page's text is there: the paragraphs starting on page 3 of the text PDF, within OCR error.
    want = squeeze("".join(p.text for s in text.sections for p in s.paragraphs if p.page == 3))
    got = squeeze("".join(p.text for s in mixed.sections for p in s.paragraphs if p.page == 3))
    assert character_error_rate(got, want) <= 0.03
    # The paragraph that runs from page 2 onto the scanned page is one paragraph, as in the text.
    assert len([p for s in mixed.sections for p in s.paragraphs]) == \
        len([p for s in text.sections for p in s.paragraphs])
    assert_every_line_placed(mixed)


@needs_corpus
@needs_tesseract
def test_a_scanned_first_page_keeps_the_issue_metadata(scans):
    sample = "004_2038efc021b4be03"
    text = parse_file(str(CORPUS_DIR / f"{sample}.pdf"))
    scanned = parse_file(str(scans(sample, pages=[0])))
    assert scanned.issue.to_dict() | {"source": None} == text.issue.to_dict() | {"source": None}
    assert [(s.id, s.type) for s in scanned.sections] == [(s.id, s.type) for s in text.sections]


@needs_corpus
@needs_tesseract
def test_ocr_results_are_cached_by_file_and_page(scans, tmp_path):
    path = scans("002_791b0b33f42eefcb", pages=[2])
    first = parse_file(str(path))
    # Without Tesseract on the PATH, the same file is still read: from the cache.
    env = dict(os.environ, PATH=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "parse", str(path), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "三码一测" in done.stdout and '"engine": "tesseract"' in done.stdout
    assert len(first.sections) == done.stdout.count('"heading"')


@needs_corpus
def test_without_tesseract_a_scanned_page_is_refused_by_name(tmp_path):
    # A scan no test has read before (its own seed), so that no cached reading can serve it.
    path = make_scan(CORPUS_DIR / "002_791b0b33f42eefcb.pdf", tmp_path / "never-read.pdf", seed=99, pages=[1])
    env = dict(os.environ, PATH=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "parse", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert str(path) in line and "scanned page 2" in line and "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in line


@needs_corpus
@needs_tesseract
def test_index_summary_and_bulletin_view_show_what_ocr_read(scans, tmp_path):
    from indexer.search.indexing import index_paths
    from webapp import create_app

    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "2022-14.pdf").write_bytes(scans("002_791b0b33f42eefcb", pages=[2]).read_bytes())
    bar: list[tuple] = []
    report = index_paths([str(folder)], str(tmp_path / "idx"),
                         progress=lambda done, total, path, ocr: bar.append((done, total, ocr)))
    assert "1 page read by OCR" in report.summary()
    assert bar[-1] == (1, 1, 1)  # the progress bar's last word counts the page OCR read

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "idx")}).test_client()
    page = client.get("/issues/2022-w14").get_data(as_text=True)
    # The badge stands beside each paragraph read from the scan, linking to that page of the file.
    assert page.count(">OCR识别</a>") == len(re.findall(r'class="paragraph paragraph-ocr"', page)) > 0
    assert 'href="/issues/2022-w14/source#page=3"' in page
    from indexer.search.service import open_service

    data = open_service(str(tmp_path / "idx")).issue("2022-w14")  # the stored parse, as the JSON routes give it
    marked = [p for s in data["sections"] for p in s["paragraphs"] if "ocr" in p]
    assert marked and all(p["ocr"]["engine"] == "tesseract" for p in marked)
    # What OCR read is searchable like any text.
    reply = client.get("/api/search?q=三码一测").get_json()
    assert reply["total"] == 1


@needs_corpus
@needs_tesseract
def test_a_scanned_issue_is_not_refused_by_the_per_file_time_limit(scans, tmp_path, monkeypatch):
    """The time limit is for hostile PDFs; reading a scan takes seconds a page, and each page to
    read adds to the limit. Read afresh (an empty OCR cache), 5 pages, under a 3 s limit."""
    from indexer.search.indexing import index_paths

    monkeypatch.setenv("BULLETIN_CACHE_DIR", str(tmp_path / "empty-cache"))
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "2022-14.pdf").write_bytes(scans("002_791b0b33f42eefcb").read_bytes())
    report = index_paths([str(folder)], str(tmp_path / "idx"), workers=0, time_limit=3)
    assert not report.refused, [str(r) for r in report.refused]
    assert "5 pages read by OCR" in report.summary()
