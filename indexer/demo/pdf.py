"""Typesetting a generated issue as a PDF laid out like the originals.

A4, reportlab's built-in CID font STSong-Light (no font download), 28 characters a line with a
2-character first-line indent, justified lines with closing punctuation allowed to hang in the margin,
the title in large red type, a red rule under the header, page numbers ``— N —`` at the foot and the
distribution block between two rules at the end.

``layout_issue`` is pure (no reportlab canvas): it breaks lines and pages and says where each line
goes, so tests can compare what pdfplumber reads back with what was laid out, and the generator
can tell on which page each section starts. ``write_issue_pdf`` draws a layout with the canvas
directly (no platypus: one text object per page keeps it fast).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .bulletin import COLUMN_GAP, DemoIssue

FONT = "STSong-Light"
PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898
LEFT = 79.4
BODY_SIZE = 15.5
TRACKING = 0.29  # 28 characters of 15.5 pt fill the 442 pt measure, as in the originals
EM = BODY_SIZE + TRACKING
CHARS_PER_LINE = 28
MEASURE = CHARS_PER_LINE * EM
RIGHT = LEFT + MEASURE
LINE_PITCH = 28.0
BODY_TOP = 104.0  # baseline of the first body line on pages after the first
BODY_BOTTOM = 752.0  # no body baseline below this
FOOTER_BASELINE = 792.0
RED = (0.85, 0.05, 0.05)
MAX_EXTRA_SPACING = 1.6  # beyond this a line stays ragged (pdfplumber would read a gap as a space)

CLOSING = set("，。、；：！？）》”’…%")
OPENING = set("（《“‘")
_TOKEN = re.compile(r"[0-9A-Za-z.%/+\-]+| +|.", re.S)


@dataclass(frozen=True)
class PlacedText:
    x: float
    baseline: float  # distance from the top of the page
    text: str
    size: float
    char_space: float = TRACKING
    bold: bool = False
    red: bool = False


@dataclass
class Page:
    number: int
    texts: list[PlacedText] = field(default_factory=list)
    rules: list[tuple[float, float, float, bool]] = field(default_factory=list)  # x0, y, x1, red

    def lines(self) -> list[str]:
        """The page's text lines, top to bottom, as pdfplumber's extract_text gives them."""
        rows: dict[float, list[PlacedText]] = {}
        for placed in self.texts:
            rows.setdefault(round(placed.baseline, 1), []).append(placed)
        out = []
        for baseline in sorted(rows):
            parts = [p.text for p in sorted(rows[baseline], key=lambda p: p.x)]
            out.append(re.sub(r" +", " ", " ".join(parts)).strip())
        return out


@dataclass
class Layout:
    pages: list[Page]
    block_pages: list[int]  # page (1-based) on which each block of the issue starts
    body_lines: list[list[list[str]]]  # per body block (h1/h2/para): its lines, grouped by page

    def section_pages(self, issue: DemoIssue) -> list[Optional[int]]:
        """Page on which each section's first paragraph starts."""
        pages: list[Optional[int]] = [None] * len(issue.sections)
        for block, page in zip(issue.blocks, self.block_pages):
            if block.section is not None and pages[block.section] is None:
                pages[block.section] = page
        return pages


@lru_cache(maxsize=1)
def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@lru_cache(maxsize=4096)
def _unit_width(char: str) -> float:
    """Advance width of a character at 1 pt, without tracking."""
    _register_font()
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(char, FONT, 1.0)


_WIDTHS: dict[str, float] = {}


def text_width(text: str, size: float, char_space: float = TRACKING) -> float:
    widths = _WIDTHS
    total = 0.0
    for char in text:
        w = widths.get(char)
        if w is None:
            w = widths[char] = _unit_width(char)
        total += w
    return total * size + char_space * len(text)


def break_lines(text: str, first_indent: float = 2 * EM, size: float = BODY_SIZE) -> list[tuple[str, bool]]:
    """Break a paragraph into lines: (line text, is the paragraph's last line).

    Numbers and Latin words stay whole; a closing mark may hang past the right margin; an opening
    mark never ends a line.
    """
    tokens = _TOKEN.findall(text)
    lines: list[list[str]] = [[]]
    width = 0.0
    available = MEASURE - first_indent
    for token in tokens:
        current = lines[-1]
        if token.isspace() and not current:
            continue  # no space at the start of a line
        w = text_width(token, size)
        if width + w <= available + 0.01 or not current:
            current.append(token)
            width += w
            continue
        if token in CLOSING and not (current and current[-1] in CLOSING):
            current.append(token)  # hangs in the margin
            width += w
            continue
        new = [] if token.isspace() else [token]
        while current and (current[-1] in OPENING or current[-1].isspace()):
            new.insert(0, current.pop())  # an opening mark never ends a line
        while new and new[0] in CLOSING and len(current) > 1:
            new.insert(0, current.pop())  # a closing mark never starts one
        new = [t for t in new if not t.isspace()]
        lines.append(new)
        width = text_width("".join(new), size)
        available = MEASURE
    result = []
    for index, line in enumerate(lines):
        while line and line[-1].isspace():
            line.pop()
        if line:
            result.append(("".join(line), index == len(lines) - 1))
    return result


def _justified_spacing(line: str, available: float, size: float) -> float:
    natural = text_width(line, size)
    if len(line) < 2 or natural >= available:
        return TRACKING
    extra = (available - natural) / (len(line) - 1)
    return TRACKING + extra if extra <= MAX_EXTRA_SPACING else TRACKING


class _Pager:
    def __init__(self):
        self.pages: list[Page] = [Page(1)]
        self.y = BODY_TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page(len(self.pages) + 1))
        self.y = BODY_TOP

    def room(self) -> int:
        return int((BODY_BOTTOM - self.y) // LINE_PITCH) + 1


def _centered(text: str, baseline: float, size: float, **style) -> PlacedText:
    width = text_width(text, size, 0)
    return PlacedText(PAGE_WIDTH / 2 - width / 2, baseline, text, size, 0, **style)


# The page layouts the archive holds besides the plain one (demo/layouts.py picks a share).
PLAIN = "plain"
RUNNING_HEADER = "running header"  # a title line above every page, `第 N 页 共 M 页` below
EARLY_PAGE_END = "early page end"  # page 2 stops half-way in a sentence that goes on overleaf
FOOTNOTE = "footnote"  # a note ① at the foot of page 2, its mark after a paragraph there
SCANNED_PAGE = "scanned page"  # page 2 is an image (demo/layouts.py), read back by OCR
FOOTNOTE_TEXT = "①数据来源：一体化政务服务平台，统计口径为本级。"


def layout_issue(issue: DemoIssue, variant: str = PLAIN) -> Layout:
    pager = _Pager()
    block_pages: list[int] = []
    page_pieces: list[list[list[str]]] = []
    header_y = 100.0
    blocks = list(issue.blocks)
    body_start = 0
    # --- the header on page 1
    for index, block in enumerate(blocks):
        if block.role in ("h1", "para", "h2"):
            body_start = index
            break
        page = pager.page
        block_pages.append(1)
        if block.role == "title":
            page.texts.append(_centered(block.text, header_y, 36, bold=True, red=True))
            header_y += 34
        elif block.role == "number":
            page.texts.append(_centered(block.text, header_y, 14))
            header_y += 26
        elif block.role == "center_date":
            name, _, when = block.text.partition(" ")
            page.texts.append(PlacedText(LEFT, header_y, name, 13, 0))
            page.texts.append(PlacedText(RIGHT - 6 - text_width(when, 13, 0), header_y, when, 13, 0))
            header_y += 10
            page.rules.append((LEFT, header_y, RIGHT - 6, True))
            header_y += 30
        elif block.role == "center":
            page.texts.append(_centered(block.text, header_y, 13))
            header_y += 20
        elif block.role == "date":
            page.texts.append(_centered(block.text, header_y, 13))
            header_y += 10
            page.rules.append((LEFT, header_y, RIGHT - 6, True))
            header_y += 30
        elif block.role in ("subtitle", "period"):
            page.texts.append(_centered(block.text, header_y, BODY_SIZE, bold=block.role == "subtitle"))
            header_y += LINE_PITCH
    pager.y = header_y + 8
    # --- body, then the distribution block, then any attachment
    rest = blocks[body_start:]
    first_dist = next((i for i, b in enumerate(rest) if b.role == "dist"), len(rest))
    body = rest[:first_dist]
    dist = [b for b in rest[first_dist:] if b.role == "dist"]
    attachment = [b for b in rest[first_dist:] if b.role.startswith("att_")]
    cut_done = variant != EARLY_PAGE_END
    last_lines: dict[int, tuple[int, PlacedText]] = {}  # block index → (page, its last line)
    for position, block in enumerate(body):
        lines = break_lines(block.text)
        if not cut_done and block.role == "para" and pager.page.number == 2 and len(lines) >= 3 \
                and pager.room() > len(lines):
            # The page ends in the middle of the paragraph's second line, mid-sentence; the rest is
            # set again from the top of the next page, flush left.
            second = lines[1][0]
            half = len(second) // 2
            while half < len(second) - 1 and not (_is_cjk(second[half - 1]) and _is_cjk(second[half])):
                half += 1
            rest = second[half:] + "".join(line for line, _ in lines[2:])
            lines = [lines[0], (second[:half], True), ("\f", False)] + break_lines(rest, first_indent=0.0)
            cut_done = True
        heading = block.role in ("h1", "h2")
        next_is_text = position + 1 < len(body)
        needed = len(lines) + (1 if heading and next_is_text else 0)
        if heading and pager.room() < needed:
            pager.new_page()  # keep a heading with the first line after it
        elif pager.room() < 1:
            pager.new_page()
        block_pages.append(pager.page.number)
        pieces = [[]]
        for line_index, (line, last) in enumerate(lines):
            if line == "\f":
                pager.new_page()
                pieces.append([])
                continue
            if pager.room() < 1:
                pager.new_page()
                pieces.append([])
            pieces[-1].append(line)
            indent = 2 * EM if line_index == 0 else 0.0
            spacing = TRACKING if last else _justified_spacing(line, MEASURE - indent, BODY_SIZE)
            placed = PlacedText(LEFT + indent, pager.y, line, BODY_SIZE, spacing, bold=block.role == "h1")
            pager.page.texts.append(placed)
            last_lines[body_start + position] = (pager.page.number, placed)
            pager.y += LINE_PITCH
        page_pieces.append([p for p in pieces if p])
    # the distribution block, between two rules, kept together at the end of the body
    if dist:
        needed = 20 * len(dist) + 30
        if pager.y + needed > BODY_BOTTOM + 20:
            pager.new_page()
        y = max(pager.y + 10, BODY_BOTTOM + 20 - needed)
        pager.page.rules.append((LEFT, y - 18, RIGHT - 6, False))
        for block in dist:
            block_pages.append(pager.page.number)
            if block.text.startswith("（共印"):
                x = RIGHT - 6 - text_width(block.text, 13, 0)
            else:
                x = LEFT
            pager.page.texts.append(PlacedText(x, y, block.text, 13, 0))
            y += 20
        pager.page.rules.append((LEFT, y - 12, RIGHT - 6, False))
    # an attachment starts a page of its own; list rows are set in two columns
    if attachment:
        pager.new_page()
        for block in attachment:
            if pager.room() < 1:
                pager.new_page()
            block_pages.append(pager.page.number)
            if block.role == "att_head":
                pager.page.texts.append(PlacedText(LEFT, pager.y, block.text, BODY_SIZE, TRACKING, bold=True))
            elif block.role == "att_title":
                pager.y += LINE_PITCH / 2
                pager.page.texts.append(_centered(block.text, pager.y, 18, bold=True))
                pager.y += LINE_PITCH / 2
            else:
                for column, cell in enumerate(block.text.split(COLUMN_GAP)):
                    x = LEFT + 2 * EM + column * (MEASURE / 2)
                    pager.page.texts.append(PlacedText(x, pager.y, cell, BODY_SIZE, TRACKING))
            pager.y += LINE_PITCH
    total = len(pager.pages)
    for page in pager.pages:
        if variant == RUNNING_HEADER:
            page.texts.insert(0, _centered(f"{issue.title} {issue.year}年第{issue.number}期", 50.0, 10.5))
            page.texts.append(_centered(f"第 {page.number} 页 共 {total} 页", FOOTER_BASELINE, 12))
        else:
            page.texts.append(_centered(f"— {page.number} —", FOOTER_BASELINE, 14))
    if variant == FOOTNOTE and total >= 3:
        _add_footnote(issue, pager.pages[1], last_lines)
    return Layout(pager.pages, block_pages, page_pieces)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _add_footnote(issue: DemoIssue, page: Page, last_lines: dict[int, tuple[int, PlacedText]]) -> None:
    """A mark ① after the last line on the page that ends a section (so the section's text is
    what it was, the mark and the note after it), and the note in small type at the page foot."""
    ends = [i for i in range(len(issue.blocks) - 1)
            if issue.blocks[i].role == "para" and issue.blocks[i].section is not None
            and issue.blocks[i + 1].section != issue.blocks[i].section]
    for index in reversed(ends):
        on_page, placed = last_lines.get(index, (None, None))
        if on_page != page.number or not placed.text.endswith("。"):
            continue
        width = text_width(placed.text, BODY_SIZE, placed.char_space)
        if placed.x + width < RIGHT - 2 * EM:
            page.texts.append(PlacedText(placed.x + width + 1, placed.baseline - 6, "①", 9, 0))
            page.texts.append(PlacedText(LEFT, 768.0, FOOTNOTE_TEXT, 10.5, 0))
            page.rules.append((LEFT, 755.0, LEFT + 120, False))
            return


def write_issue_pdf(issue: DemoIssue, path, layout: Optional[Layout] = None, compress: bool = True) -> Layout:
    """Typeset the issue to ``path``; returns the layout used. Output is byte-for-byte reproducible."""
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    _register_font()
    # Plain Flate streams: reportlab's pure-Python ASCII85 step (no C accelerator here) took a fifth
    # of the time and makes files bigger. rl_config is global, so it is restored afterwards.
    saved_a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        return _draw(issue, path, layout or layout_issue(issue), compress, Canvas)
    finally:
        rl_config.useA85 = saved_a85


def _draw(issue: DemoIssue, path, layout: Layout, compress: bool, Canvas) -> Layout:
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=int(compress))
    canvas.setTitle(f"{issue.title} {issue.year}年第{issue.number}期")
    canvas.setAuthor("bulletin-search demo generator")
    for page in layout.pages:
        for x0, y, x1, red in page.rules:
            canvas.setStrokeColorRGB(*(RED if red else (0, 0, 0)))
            canvas.setLineWidth(1.5 if red else 0.8)
            canvas.line(x0, PAGE_HEIGHT - y, x1, PAGE_HEIGHT - y)
        text = canvas.beginText()
        current = None
        for placed in page.texts:
            style = (placed.size, placed.char_space, placed.bold, placed.red)
            if style != current:
                text.setFont(FONT, placed.size)
                text.setCharSpace(placed.char_space)
                text.setTextRenderMode(2 if placed.bold else 0)
                colour = RED if placed.red else (0, 0, 0)
                text.setFillColorRGB(*colour)
                text.setStrokeColorRGB(*colour)
                current = style
            text.setTextOrigin(placed.x, PAGE_HEIGHT - placed.baseline)
            text.textOut(placed.text)
        canvas.setLineWidth(0.35)  # the stroke of fake-bold glyphs
        canvas.drawText(text)
        canvas.showPage()
    canvas.save()
    return layout
