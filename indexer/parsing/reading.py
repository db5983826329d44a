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
from typing import Optional

from .model import RefusedInput

MAX_TEXT_BYTES = 2 * 1024 * 1024  # the longest real bulletin text is ~10 KB
MAX_PDF_BYTES = 60 * 1024 * 1024
MAX_PDF_PAGES = 100  # real issues run 4–12 pages
# The largest real bulletin reads in under a second; a file still being read after a minute is
# damaged or hostile (pdfminer can loop forever on one) and must not stall every run after it.
READ_TIME_LIMIT = 60.0

PAGE_NUMBER = re.compile(r"^[—\-–－一_\s]*(?:第\s*)?\d{1,3}\s*(?:页)?[—\-–－一_\s]*$")


@dataclass
class Line:
    text: str
    page: Optional[int] = None  # 1-based PDF page; None for text files
    indented: Optional[bool] = None  # PDF only: starts right of the left margin
    short: Optional[bool] = None  # PDF only: ends well before the right margin
    plain: bool = False  # a paragraph of its own that only looks like a heading (an attachment note)


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
        lines, damaged = read_pdf(path)
        return SourceText(path, hashlib.sha256(data).hexdigest(), "pdf", lines, damaged)
    if lower.endswith(".txt"):
        data = _read_bytes(path)
        text = decode_text(path, data)
        lines = [Line(t) for t in text.splitlines()]
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


def read_pdf(path: str) -> tuple[list[Line], dict[int, str]]:
    """The lines of a PDF, and the pages that were read only in part (PAGE_DAMAGED) or not at
    all (PAGE_UNREADABLE). pdfminer reads past a corrupt stream silently, with what it could
    decompress; a bulletin missing half a page must not look whole, so such pages are named."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs every oddity of a damaged file; the refusal or the page's warning says what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    raw: list[tuple[int, float, float, float, str, float]] = []  # page, x0, x1, size, text, top
    damaged: dict[int, str] = {}
    try:
        with open(path, "rb") as stream:
            pdf = pdfplumber.open(stream)
            loop = reference_loop(pdf.doc)
            if loop:  # not pdf.close(): that builds the pages, and building them is what loops
                raise RefusedInput(path, f"damaged PDF: {loop}; open and re-save it, or get a fresh copy")
            with pdf:
                if len(pdf.pages) > MAX_PDF_PAGES:
                    raise RefusedInput(path, f"PDF has {len(pdf.pages)} pages, more than any bulletin (limit {MAX_PDF_PAGES})")
                any_image = False
                for number, page in enumerate(pdf.pages, start=1):
                    broken_stream = _has_broken_stream(page)
                    with _pdfminer_errors() as reported:
                        try:
                            any_image = any_image or bool(page.images)
                            page_lines = page.extract_text_lines(return_chars=True)
                        except Exception:  # this page only: the others may be whole
                            damaged[number] = PAGE_UNREADABLE
                            continue
                    if broken_stream or reported:
                        damaged[number] = PAGE_DAMAGED
                    for line in page_lines:
                        text = _line_text(line["chars"])
                        if not text.strip():
                            continue
                        size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
                        raw.append((number, line["x0"], line["x1"], size, text, line["top"]))
                pages = len(pdf.pages)
    except RefusedInput:
        raise
    except PdfminerException as err:
        raise RefusedInput(path, _pdf_failure(err)) from None
    except Exception as err:  # pdfminer raises a zoo of errors on broken files
        raise RefusedInput(path, _pdf_failure(err)) from None
    if pages and sum(1 for how in damaged.values() if how == PAGE_UNREADABLE) == pages:
        raise RefusedInput(path, "damaged PDF: not one of its pages could be read; open and re-save it, "
                                 "or get a fresh copy")
    if not raw:
        if any_image:
            raise RefusedInput(path, "scanned PDF with no text layer: it needs OCR before it can be indexed")
        raise RefusedInput(path, "PDF has no text at all (blank pages)")
    return _with_layout(raw), damaged


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
    """Whether Flate data decompresses without error up to its final block. Read as raw deflate
    after the two-byte header, so a stream that only lacks its checksum (some producers write it
    so; pdfminer then still gets every byte) is not called damaged."""
    for candidate, wbits in ((data, zlib.MAX_WBITS), (data[2:], -zlib.MAX_WBITS)):
        inflater = zlib.decompressobj(wbits)
        try:
            inflater.decompress(candidate)
        except zlib.error:
            continue
        if inflater.eof:
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


def _pdf_failure(err: Exception) -> str:
    inner = err.args[0] if err.args and isinstance(err.args[0], Exception) else err
    name = type(inner).__name__
    message = str(inner)
    if "Password" in name or "Encrypt" in name or "password" in message.lower():
        return "password-protected PDF: save an unprotected copy to index it"
    return "damaged PDF (cut short or corrupt); open and re-save it, or get a fresh copy"


def _line_text(chars: list[dict]) -> str:
    """Rebuild a line from its characters: a wide gap is a column break (two-column lists), and a
    character drawn twice a hair apart (a heading in fake bold) is read once. pdfplumber's
    ``dedupe_chars`` does that too, but over the whole page it cost a fifth of reading a PDF."""
    out: list[str] = []
    previous = None
    for char in sorted(chars, key=lambda c: c["x0"]):
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


def _with_layout(raw: list[tuple[int, float, float, float, str, float]]) -> list[Line]:
    """Mark indented and short lines against the body's own margins (the most common edges)."""
    left = Counter(round(x0) for _, x0, _, _, _, _ in raw).most_common(1)[0][0]
    wide = [round(x1) for _, x0, x1, _, _, _ in raw if x1 - x0 > 200]
    right = Counter(wide).most_common(1)[0][0] if wide else max(x1 for _, _, x1, _, _, _ in raw)
    lines = []
    for page, x0, x1, size, text, _top in raw:
        if PAGE_NUMBER.match(text):
            continue
        lines.append(Line(
            text=text,
            page=page,
            indented=x0 > left + 1.2 * size,
            short=x1 < right - 1.5 * size,
        ))
    return lines
