"""Rebuilding paragraphs from physical lines, and the text repairs that make them searchable.

A hard line break inside a sentence is no break, and neither is a page break. For PDFs the layout
decides (an indented line starts a paragraph, a line ending short of the margin ends one); for texts
the punctuation and, in hard-wrapped texts, the line width decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import Optional

from .layout import FOOTNOTE_START, PAGE_NUMBER, PAGE_NUMBER_CLASS
from .markers import Marker, Outline, display_width, heading_only, marker_of
from .reading import Line

# Sentence ends; a closing quote or bracket right after one still ends the sentence.
_TERMINAL = re.compile(r"[。！？；：!?;:…](?:[”’」』）)】\]]*)$")
# Punctuation of a sentence (a title has none).
_SENTENCE = re.compile(r"[，。；：！？,;:!?、]")
# Punctuation after which a sentence cannot end.
_CONTINUING = re.compile(r"[，、（(《“‘「『【\[—\-－/]$")

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018-\u201d\u2026"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_CJK}])")
_LEADING_BULLET = re.compile(r"^\s*[-•·*]\s+(?=\S)")


@dataclass
class RawParagraph:
    text: str
    page: Optional[int]
    plain: bool = False  # no heading, whatever its marker-like start (see Line.plain)
    lines: list[int] = field(default_factory=list)  # Line.number of every line it was made of
    footnote: bool = False
    section: Optional[str] = None  # the section it ended in (set by structure.split_sections)
    ocr: list[float] = field(default_factory=list)  # confidence of each of its lines read by OCR


def normalise_spacing(text: str) -> str:
    """PDF spacing such as `2022 年 1 月` becomes `2022年1月`; spaces between Latin words stay.

    The ideographic space U+3000 is the column gap of two-column lists and is kept as a single one.
    """
    text = re.sub(r"\u3000+", "\u3000", text.strip())
    pieces = text.split("\u3000")
    return "\u3000".join(_SPACE_NEAR_CJK.sub("", piece).strip() for piece in pieces)


_COLUMN_GAP = re.compile(r"(?<=\S)(?: {2,}|\t+)(?=\S)")


def clean_line(text: str) -> str:
    """One physical line, tidied: no list bullet, a wide gap (two-column list) kept as U+3000."""
    text = _COLUMN_GAP.sub("\u3000", _LEADING_BULLET.sub("", text).strip())
    return normalise_spacing(text)


def is_table_row(text: str) -> bool:
    return "\u3000" in text


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


# In a text with one paragraph a line, a line this narrow (in character cells) is no piece of a paragraph
# cut at a page end: that is at least one whole typeset line of 26–28 cells.
SHORT_LINE = 20


HARD_WRAP_MAX = 36


def _hard_wrap_width(lines: list[Line]) -> Optional[float]:
    """The full line width of a hard-wrapped text, or None when lines are whole paragraphs."""
    widths = sorted(display_width(line.text) for line in lines if line.text.strip())
    if len(widths) < 8:
        return None
    upper = widths[int(len(widths) * 0.9)]  # a bulletin with many short rows still has 10% full lines
    # Whole paragraphs on one line: the bulletins are set 28 characters a line, so lines much wider
    # than that (spaced-out digits and all) are no typeset lines, even when the paragraphs are short.
    if upper > HARD_WRAP_MAX:
        return None
    full = [w for w in widths if w >= upper - 3]
    return median(full)


def is_heading_line(text: str) -> bool:
    marker = marker_of(text)
    return marker is not None and heading_only(marker, text)


def _ends_paragraph(line: Line, text: str, paragraph: str, first_of_paragraph: bool, full_width: Optional[float],
                    following: Optional[Line] = None) -> bool:
    """Whether ``line`` (cleaned: ``text``) ends the paragraph that holds ``paragraph`` so far;
    ``following`` is the next line."""
    if line.short is not None:  # a PDF line: the layout decides
        if line.short and following is not None and _page_ends_early(line, text, paragraph, following):
            return False
        return line.short and not _CONTINUING.search(text)
    if _CONTINUING.search(text):
        return False
    width = display_width(line.text.strip())
    if full_width is None:
        # One paragraph a line, maybe cut at page ends. A piece cut off is at least one whole typeset
        # line, so a line much shorter is a whole paragraph: a title or list row (经济和信息化厅), or
        # an item that forgot its full stop.
        return bool(_TERMINAL.search(text)) or is_heading_line(paragraph) or width <= SHORT_LINE
    # A hard-wrapped text: a full line may still run on, whatever it ends with; a short one is a
    # paragraph's last (a heading's second, a list row). First lines are narrower by the
    # two-character indent the extraction dropped.
    slack = 3.0 if first_of_paragraph else 1.0
    return width < full_width - slack


def _starts_paragraph(line: Line, marker: Optional[Marker], text: str, previous_text: str,
                      outline: Outline, hard_wrapped: bool) -> bool:
    if line.indented or is_table_row(text) or is_table_row(previous_text):
        return True
    if marker is None or _CONTINUING.search(previous_text):
        return False
    # A marker at the start of a line starts a block when the line before closed its sentence;
    # otherwise it may be text such as "1.5万件" or "二、三级风险事项" wrapped onto a new line.
    if _TERMINAL.search(previous_text) or is_heading_line(previous_text):
        return True
    if line.indented is not None:  # a PDF line flush left: it continues the unfinished line before
        return False
    if hard_wrapped:
        # The line before filled the width and ran on: only the heading or item due next starts here.
        return outline.expects(marker) and (heading_only(marker, text) or marker.level == 3 and marker.number > 1)
    # One paragraph a line: the number due next starts the next block even when the one before
    # forgot its full stop (`…200余份` / `（2）3月29日，…`); so does a heading alone.
    return outline.expects(marker) or heading_only(marker, text)


def _page_ends_early(line: Line, text: str, paragraph: str, following: Line) -> bool:
    """A page that stops short in the middle of a sentence (`…的工作要` / overleaf, flush left,
    `求，通报…`): the paragraph goes on. A sentence that ends, a heading or a list row (no
    sentence punctuation in the paragraph so far) ends there as usual."""
    return (following.page != line.page and following.indented is False and not _TERMINAL.search(text)
            and bool(_SENTENCE.search(paragraph)) and not is_heading_line(paragraph)
            and marker_of(clean_line(following.text)) is None)


# A first line set 28 characters a line, less the two-character indent.
FULL_FIRST_LINE = 26


def _heading_runs_on(line: Line, marker: Optional[Marker], text: str, previous: str) -> bool:
    """In a .txt, a short unpunctuated line right after a heading that filled its typeset line is
    the heading's end (`（二）“高效办成一件事”专项行动重点事项清单落地推进` / `工作情况`)."""
    return (line.short is None and marker is None and display_width(previous) >= FULL_FIRST_LINE
            and display_width(text) <= SHORT_LINE and not _SENTENCE.search(text) and is_heading_line(previous))


def build_paragraphs(lines: list[Line], notes: Optional[list[Line]] = None,
                     dropped: Optional[dict[int, str]] = None) -> list[RawParagraph]:
    """Join physical lines into paragraphs, dropping page numbers and blank lines (their numbers
    go into ``dropped`` with that class); ``notes`` (the footnote lines) become paragraphs of their
    own after the paragraph that cites them."""
    kept = [line for line in lines if line.text.strip() and not PAGE_NUMBER.match(line.text.strip())]
    if dropped is not None:
        for line in lines:
            if line.text.strip() and PAGE_NUMBER.match(line.text.strip()):
                dropped[line.number] = PAGE_NUMBER_CLASS
    full_width = _hard_wrap_width(kept) if kept and kept[0].short is None else None
    paragraphs: list[RawParagraph] = []
    outline = Outline()  # the numbering so far, to tell the item due next from a number
    open_paragraph = False
    lines_in_paragraph = 0
    previous_text = ""
    for position, line in enumerate(kept):
        text = clean_line(line.text)
        if not text:
            continue
        marker = None if line.plain else marker_of(text, outline)
        if (open_paragraph and not line.plain and not _starts_paragraph(line, marker, text, previous_text, outline,
                                                                        full_width is not None)
                or paragraphs and _heading_runs_on(line, marker, text, paragraphs[-1].text)):
            paragraphs[-1].text = _join(paragraphs[-1].text, text)
            paragraphs[-1].lines.append(line.number)
            if line.ocr is not None:
                paragraphs[-1].ocr.append(line.ocr)
            lines_in_paragraph += 1
        else:
            paragraphs.append(RawParagraph(text, line.page, line.plain, [line.number],
                                           ocr=[line.ocr] if line.ocr is not None else []))
            lines_in_paragraph = 1
            if marker is not None:
                outline.place(marker)
        following = kept[position + 1] if position + 1 < len(kept) else None
        open_paragraph = not line.plain and not _ends_paragraph(line, text, paragraphs[-1].text,
                                                                lines_in_paragraph == 1, full_width, following)
        previous_text = text
    _place_footnotes(paragraphs, notes or [])
    for paragraph in paragraphs:
        paragraph.text = normalise_spacing(paragraph.text)
    return paragraphs


def _place_footnotes(paragraphs: list[RawParagraph], notes: list[Line]) -> None:
    """Each footnote (a line starting ①, and the small lines under it) goes right after the last
    paragraph begun by its page that carries its mark, else after the last one begun by then."""
    grouped: list[RawParagraph] = []
    for line in notes:
        text = clean_line(line.text)
        if not text:
            continue
        if not grouped or FOOTNOTE_START.match(text) or line.page != grouped[-1].page:
            grouped.append(RawParagraph(text, line.page, plain=True, lines=[line.number], footnote=True))
        else:
            grouped[-1].text = _join(grouped[-1].text, text)
            grouped[-1].lines.append(line.number)
        if line.ocr is not None:
            grouped[-1].ocr.append(line.ocr)
    for note in grouped:
        mark = note.text.strip()[0]
        begun = [i for i, p in enumerate(paragraphs)
                 if not p.footnote and (p.page is None or note.page is None or p.page <= note.page)]
        if not begun:
            paragraphs.insert(0, note)
            continue
        citing = next((i for i in reversed(begun) if mark in paragraphs[i].text), begun[-1])
        at = citing + 1
        while at < len(paragraphs) and paragraphs[at].footnote:
            at += 1
        paragraphs.insert(at, note)
