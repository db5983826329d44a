"""What the page layout says a PDF line is, before any text rule looks at it.

Three kinds of line are not running text: page numbers (`— 2 —`, `第 2 页 共 5 页`), running headers
and footers (the same line at the same place on several pages, `窗口工作周报 2022年第14期`), and
footnotes (small type at the foot of a page, starting ①). The first two are dropped from the text
but keep their class, so that every line of a file can be accounted for; footnotes are text, set
apart so that the paragraph they interrupt at a page break joins up again.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from .markers import marker_of

PAGE_NUMBER_CLASS = "page number"
RUNNING_HEADER = "running header"
RUNNING_FOOTER = "running footer"
FOOTNOTE = "footnote"

# `— 2 —`, `- 2 -`, `2`, `第 2 页`, `第 2 页 共 5 页`, `2 / 5`.
PAGE_NUMBER = re.compile(
    r"^[—\-–－一_\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*[，,]?\s*共\s*\d{1,3}\s*页)?[—\-–－一_\s]*$"
    r"|^\s*\d{1,3}\s*[/／]\s*\d{1,3}\s*$"
)
FOOTNOTE_START = re.compile(r"^\s*(?:[①-⑳]|注\s*\d{0,2}\s*[：:])")
_DIGITS = re.compile(r"\d+")

# Of the pages, this share at least must carry a line at one place for it to be running text.
RUNNING_SHARE = 0.5
# Running lines stand among the first or last few lines of a page, never in the middle.
RUNNING_EDGE_LINES = 3
SAME_PLACE = 4.0  # points between the tops of one running line on different pages
SET_APART = 1.4  # a running line stands this many line pitches from the text next to it
FOOTNOTE_SIZE = 0.85  # a footnote is set smaller than this share of the body size


@dataclass
class RawLine:
    page: int
    x0: float
    x1: float
    size: float
    text: str
    top: float
    ocr: float | None = None  # read by OCR, with this confidence


def classify(lines: list[RawLine], page_count: int, page_height: float) -> list[str | None]:
    """One class per line: None for running text, else one of the classes above."""
    classes: list[str | None] = [None] * len(lines)
    for index, line in enumerate(lines):
        if PAGE_NUMBER.match(line.text):
            classes[index] = PAGE_NUMBER_CLASS
    for index in _running(lines, classes, page_count):
        classes[index] = RUNNING_HEADER if lines[index].top < page_height / 2 else RUNNING_FOOTER
    for index in _footnotes(lines, classes):
        classes[index] = FOOTNOTE
    return classes


def _running(lines: list[RawLine], classes: list[str | None], page_count: int) -> list[int]:
    """Lines repeated at one place (digits aside: page and issue numbers change) near the top or
    the foot of at least half the pages, and of two pages at least."""
    if page_count < 2:
        return []
    by_page: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if classes[index] is None:
            by_page[line.page].append(index)
    steps = [lines[b].top - lines[a].top for indexes in by_page.values() for a, b in zip(indexes, indexes[1:])]
    pitch = median(steps) if steps else 0.0
    candidates: dict[str, list[int]] = defaultdict(list)
    apart: dict[int, bool] = {}
    for indexes in by_page.values():
        for position, index in enumerate(indexes):
            if RUNNING_EDGE_LINES <= position < len(indexes) - RUNNING_EDGE_LINES:
                continue
            # Set apart from the text by more than a line's pitch (the same heading at the top of
            # two attachment pages is not), and no heading itself.
            top = lines[index].top
            above = top - lines[indexes[position - 1]].top if position else None
            below = lines[indexes[position + 1]].top - top if position + 1 < len(indexes) else None
            gaps = [gap for gap in (above, below) if gap is not None]
            if not gaps or marker_of(lines[index].text) is not None:
                continue
            key = _DIGITS.sub("#", re.sub(r"\s+", "", lines[index].text))
            candidates[key].append(index)
            apart[index] = max(gaps) >= SET_APART * pitch
    needed = max(2, RUNNING_SHARE * page_count)
    running: list[int] = []
    for indexes in candidates.values():
        if len({lines[i].page for i in indexes}) < needed:
            continue
        place = Counter(round(lines[i].top) for i in indexes).most_common(1)[0][0]
        here = [i for i in indexes if abs(lines[i].top - place) <= SAME_PLACE]
        # Mostly set apart from the text (a masthead may stand close below it on page 1).
        if len({lines[i].page for i in here}) >= needed and 2 * sum(apart[i] for i in here) >= len(here):
            running.extend(here)
    return running


def _footnotes(lines: list[RawLine], classes: list[str | None]) -> list[int]:
    """Small-type lines below the last line of body type on their page, from one starting with a
    note mark (①, 注：) on."""
    sizes = Counter(round(line.size) for line, cls in zip(lines, classes) if cls is None)
    if not sizes:
        return []
    body_size = sizes.most_common(1)[0][0]
    lowest_body: dict[int, float] = {}
    for line, cls in zip(lines, classes):
        if cls is None and line.size > FOOTNOTE_SIZE * body_size:
            lowest_body[line.page] = max(lowest_body.get(line.page, 0.0), line.top)
    notes: list[int] = []
    in_note_on_page = None
    for index, line in enumerate(lines):
        small_and_low = (classes[index] is None and line.size <= FOOTNOTE_SIZE * body_size
                         and line.top > lowest_body.get(line.page, 0.0))
        if small_and_low and (FOOTNOTE_START.match(line.text) or in_note_on_page == line.page):
            notes.append(index)
            in_note_on_page = line.page
        elif classes[index] is None:
            in_note_on_page = None
    return notes
