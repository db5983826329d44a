"""Which generated issues get an unusual page layout, and the scanned page.

A share of a demo archive's PDFs is laid out as other bulletins in the archive are: a running
header and `第 N 页 共 M 页` footer, a footnote, a page that ends half-way through a sentence, or a
page that is a scan (an image with no text layer, read back by OCR). The choice follows the
issue's position, never the generator's random stream, so the issues themselves do not change.
"""
from __future__ import annotations

import io
from pathlib import Path

from .pdf import EARLY_PAGE_END, FOOTNOTE, PLAIN, RUNNING_HEADER, SCANNED_PAGE

# Of every ten issues: one each with a running header, an early page end, a footnote, a scan.
CYCLE = {1: RUNNING_HEADER, 3: EARLY_PAGE_END, 5: FOOTNOTE, 7: SCANNED_PAGE}
SCANNED = 2  # the page (1-based) that is a scan
SCAN_DPI = 200
SCAN_SKEW = 0.7  # degrees: a scan is never quite straight


def layout_for(index: int) -> str:
    return CYCLE.get(index % 10, PLAIN)


def replace_page_with_scan(path: Path, page_number: int = SCANNED) -> None:
    """Replace one page of the PDF at ``path`` by an image of itself (no text layer), in place."""
    import pypdfium2
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from ..parsing.ocr import render
    from .pdf import PAGE_HEIGHT, PAGE_WIDTH

    source = pypdfium2.PdfDocument(str(path))
    count = len(source)
    if page_number > count:
        source.close()
        return
    image = render(str(path), page_number - 1).rotate(SCAN_SKEW, resample=Image.BICUBIC, fillcolor=255)
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=80)
    jpeg.seek(0)
    single = io.BytesIO()
    canvas = Canvas(single, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    canvas.drawImage(ImageReader(jpeg), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
    canvas.showPage()
    canvas.save()
    result = pypdfium2.PdfDocument.new()
    for index in range(count):
        if index == page_number - 1:
            result.import_pages(pypdfium2.PdfDocument(single.getvalue()))
        else:
            result.import_pages(source, [index])
    buffer = io.BytesIO()
    result.save(buffer)
    result.close()
    source.close()
    path.write_bytes(buffer.getvalue())
