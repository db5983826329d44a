"""Layout variants of a bulletin PDF, built by the tests from a real sample's own lines.

A sample is read with pdfplumber into lines of glyphs (text, x, size, colour) and set again with
reportlab's built-in CID font STSong-Light, every glyph at its own x, so that the plain variant parses
like the sample. The variants change only the layout the archive's other bulletins have: running
headers and ``第 N 页 共 M 页`` footers, footnotes at the page foot, a page that ends half-way with
the paragraph going on overleaf, a missing first heading, an enumeration ``N、`` inside an item.
Nothing here is the parser's: the tests compare what the parser makes of a variant with what it
makes of the plain layout.
"""
from __future__ import annotations

import copy
import io
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898
FONT = "STSong-Light"
LEFT = 79.4
TOP_OF_PAGE = 91.3  # top of the first body line on pages after the first, as in the samples
LAST_TOP = 731.0  # no body line starts lower (the samples stop at 729)
PITCH = 29.0
ASCENT = 0.88  # STSong-Light's ascent: pdfplumber's `top` is the baseline less this many ems

_PAGE_NUMBER = re.compile(r"^[—\-–\s]*\d{1,3}[—\-–\s]*$")


@dataclass
class Glyph:
    text: str
    x: float
    size: float
    red: bool = False
    rise: float = 0.0  # a superscript footnote mark stands this far above the line


@dataclass
class PdfLine:
    glyphs: list[Glyph]
    gap: Optional[float]  # distance from the line above on the same page; None when first on a page
    top: float = 0.0  # where it was on its page (the first page keeps its header where it was)
    page_break: bool = False  # the sample started a page here
    force_break: bool = False  # the variant starts a page here, whatever room is left

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)


@dataclass
class Extra:
    """Text drawn outside the flow: a running header, a footer, a footnote."""

    x: float
    top: float
    text: str
    size: float


@dataclass
class Variant:
    lines: list[PdfLine]
    header: Optional[str] = None  # running header on every page
    footer: str = "— {n} —"  # page number line; {n} the page, {total} the page count
    footnotes: dict[int, list[str]] = field(default_factory=dict)  # line index → notes on its page
    image_pages: list[int] = field(default_factory=list)
    ocr_words: bool = False  # the text as OCR software writes it: invisible words over overlapping boxes
    pictures: dict[int, bytes] = field(default_factory=dict)  # line index → PNG drawn instead of its text


def read_lines(pdf_path: Path) -> list[PdfLine]:
    import pdfplumber

    out: list[PdfLine] = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            previous_top = None
            for line in page.extract_text_lines(return_chars=True):
                if _PAGE_NUMBER.match(line["text"].strip()) and line["top"] > 760:
                    continue
                glyphs = [Glyph(c["text"], c["x0"], round(c["size"], 1),
                                red=tuple(c.get("non_stroking_color") or ()) [:1] == (0.85,))
                          for c in sorted(line["chars"], key=lambda c: c["x0"]) if c["text"].strip()]
                if not glyphs:
                    continue
                gap = None if previous_top is None else line["top"] - previous_top
                out.append(PdfLine(glyphs, gap, line["top"], page_break=previous_top is None))
                previous_top = line["top"]
    return out


def write(variant: Variant, path: Path) -> Path:
    """Flow the lines onto pages (the sample's own page breaks until a change pushes text on) and
    draw them with the running texts of the variant."""
    pages: list[list[tuple[float, PdfLine]]] = []
    notes_on: dict[int, list[str]] = {}
    flowing = False  # once a line was pushed on, the sample's page breaks no longer hold
    top = 0.0
    for index, line in enumerate(variant.lines):
        if line.force_break:
            flowing = True
        if not pages:
            pages.append([])
            top = line.top
        elif line.force_break or (line.page_break and not flowing):
            pages.append([])
            top = TOP_OF_PAGE
        else:
            top += line.gap if line.gap else PITCH
            if top > LAST_TOP:
                flowing = True
                pages.append([])
                top = TOP_OF_PAGE
        pages[-1].append((top, line))
        if index in variant.footnotes:
            notes_on.setdefault(len(pages), []).extend(variant.footnotes[index])
    total = len(pages) + len(variant.image_pages)
    return _draw(pages, variant, notes_on, total, path)


def _draw(pages, variant: Variant, notes_on, total: int, path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pictured = {id(variant.lines[index]): picture for index, picture in variant.pictures.items()}
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    for number, placed in enumerate(pages, start=1):
        extras: list[Extra] = []
        if variant.header:
            extras.append(Extra(_centre(variant.header, 10.5), 42.0, variant.header, 10.5))
        footer = variant.footer.format(n=number, total=total)
        extras.append(Extra(_centre(footer, 14.0), 778.6, footer, 14.0))
        for k, note in enumerate(notes_on.get(number, [])):
            extras.append(Extra(LEFT, 752.0 + 13.0 * k, note, 10.5))
        text = canvas.beginText()
        for top, line in placed:
            if id(line) in pictured:
                from reportlab.lib.utils import ImageReader

                png, width, height = pictured[id(line)]
                canvas.drawImage(ImageReader(io.BytesIO(png)), line.x0 - 2, PAGE_HEIGHT - top - height + 2,
                                 width, height)
                continue
            if variant.ocr_words:
                _draw_ocr_words(text, line, top)
                continue
            for glyph in line.glyphs:
                text.setFont(FONT, glyph.size)
                text.setFillColorRGB(*((0.85, 0.05, 0.05) if glyph.red else (0, 0, 0)))
                text.setTextOrigin(glyph.x, PAGE_HEIGHT - top - ASCENT * glyph.size + glyph.rise)
                text.textOut(glyph.text)
        text.setFillColorRGB(0, 0, 0)
        for extra in extras:
            text.setFont(FONT, extra.size)
            text.setTextOrigin(extra.x, PAGE_HEIGHT - extra.top - ASCENT * extra.size)
            text.textOut(extra.text)
        canvas.drawText(text)
        if notes_on.get(number):
            canvas.line(LEFT, PAGE_HEIGHT - 748.0, LEFT + 120, PAGE_HEIGHT - 748.0)
        canvas.showPage()
    canvas.save()
    return path


WORD = 4  # characters a word box holds
OVERLAP = 1.3  # each word box reaches this far into the next word's


def _draw_ocr_words(text, line: PdfLine, top: float) -> None:
    """Each word stretched over a box a third wider than the word (ocrmypdf's hOCR boxes overlap),
    invisible (render mode 3), drawn in reading order."""
    from reportlab.pdfbase import pdfmetrics

    glyphs = line.glyphs
    text.setTextRenderMode(3)
    for start in range(0, len(glyphs), WORD):
        word = glyphs[start:start + WORD]
        size = word[0].size
        if start + WORD < len(glyphs):
            box = (glyphs[start + WORD].x - word[0].x) * OVERLAP
        else:  # the line's last word ends where its ink does: at the margin
            box = word[-1].x + size - word[0].x
        natural = pdfmetrics.stringWidth("".join(g.text for g in word), FONT, size)
        text.setFont(FONT, size)
        text.setHorizScale(100 * box / natural)
        text.setTextOrigin(word[0].x, PAGE_HEIGHT - top - ASCENT * size)
        text.textOut("".join(g.text for g in word))
    text.setHorizScale(100)
    text.setTextRenderMode(0)


def ocr_text_layer(lines: list[PdfLine], sample: str) -> Variant:
    """The text layer OCR software gives a scan: words over overlapping boxes."""
    return Variant(copy.deepcopy(lines), ocr_words=True)


def _centre(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return (PAGE_WIDTH - pdfmetrics.stringWidth(text, FONT, size)) / 2


# ---------------------------------------------------------------- the variants

def _is_marker_line(line: PdfLine, pattern: str) -> bool:
    return re.match(pattern, line.text) is not None


_LEVEL1 = r"^[一二三四五六七八九十]{1,3}、"
_LEVEL2 = r"^[（(][一二三四五六七八九十]{1,3}[）)]"


def _ends_paragraph(lines: list[PdfLine], index: int) -> bool:
    """The line ends a paragraph: it closes a sentence short of the right margin."""
    line = lines[index]
    return line.text.endswith("。") and line.glyphs[-1].x < 480


def _body_start(lines: list[PdfLine]) -> int:
    return next(i for i, line in enumerate(lines) if _is_marker_line(line, _LEVEL1))


def plain(lines: list[PdfLine], sample: str) -> Variant:
    return Variant(copy.deepcopy(lines))


def running_header(lines: list[PdfLine], sample: str) -> Variant:
    """`窗口工作周报 2022年第14期` above every page, `第 N 页 共 M 页` below."""
    return Variant(copy.deepcopy(lines), header=_running_title(lines), footer="第 {n} 页 共 {total} 页")


def _running_title(lines: list[PdfLine]) -> str:
    head = " ".join(line.text for line in lines[:_body_start(lines)])
    number = re.search(r"(\d{4})\s*年\s*第\s*(\d+)\s*期", head)
    kind = "政务窗口月报" if "月报" in head else "窗口工作周报"
    if number:
        return f"{kind} {number.group(1)}年第{number.group(2)}期"
    number = re.search(r"第\s*(\d+)\s*期", head)
    return f"{kind} 第{number.group(1)}期"


FOOTNOTES = ["①数据来源：四川一体化政务服务平台，统计口径为省本级。",
             "②本期所列事项均已按规定在省政务服务网公开。"]


def footnotes(lines: list[PdfLine], sample: str) -> Variant:
    """A footnote mark after the last finished paragraph of pages 2 and 3, its note at the foot."""
    lines = copy.deepcopy(lines)
    variant = Variant(lines)
    page_starts = [i for i, line in enumerate(lines) if line.page_break]
    for mark, note, page in zip("①②", FOOTNOTES, (1, 2)):
        if page + 1 >= len(page_starts):
            break
        start, end = page_starts[page], page_starts[page + 1]
        cited = max(i for i in range(start, end) if _ends_paragraph(lines, i))
        last = lines[cited].glyphs[-1]
        lines[cited].glyphs.append(Glyph(mark, last.x + last.size, 9.0, rise=6.0))
        variant.footnotes[cited] = [note]
    return variant


def early_page_end(lines: list[PdfLine], sample: str) -> Variant:
    """Page 2 ends half-way, in the middle of a line and of a sentence; the paragraph goes on
    overleaf, flush left."""
    lines = copy.deepcopy(lines)
    page_starts = [i for i, line in enumerate(lines) if line.page_break]
    start, end = page_starts[1], page_starts[2]
    middle = (start + end) // 2
    # A line inside a paragraph: full, and the next one flush left (not a new paragraph).
    index = next(i for i in range(middle, end - 1)
                 if not _ends_paragraph(lines, i) and abs(lines[i + 1].x0 - LEFT) < 2 and abs(lines[i].x0 - LEFT) < 2)
    line = lines[index]
    cut = next(k for k in range(len(line.glyphs) // 2, len(line.glyphs))
               if "\u4e00" <= line.glyphs[k - 1].text <= "\u9fff" and "\u4e00" <= line.glyphs[k].text <= "\u9fff")
    # The rest of the paragraph is set again from the top of the next page, in full lines.
    end = next(i for i in range(index + 1, len(lines)) if _ends_paragraph(lines, i) or lines[i + 1].x0 > LEFT + 2)
    rest = "".join(g.text for g in line.glyphs[cut:]) + "".join(lines[i].text for i in range(index + 1, end + 1))
    size = line.glyphs[0].size
    line.glyphs = line.glyphs[:cut]
    set_again = [PdfLine(glyphs, PITCH) for glyphs in _set_lines(rest, size)]
    set_again[0].force_break = True
    lines[index + 1:end + 1] = set_again
    return Variant(lines)


def _set_lines(text: str, size: float, cells: float = 28) -> list[list[Glyph]]:
    """Break text into lines of ``cells`` full-width cells (Latin characters take half a cell)."""
    out: list[list[Glyph]] = [[]]
    used = 0.0
    for char in text:
        width = 0.5 if char.isascii() else 1.0
        if used + width > cells and char not in "，。、；：”）":
            out.append([])
            used = 0.0
        out[-1].append(Glyph(char, LEFT + used * (size + 0.29), size))
        used += width
    return out


def missing_first_heading(lines: list[PdfLine], sample: str) -> Variant:
    """The body opens straight with an item: everything from the first heading down to the
    first level-2 item is gone (a bulletin whose first heading was never typed)."""
    lines = copy.deepcopy(lines)
    first = _body_start(lines)
    item = next(i for i in range(first, len(lines)) if _is_marker_line(lines[i], _LEVEL2))
    kept = lines[:first] + lines[item:]
    kept[first].gap = lines[first].gap
    return Variant(kept)


def enumeration_in_item(lines: list[PdfLine], sample: str) -> Variant:
    """Inside the first item after the last level-1 heading, a paragraph numbered like that
    heading (`三、…` after `三、窗口工作动态`): an enumerated point, not a new section."""
    lines = copy.deepcopy(lines)
    headings = [i for i, line in enumerate(lines) if _is_marker_line(line, _LEVEL1)]
    chosen = headings[-1]
    numeral = re.match(_LEVEL1, lines[chosen].text).group(0)
    end = next((i for i in range(chosen + 2, len(lines)) if _ends_paragraph(lines, i)), None)
    template = lines[chosen]
    text = f"{numeral}强化跟踪问效，窗口按周汇总办理情况。"
    size = max(g.size for g in lines[end].glyphs)
    glyphs = [Glyph(ch, template.x0 + k * (size + 0.29), size) for k, ch in enumerate(text)]
    lines.insert(end + 1, PdfLine(glyphs, PITCH))
    return Variant(lines)


def _picture_of(line: PdfLine) -> tuple[bytes, float, float]:
    """The line set in bold type on its own and photographed: (PNG, width, height in points)."""
    import pypdfium2
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    size = line.glyphs[0].size
    width, height = line.glyphs[-1].x - line.x0 + size + 4, size * 1.5
    page = io.BytesIO()
    canvas = Canvas(page, pagesize=(width, height))
    text = canvas.beginText()
    text.setFont(FONT, size)
    text.setTextRenderMode(2)  # fill and stroke: bold, as headings are set
    canvas.setLineWidth(0.4)
    for glyph in line.glyphs:
        text.setTextOrigin(glyph.x - line.x0 + 2, size * 0.35)
        text.textOut(glyph.text)
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    document = pypdfium2.PdfDocument(page.getvalue())
    image = document[0].render(scale=300 / 72).to_pil().convert("L")
    document.close()
    png = io.BytesIO()
    image.save(png, format="PNG")
    return png.getvalue(), width, height


def image_heading(lines: list[PdfLine], sample: str) -> Variant:
    """The first top-level heading is a picture of itself (a heading pasted in as an image)."""
    lines = copy.deepcopy(lines)
    first = _body_start(lines)
    return Variant(lines, pictures={first: _picture_of(lines[first])})


VARIANTS: dict[str, Callable[[list[PdfLine], str], Variant]] = {
    "plain": plain,
    "running header and footer": running_header,
    "footnotes": footnotes,
    "early page end": early_page_end,
    "missing first heading": missing_first_heading,
    "enumeration inside an item": enumeration_in_item,
    "ocr text layer": ocr_text_layer,
    "image heading": image_heading,
}


def build(sample_pdf: Path, name: str, folder: Path) -> Path:
    lines = read_lines(sample_pdf)
    variant = VARIANTS[name](lines, sample_pdf.stem)
    slug = re.sub(r"\W+", "-", name)
    return write(variant, folder / f"{sample_pdf.stem}-{slug}.pdf")


_FOLDER: Optional[tempfile.TemporaryDirectory] = None


@lru_cache(maxsize=None)
def built(sample_pdf: Path, name: str) -> Path:
    """The variant, built once per test run into a temporary folder removed at exit."""
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = tempfile.TemporaryDirectory(prefix="layouts-")
    return build(sample_pdf, name, Path(_FOLDER.name))
