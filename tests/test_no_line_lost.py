"""No line of a bulletin is lost, by construction: every line of text ends in a section or in a
named class of text that is not content (masthead, header block, running header or footer, page
number, distribution block). Asserted over every sample in both forms, every layout variant of the
samples and a set of generated issues; ``parse --explain`` shows it to the user."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from indexer.demo.archive import write_issue
from indexer.demo.bulletin import generate_issues
from indexer.parsing.explain import NOT_CONTENT, UNPLACED
from indexer.parsing.markers import marker_of
from indexer.parsing.parser import parse_file

from . import layouts
from .conftest import CORPUS_DIR, SAMPLE_NAMES, needs_corpus


def squeeze(text: str) -> str:
    return re.sub(r"[\s①②③④⑤⑥⑦⑧⑨⑩]+", "", text)


def assert_every_line_placed(bulletin) -> None:
    assert bulletin.lines, "no line accounting"
    section_ids = {s.id for s in bulletin.sections}
    section_text = {s.id: squeeze(s.text + "".join(s.heading)) for s in bulletin.sections}
    for placed in bulletin.lines:
        assert placed.cls != UNPLACED, placed
        if placed.section:
            assert placed.section in section_ids, placed
            # The line's text really is in that section (its heading path counts: a heading alone
            # above its items is in their path). Hyphenated Latin aside, a line is a piece of text.
            piece = squeeze(placed.text)
            marker = marker_of(piece)
            piece = squeeze(marker.rest) or piece if marker and marker.rest.strip() else piece
            assert piece[:6] in section_text[placed.section] or piece[-6:] in section_text[placed.section], placed
        else:
            assert placed.cls in NOT_CONTENT, placed
    assert not any("in no section" in w for w in bulletin.warnings)


@needs_corpus
@pytest.mark.parametrize("form", ["pdf", "txt"])
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_every_line_of_the_samples_is_placed(sample, form):
    assert_every_line_placed(parse_file(str(CORPUS_DIR / f"{sample}.{form}")))


@needs_corpus
@pytest.mark.parametrize("variant", list(layouts.VARIANTS))
@pytest.mark.parametrize("sample", SAMPLE_NAMES)
def test_every_line_of_every_layout_is_placed(sample, variant):
    bulletin = parse_file(str(layouts.built(CORPUS_DIR / f"{sample}.pdf", variant)))
    assert_every_line_placed(bulletin)
    # A line that is content in the plain layout is content in this one too.
    plain = parse_file(str(layouts.built(CORPUS_DIR / f"{sample}.pdf", "plain")))
    content = {squeeze(p.text) for p in plain.lines if p.section}
    for placed in bulletin.lines:
        if squeeze(placed.text) in content:
            assert placed.section, placed


DEMO = generate_issues(40, seed=13)


@pytest.mark.parametrize("number", range(0, 40, 5))
@pytest.mark.parametrize("form", ["pdf", "txt"])
def test_every_line_of_generated_issues_is_placed(tmp_path, number, form):
    (path,) = write_issue(DEMO[number], tmp_path, "x", (form,))
    assert_every_line_placed(parse_file(str(path)))


@needs_corpus
def test_parse_explain_shows_where_each_line_went(tmp_path):
    path = layouts.built(CORPUS_DIR / "002_791b0b33f42eefcb.pdf", "running header and footer")
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "parse", str(path), "--format", "json", "--explain"],
                          capture_output=True, text=True, check=True)
    lines = json.loads(done.stdout)["lines"]
    by_text = {line["text"]: line for line in lines}
    assert by_text["窗口工作周报 2022年第14期"]["class"] in ("running header", "header block")
    assert by_text["第 3 页 共 5 页"]["class"] == "page number"
    assert by_text["发：各部门窗口。"]["class"] == "distribution block"
    assert by_text["二、窗口工作动态"]["section"].startswith("2022-w14-2")
    running = [line for line in lines if line.get("class") == "running header"]
    assert len(running) >= 4 and all(line["page"] > 1 for line in running[-4:])
    text = subprocess.run([sys.executable, "-m", "indexer.cli", "parse", str(path), "--explain"],
                          capture_output=True, text=True, check=True).stdout
    assert "(running header)" in text and "(distribution block)" in text
