"""Reading a bulletin file into physical lines, with what the layout says about each line.

PDFs are read with pdfplumber: every line keeps its page and whether it is indented (a paragraph
start) or ends short of the right margin (a paragraph end). Texts are decoded by content (BOM,
UTF-8, UTF-16 without BOM, GB18030), never by file name. Anything unreadable raises RefusedInput
with one line a clerk understands.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from statistics import median
from typing import Optional

from .layout import RawLine, classify
from .model import RefusedInput

MAX_TEXT_BYTES = 2 * 1024 * 1024  # the longest real bulletin text is ~10 KB
MAX_PDF_BYTES = 60 * 1024 * 1024
MAX_PDF_PAGES = 100  # real issues run 4–12 pages
# The largest real bulletin reads in under a second; a file still being read after a minute is
# damaged or hostile (pdfminer can loop forever on one) and must not stall every run after it.
READ_TIME_LIMIT = 60.0
OCR_OWN_MARGINS = 8  # lines read by OCR from which they get margins of their own
# Reading the largest real bulletin takes ~150 MB; a file needing more than this is refused
# (enforced on the worker process that reads it, indexing.py).
READ_MEMORY_LIMIT = 1 << 30
# Checked on each page's content before pdfminer lays a character out (the costly part: a page of
# 400,000 characters took 79 s and 1.2 GB). Real pages hold under 50 KB of drawing instructions
# and under 3,500 bytes of shown text; the caps leave a wide margin.
MAX_PAGE_CONTENT_BYTES = 8 * 1024 * 1024
MAX_PAGE_CHARS = 20_000  # character codes shown on one page
MAX_PDF_CHARS = 400_000  # on all pages together



@dataclass
class Line:
    text: str
    page: Optional[int] = None  # 1-based PDF page; None for text files
    indented: Optional[bool] = None  # PDF only: starts right of the left margin
    short: Optional[bool] = None  # PDF only: ends well before the right margin
    plain: bool = False  # a paragraph of its own that only looks like a heading (an attachment note)
    # What the layout says the line is when it is not running text (layout.py): a page number, a
    # running header or footer, or a footnote (text, but set apart from the paragraph it interrupts).
    role: Optional[str] = None
    number: int = 0  # 0-based position in the file, to account for every line (explain.py)
    ocr: Optional[float] = None  # read by OCR: Tesseract's confidence (0..1)


@dataclass
class SourceText:
    path: str
    sha256: str
    form: str  # "pdf" or "txt"
    lines: list[Line]
    # PDF pages read only in part or not at all: page -> what went wrong (damage_warning says it)
    damaged_pages: dict[int, str] = field(default_factory=dict)


def check_size(path: str, size: int) -> None:
    """Refuse an empty file, or one far larger than any bulletin, before reading a byte of it."""
    if size == 0:
        raise RefusedInput(path, "empty file (0 bytes)")
    lower = path.lower()
    if lower.endswith(".pdf") and size > MAX_PDF_BYTES:
        raise RefusedInput(path, f"PDF is {size // 2**20} MB, far larger than any bulletin (limit {MAX_PDF_BYTES // 2**20} MB)")
    if lower.endswith(".txt") and size > MAX_TEXT_BYTES:
        raise RefusedInput(path, f"text is {size // 1024} KB, far larger than any bulletin (limit {MAX_TEXT_BYTES // 1024} KB)")


def read_source(path: str) -> SourceText:
    """Read a .pdf or .txt bulletin into lines; raise RefusedInput for anything unreadable."""
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise RefusedInput(path, f"cannot be read ({err.strerror})") from None
    check_size(path, size)
    with open(path, "rb") as handle:
        head = handle.read(8)
    lower = path.lower()
    if lower.endswith(".pdf"):
        if not head.startswith(b"%PDF"):
            raise RefusedInput(path, f"not a PDF at all (the file is {_sniff(path, head)})")
        data = _read_bytes(path)
        sha256 = hashlib.sha256(data).hexdigest()
        lines, damaged = read_pdf(path, sha256)
        return SourceText(path, sha256, "pdf", lines, damaged)
    if lower.endswith(".txt"):
        data = _read_bytes(path)
        text = decode_text(path, data)
        lines = [Line(t, number=n) for n, t in enumerate(text.splitlines())]
        return SourceText(path, hashlib.sha256(data).hexdigest(), "txt", lines)
    raise RefusedInput(path, "not a .pdf or .txt file")


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _sniff(path: str, head: bytes) -> str:
    if head.startswith(b"\x89PNG"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP/Office document"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "a TIFF image"
    with open(path, "rb") as handle:
        start = handle.read(512).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        return "an HTML page"
    return "not a PDF document"


# ---------------------------------------------------------------- text files

def decode_text(path: str, data: bytes) -> str:
    """Decode by content: BOMs first, then UTF-8, UTF-16 without BOM, GB18030."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _checked(path, data.decode(codec, errors="replace"))
    try:
        return _checked(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # No BOM and not UTF-8: take the candidate whose decoding reads most like Chinese text.
    best, best_score = None, 0.0
    for codec in ("gb18030", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if score > best_score:
            best, best_score = text, score
    if best is None or best_score < 0.9:
        raise RefusedInput(path, "not readable text (unknown encoding or binary data)")
    return _checked(path, best)


def _plausibility(text: str) -> float:
    """Share of characters that ordinary Chinese documents are made of."""
    sample = text[:5000]
    if not sample:
        return 0.0
    usual = sum(1 for ch in sample if ch.isspace() or " " <= ch <= "~" or "\u4e00" <= ch <= "\u9fff"
                or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027")
    return usual / len(sample)


# Control characters (not tab, line and page breaks), replacement marks and private-use code points:
# what binary data decoded as text is made of.
_ODD_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff]")


def _checked(path: str, text: str) -> str:
    """Refuse binary data that happened to decode: control characters or replacement marks."""
    if not text.strip():
        raise RefusedInput(path, "empty file (only blank lines)")
    sample = text[:20000]
    odd = len(_ODD_CHARACTER.findall(sample))
    if odd > max(3, len(sample) // 200):
        raise RefusedInput(path, "not readable text (binary data or unknown encoding)")
    return text


# ---------------------------------------------------------------- PDF files

def read_pdf_lines(path: str) -> list[Line]:
    return read_pdf(path)[0]


PAGE_DAMAGED = "damaged"  # some of the page's text could not be read
PAGE_UNREADABLE = "unreadable"  # none of it could


def read_pdf(path: str, sha256: str = "") -> tuple[list[Line], dict[int, str]]:
    """The lines of a PDF, and the pages that were read only in part (PAGE_DAMAGED) or not at
    all (PAGE_UNREADABLE). pdfminer reads past a corrupt stream silently, with what it could
    decompress; a bulletin missing half a page must not look whole, so such pages are named.
    A page with no usable text layer (a scan) is read by OCR (ocr.py), or refused by page with the
    install hint when Tesseract is missing; so is a line of text drawn as an image."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    from . import ocr

    # pdfminer logs every oddity of a damaged file; the refusal or the page's warning says what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    raw: list[RawLine] = []
    damaged: dict[int, str] = {}
    scanned: list[int] = []  # 0-based pages to read by OCR
    pictured: list[tuple[int, tuple]] = []  # (0-based page, box): a line of text drawn as an image
    try:
        with open(path, "rb") as stream:
            pdf = pdfplumber.open(stream)
            loop = reference_loop(pdf.doc)
            if loop:  # not pdf.close(): that builds the pages, and building them is what loops
                raise RefusedInput(path, f"damaged PDF: {loop}; open and re-save it, or get a fresh copy")
            with pdf:
                if len(pdf.pages) > MAX_PDF_PAGES:
                    raise RefusedInput(path, f"PDF has {len(pdf.pages)} pages, more than any bulletin (limit {MAX_PDF_PAGES})")
                page_count, page_height = len(pdf.pages), float(pdf.pages[0].height) if pdf.pages else 842.0
                check_text_amount(path, pdf.pages)
                for number, page in enumerate(pdf.pages, start=1):
                    broken_stream = _has_broken_stream(page)
                    with _pdfminer_errors() as reported:
                        try:
                            if ocr.page_is_scanned(page):
                                scanned.append(number - 1)
                                continue
                            page_lines = _with_marks_attached(page.extract_text_lines(return_chars=True))
                            stream_order = {id(char): position for position, char in enumerate(page.chars)}
                        except MemoryError:  # the file's, not the page's: refused whole (indexing.py)
                            raise
                        except Exception:  # this page only: the others may be whole
                            damaged[number] = PAGE_UNREADABLE
                            continue
                    if broken_stream or reported:
                        damaged[number] = PAGE_DAMAGED
                    first_top = None
                    for line in page_lines:
                        text = _line_text(*_in_content_order(line["chars"], stream_order))
                        if not text.strip():
                            continue
                        size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
                        raw.append(RawLine(number, line["x0"], line["x1"], size, text, line["top"]))
                        first_top = line["top"] if first_top is None else min(first_top, line["top"])
                    pictured.extend((number - 1, box) for box in ocr.text_images(page, first_top))
                pages = len(pdf.pages)
    except (RefusedInput, MemoryError):
        raise
    except PdfminerException as err:
        raise RefusedInput(path, _pdf_failure(err)) from None
    except Exception as err:  # pdfminer raises a zoo of errors on broken files
        raise RefusedInput(path, _pdf_failure(err)) from None
    if pages and sum(1 for how in damaged.values() if how == PAGE_UNREADABLE) == pages:
        raise RefusedInput(path, "damaged PDF: not one of its pages could be read; open and re-save it, "
                                 "or get a fresh copy")
    if pictured and (ocr.available() or ocr.all_cached(sha256, [], pictured)):
        # Without Tesseract the rest of the page is still read; the image stays an image.
        try:
            found = [RawLine(index + 1, line.x0, line.x1, line.size, line.text, line.top, ocr=line.confidence)
                     for index, box in pictured for line in ocr.read_region(path, index, box, sha256)]
        except (ocr.OcrUnavailable, ocr.OcrFailed):
            found = []
        raw = sorted(raw + found, key=lambda line: (line.page, line.top))
    if scanned:
        raw = sorted(raw + _ocr_lines(path, sha256, scanned, page_count), key=lambda line: line.page)
    if any(line.ocr is not None for line in raw):
        texts = ocr.repair_numbering([line.text for line in raw], [line.ocr is not None for line in raw])
        for line, text in zip(raw, texts):
            line.text = text
    if not raw:
        raise RefusedInput(path, "PDF has no text at all (blank pages)")
    return _with_layout(raw, classify(raw, page_count, page_height)), damaged


def damage_warning(damaged: dict[int, str]) -> Optional[str]:
    """One warning line for the damaged pages, or None: ``page 2 is damaged: part of its text
    could not be read; pages 3, 5 could not be read at all``."""
    parts = []
    for how, words in ((PAGE_DAMAGED, "part of its text could not be read"),
                       (PAGE_UNREADABLE, "its text could not be read at all")):
        pages = sorted(p for p, h in damaged.items() if h == how)
        if pages:
            named = (f"page {pages[0]} is" if len(pages) == 1
                     else "pages " + ", ".join(map(str, pages)) + " are")
            parts.append(f"{named} damaged: {words.replace('its', 'their') if len(pages) > 1 else words}")
    if not parts:
        return None
    return "; ".join(parts) + " (the file is corrupt: get a fresh copy and index it again)"


# A string shown on a page: (literal), with escapes, or <hex>; what each holds is character codes.
_SHOWN_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")


def check_text_amount(path: str, pages) -> None:
    """Refuse a PDF whose pages hold far more than any bulletin before any is laid out: content
    that decompresses past MAX_PAGE_CONTENT_BYTES (a compression bomb: 2 GB from a few KB), or
    more than MAX_PAGE_CHARS character codes shown on a page, MAX_PDF_CHARS on all of them."""
    total = 0
    for number, page in enumerate(pages, start=1):
        data = _page_content(page, MAX_PAGE_CONTENT_BYTES)
        if data is None:
            raise RefusedInput(path, f"page {number}'s content decompresses to more than "
                                     f"{MAX_PAGE_CONTENT_BYTES // 2**20} MB, far more than any bulletin "
                                     "(a compression bomb or a damaged file)")
        shown = sum(len(s) - 2 if s[:1] == b"(" else len(re.sub(rb"\s", b"", s[1:-1])) // 2
                    for s in _SHOWN_STRING.findall(data))
        if shown > MAX_PAGE_CHARS:
            raise RefusedInput(path, f"page {number} shows about {shown:,} characters, far more than any "
                                     f"bulletin page (limit {MAX_PAGE_CHARS:,})")
        total += shown
        if total > MAX_PDF_CHARS:
            raise RefusedInput(path, f"pages 1–{number} show about {total:,} characters, far more than any "
                                     f"bulletin (limit {MAX_PDF_CHARS:,})")


def _page_content(page, limit: int) -> Optional[bytes]:
    """The page's content streams decompressed, at most ``limit`` bytes of them; None past it.
    Flate is inflated here in bounded steps (pdfminer inflates a whole stream in one go, so a
    bomb is in memory before anything can look at it); a stream in another filter, damaged, or
    encrypted is left to pdfminer, within the worker's memory limit."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

    try:
        contents = page.page_obj.contents or []
    except Exception:
        return b""
    out: list[bytes] = []
    left = limit
    for item in contents:
        stream = resolve1(item)
        if not isinstance(stream, PDFStream) or stream.decipher:
            continue
        data = stream.data if stream.rawdata is None else stream.rawdata
        filters = [] if stream.rawdata is None else stream.get_filters()
        if any(f not in LITERALS_FLATE_DECODE for f, _ in filters):
            continue
        for _ in filters:
            data = _inflate_at_most(data, left)
            if data is None:
                return None
        if len(data or b"") > left:
            return None
        out.append(data or b"")
        left -= len(data or b"")
    return b"".join(out)


def _inflate_at_most(data: bytes, limit: int) -> Optional[bytes]:
    """Flate data inflated, or None when it holds more than ``limit`` bytes; what is damaged is
    inflated as far as it goes (_has_broken_stream says so)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for start in range(0, len(data), 1 << 16):  # fed in steps, so damage keeps what came before
        try:
            out += inflater.decompress(data[start:start + (1 << 16)], limit + 1 - len(out))
        except zlib.error:
            break
        if len(out) > limit:
            return None
        if inflater.eof:
            break
    return bytes(out)


def _has_broken_stream(page) -> bool:
    """Whether a content stream of the page is Flate data that does not decompress to its end.
    pdfminer then keeps what it could and says nothing, so this asks zlib itself first."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

    try:
        contents = page.page_obj.contents
    except Exception:
        return True
    for item in contents or []:
        stream = resolve1(item)
        if not isinstance(stream, PDFStream) or stream.rawdata is None or stream.decipher:
            continue  # already decoded, or encrypted: nothing to check before pdfminer does
        filters = stream.get_filters()
        if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
            continue
        if not _inflates_to_its_end(stream.rawdata):
            return True
    return False


def _inflates_to_its_end(data: bytes) -> bool:
    """Whether Flate data decompresses without error up to its final block, and that block ends
    where the stream does. Read as raw deflate after the two-byte header too, so a stream that only
    lacks its checksum (some producers write it so; pdfminer then still gets every byte) is not
    called damaged. But garbage can happen to decode as an end-of-block code: deflate that "ends"
    with much of the stream left over was cut short, whatever zlib says."""
    for candidate, wbits in ((data, zlib.MAX_WBITS), (data[2:], -zlib.MAX_WBITS)):
        inflater = zlib.decompressobj(wbits)
        try:
            inflater.decompress(candidate)
        except zlib.error:
            continue
        # what may follow the last block: the 4-byte checksum (raw reading) and a line break
        if inflater.eof and len(inflater.unused_data.rstrip(b"\r\n ")) <= 4:
            return True
    return False


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _pdfminer_errors():
    """The errors pdfminer logs while the block runs (it logs instead of raising on many kinds of
    damage), kept from the terminal: the page's warning says what matters."""
    logger = logging.getLogger("pdfminer")
    handler = _Collect()
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def reference_loop(doc) -> Optional[str]:
    """Objects that are only a reference to another object, in a chain that comes back to itself
    (``4 0 obj 4 0 R endobj``, or 4 → 5 → 4), said in words; None when there is none.

    pdfminer follows such a chain forever (``resolve1`` loops while the value is a reference), so
    a 400-byte file would hang the run; looking first costs one parse of each object, which
    pdfminer caches and would do anyway for the pages."""
    from pdfminer.pdftypes import PDFObjRef

    checked: set[int] = set()  # objects whose chain is known to end
    for xref in doc.xrefs:
        for objid in list(xref.get_objids()):
            chain: list[int] = []
            current = objid
            while current not in checked:
                if current in chain:
                    cycle = chain[chain.index(current):]
                    if len(cycle) == 1:
                        return f"object {cycle[0]} refers to itself"
                    return "objects " + " → ".join(map(str, cycle + [current])) + " refer to each other in a loop"
                chain.append(current)
                try:
                    value = doc.getobj(current)
                except Exception:  # missing or unparsable: pdfminer reads it as null, no loop
                    break
                if not isinstance(value, PDFObjRef):
                    break
                current = value.objid
            checked.update(chain)
    return None


def _ocr_lines(path: str, sha256: str, scanned: list[int], page_count: int) -> list[RawLine]:
    from . import ocr

    pages = _page_list([index + 1 for index in scanned])
    which = "scanned PDF with no text layer" if len(scanned) == page_count else f"scanned page {pages} has no text layer"
    if not ocr.available() and not ocr.all_cached(sha256, scanned):
        raise RefusedInput(path, f"{which}: it needs OCR; {ocr.INSTALL_HINT}")
    try:
        read = ocr.read_pages(path, scanned, sha256 or hashlib.sha256(_read_bytes(path)).hexdigest())
    except (ocr.OcrUnavailable, ocr.OcrFailed) as err:
        raise RefusedInput(path, f"{which}: it needs OCR, which failed: {err}") from None
    return [RawLine(index + 1, line.x0, line.x1, line.size, line.text, line.top, ocr=line.confidence)
            for index in scanned for line in read[index]]


def _page_list(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages) if len(pages) <= 3 else f"{pages[0]}–{pages[-1]} ({len(pages)} pages)"


_MARKS_ONLY = re.compile(r"^[\s①-⑳*＊]+$")


def _with_marks_attached(lines: list[dict]) -> list[dict]:
    """A raised footnote mark (①, set small above the line) is read by pdfplumber as a line of its
    own; it belongs to the line beside it, where it says which paragraph cites the note."""
    marks = [line for line in lines if _MARKS_ONLY.match(line["text"])]
    if not marks:
        return lines
    others = [line for line in lines if not _MARKS_ONLY.match(line["text"])]
    for mark in marks:
        beside = [line for line in others if line["top"] - mark["bottom"] < 2 and mark["top"] < line["bottom"] + 2
                  and mark["top"] - line["top"] > -(line["bottom"] - line["top"])]
        if beside:
            host = min(beside, key=lambda line: abs(line["top"] - mark["top"]))
            host["chars"] = host["chars"] + [dict(c, top=host["top"]) for c in mark["chars"]]
            host["x1"] = max(host["x1"], mark["x1"])
        else:
            others.append(mark)
    return sorted(others, key=lambda line: line["top"])


def _pdf_failure(err: Exception) -> str:
    inner = err.args[0] if err.args and isinstance(err.args[0], Exception) else err
    name = type(inner).__name__
    message = str(inner)
    if "Password" in name or "Encrypt" in name or "password" in message.lower():
        return "password-protected PDF: save an unprotected copy to index it"
    return "damaged PDF (cut short or corrupt); open and re-save it, or get a fresh copy"


def _in_content_order(chars: list[dict], stream: dict[int, int]) -> tuple[list[dict], bool]:
    """A line's characters left to right. A text layer written by OCR software (ocrmypdf, a
    scanner's own) sets each word stretched over its box, and the boxes overlap: sorted by x alone,
    `2022` and `年` interleave into `202年2`. There the words are kept whole, in the order the
    file draws them, and only the words are put left to right."""
    ordered = sorted(chars, key=lambda c: stream.get(id(c), 0))
    runs: list[list[dict]] = []
    for char in ordered:
        if runs and char["x0"] >= runs[-1][-1]["x0"]:
            runs[-1].append(char)
        else:
            runs.append([char])
    if len(runs) < 2:
        return chars, False
    runs.sort(key=lambda run: run[0]["x0"])
    texts = ["".join(c["text"] for c in run) for run in runs]
    overlapping = any(later[0]["x0"] < earlier[-1]["x1"] - 1 for earlier, later in zip(runs, runs[1:]))
    if not overlapping or len(set(texts)) < len(texts):  # a heading drawn twice is fake bold
        return chars, False
    return [char for run in runs for char in run], True


def _line_text(chars: list[dict], ordered: bool = False) -> str:
    """Rebuild a line from its characters: a wide gap is a column break (two-column lists), and a
    character drawn twice a hair apart (a heading in fake bold) is read once. pdfplumber's
    ``dedupe_chars`` does that too, but over the whole page it cost a fifth of reading a PDF."""
    out: list[str] = []
    previous = None
    for char in chars if ordered else sorted(chars, key=lambda c: c["x0"]):
        if previous is not None and char["text"] == previous["text"] and \
                abs(char["x0"] - previous["x0"]) <= 1 and abs(char["top"] - previous["top"]) <= 1:
            continue
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            size = previous["size"] or 10
            if gap > 2.0 * size:
                out.append("\u3000")
            elif gap > 0.2 * size and char["text"] != " " and previous["text"] != " ":
                out.append(" ")
        out.append(char["text"])
        previous = char
    return "".join(out)


def _with_layout(raw: list[RawLine], roles: list[Optional[str]]) -> list[Line]:
    """Mark indented and short lines against the body's own margins (the most common edges of
    the running text: page numbers, running headers and footnotes have edges of their own). Lines
    read by OCR get margins of their own: their edges scatter by a point or two."""
    margins = {}
    for from_ocr in (False, True):
        body = [line for line, role in zip(raw, roles) if role is None and (line.ocr is not None) == from_ocr]
        # A few lines read from images on a text page (a heading) go by the text layer's margins.
        if body and (not from_ocr or len(body) >= OCR_OWN_MARGINS or len(margins) == 0):
            margins[from_ocr] = _ocr_margins(body) if from_ocr else _margins(body)
    lines = []
    for number, (line, role) in enumerate(zip(raw, roles)):
        left, right = margins.get(line.ocr is not None) or next(iter(margins.values()), (line.x0, line.x1))
        lines.append(Line(
            text=line.text,
            page=line.page,
            indented=line.x0 > left + 1.2 * line.size,
            short=line.x1 < right - 1.5 * line.size,
            role=role,
            number=number,
            ocr=line.ocr,
        ))
    return lines


def _margins(body: list[RawLine]) -> tuple[float, float]:
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
    wide = [round(line.x1) for line in body if line.x1 - line.x0 > 200]
    right = Counter(wide).most_common(1)[0][0] if wide else max(line.x1 for line in body)
    return left, right


def _ocr_margins(body: list[RawLine]) -> tuple[float, float]:
    """The left margin is where most lines start (within 3 pt of the leftmost tenth); the right
    one where most full lines end."""
    starts = sorted(line.x0 for line in body)
    low = starts[len(starts) // 10]
    left = median(x for x in starts if x <= low + 3)
    ends = sorted(line.x1 for line in body if line.x1 - line.x0 > 200) or sorted(line.x1 for line in body)
    high = ends[(len(ends) * 9) // 10]
    right = median(x for x in ends if x >= high - 6)
    return left, right
