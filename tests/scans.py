"""Scans made by the tests from text PDFs: each page rendered, turned a little askew (0.5–1.5°),
speckled with noise and saved as JPEG, then put back into a PDF as one image a page, with no text
layer at all, as an office scanner makes them. Deterministic for a seed, so that the OCR cache
(keyed by the file's hash) serves later runs."""
from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Iterable, Optional

PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898
SCAN_DPI = 200


def scanned_page_image(pdf_path: Path, index: int, rng: random.Random):
    from PIL import Image, ImageChops

    from indexer.parsing.ocr import render

    image = render(str(pdf_path), index)
    if image.width != round(PAGE_WIDTH * SCAN_DPI / 72):
        image = image.resize((round(PAGE_WIDTH * SCAN_DPI / 72), round(PAGE_HEIGHT * SCAN_DPI / 72)))
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    # Noise from the seeded generator (Pillow's effect_noise draws from C's rand(), which other
    # tests move on, so the same scan would differ from run to run and miss the OCR cache).
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    noise = noise.resize((image.width // 2, image.height // 2)).resize(image.size)  # specks of 2 px
    image = ImageChops.subtract(image, noise.point(lambda v: max(0, v - 200) * 3))  # dark specks
    image = ImageChops.add(image, noise.point(lambda v: max(0, 60 - v)))  # paper grain
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    buffer.seek(0)
    return buffer


def make_scan(pdf_path: Path, out_path: Path, seed: int = 1, pages: Optional[Iterable[int]] = None) -> Path:
    """The PDF with the given pages (0-based; all when None) replaced by scans of themselves."""
    import pdfplumber
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    with pdfplumber.open(str(pdf_path)) as pdf:
        count = len(pdf.pages)
    chosen = set(range(count) if pages is None else pages)
    rng = random.Random(seed)
    if chosen == set(range(count)):
        canvas = Canvas(str(out_path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
        for index in range(count):
            canvas.drawImage(ImageReader(scanned_page_image(pdf_path, index, rng)), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
            canvas.showPage()
        canvas.save()
        return out_path
    # Some pages only: the text pages are copied as they are (pypdfium2 keeps their text layer).
    import pypdfium2

    source = pypdfium2.PdfDocument(str(pdf_path))
    result = pypdfium2.PdfDocument.new()
    for index in range(count):
        if index in chosen:
            single = io.BytesIO()
            canvas = Canvas(single, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
            canvas.drawImage(ImageReader(scanned_page_image(pdf_path, index, rng)), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
            canvas.showPage()
            canvas.save()
            result.import_pages(pypdfium2.PdfDocument(single.getvalue()))
        else:
            result.import_pages(source, [index])
    result.save(str(out_path))
    return out_path
