"""Reading a page that has no usable text layer (a scan) with Tesseract.

A page is rendered at 200 dpi with pypdfium2 (installed with pdfplumber), straightened (a scan is
often a degree askew, which costs Tesseract whole lines), and read with ``chi_sim --psm 6``, one
page per process with ``OMP_THREAD_LIMIT=1`` (Tesseract's own threads only slow a busy machine).
Its TSV output gives a box for every word, so each line keeps its left and right edges in PDF
points and the indent and short-line rules of the text layer apply unchanged. What it misreads in
this domain is repaired (``（2）`` read as ``42)``, the period dash read as ``一``, ``丶`` for ``、``).
Results are cached by file hash and page, so a rebuild never reads a page twice.
"""
from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from statistics import mean
from typing import Optional

ENGINE = "tesseract"
DPI = 200
LANGUAGE = "chi_sim"
PAGE_SEGMENTATION = "6"  # one uniform block of text: measured better on bulletins than the default 3
CACHE_VERSION = 7  # bump when rendering, reading or repairs change, so old results are not reused
INSTALL_HINT = "install Tesseract to read it: sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim"
MAX_SKEW = 3.0  # degrees searched either way when straightening
NOISE_CONFIDENCE = 0.4
TIMEOUT = 120  # seconds for one page; a page that takes longer is refused, not waited for


_PDFIUM = threading.Lock()


@dataclass
class OcrLine:
    text: str
    x0: float  # PDF points
    x1: float
    top: float
    size: float  # the line's height read as a font size
    confidence: float  # 0..1, Tesseract's mean word confidence


class OcrUnavailable(Exception):
    """Tesseract or its Chinese model is not installed."""


class OcrFailed(Exception):
    """Tesseract ran but could not read the page."""


@lru_cache(maxsize=1)
def available() -> bool:
    """True when Tesseract and its simplified-Chinese model are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANGUAGE in done.stdout.split()


def _cache_folder() -> Path:
    from ..search.analysis import cache_dir  # the folder jieba's cache already lives in

    return cache_dir() / "ocr"


def _cache_path(sha256: str, page: int, box: Optional[tuple] = None) -> Path:
    key = f"{sha256}-{page}-{box}-{ENGINE}-{LANGUAGE}-{PAGE_SEGMENTATION}-{DPI}-v{CACHE_VERSION}"
    return _cache_folder() / sha256[:2] / (hashlib.sha1(key.encode()).hexdigest() + ".json")


def read_page(pdf_path: str, page_index: int, sha256: str) -> list[OcrLine]:
    """The lines of one page (0-based ``page_index``), from the cache when it was read before."""
    return _cached(_cache_path(sha256, page_index),
                   lambda: _read(render(pdf_path, page_index), first_page=page_index == 0))


def _cached(cached: Path, read) -> list[OcrLine]:
    """The lines stored at ``cached``, else ``read()``'s (Tesseract's), stored there for next time."""
    try:
        return [OcrLine(**line) for line in json.loads(cached.read_text("utf-8"))]
    except (OSError, ValueError, TypeError):
        pass
    if not available():
        raise OcrUnavailable(INSTALL_HINT)
    lines = read()
    _store(cached, lines)
    return lines


def _store(cached: Path, lines: list[OcrLine]) -> None:
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps([line.__dict__ for line in lines], ensure_ascii=False), "utf-8")
        os.replace(temporary, cached)
    except OSError:
        pass  # a read-only cache costs time on the next run, not correctness


def render(pdf_path: str, page_index: int):
    """The page as a greyscale Pillow image at DPI."""
    import pypdfium2

    with _PDFIUM:  # pdfium is not thread-safe: one render at a time in a process (0.6 s a page)
        document = pypdfium2.PdfDocument(pdf_path)
        try:
            page = document[page_index]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
        finally:
            document.close()
    return image


def skew_angle(image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the text lines level: the angle at
    which the rows of a small ink mask are most unequal (lines and gaps apart)."""
    from PIL import Image

    small = image.copy()
    small.thumbnail((700, 1000))
    ink = small.point(lambda v: 255 if v < 150 else 0)

    def sharpness(angle: float) -> float:
        rows = ink.rotate(angle, resample=Image.BILINEAR, fillcolor=0).resize((1, ink.height), Image.BOX)
        values = rows.tobytes()
        return sum((a - b) ** 2 for a, b in zip(values, values[1:]))

    best = max((step / 10 for step in range(int(-MAX_SKEW * 10), int(MAX_SKEW * 10) + 1, 2)), key=sharpness)
    fine = max((best + step / 20 for step in range(-2, 3)), key=sharpness)
    return fine


def straighten(image):
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)


def _read(image, first_page: bool = False) -> list[OcrLine]:
    image = straighten(image)
    lines = _tesseract(image, 72 / DPI)
    if first_page:
        lines = _with_header_read_again(image, lines)
    return lines


# The header of a first page holds what identifies the issue (`2022年第40期`, the period
# `（11月 21日—11月 25日）`), in spaced-out digits that Tesseract sometimes drops at 200 dpi.
HEADER_SHARE = 0.3  # of the page's height
HEADER_SCALE = 1.5
_DATE_PART = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年|第\d{1,4}期")
_BROKEN_DATE = re.compile(r"(?<!\d)[月日期]|[$§]")


_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
PERIOD_DAYS = 35  # a weekly's period is a week, a monthly's a month: never more than this


def _date_score(text: str) -> int:
    """Whole dates and numbers count for a reading, broken ones against it, and a period whose
    two dates lie a plausible span apart (`11月21日—11月25日`, not `1月21日—11月25日`) for it."""
    text = re.sub(r"\s+", "", text)
    score = len(_DATE_PART.findall(text)) - len(_BROKEN_DATE.findall(text))
    days = [(int(m), int(d)) for m, d in _DAY.findall(text)]
    if len(days) == 2:
        (m1, d1), (m2, d2) = days
        score += 1 if 0 <= (m2 - m1) % 12 * 30 + d2 - d1 <= PERIOD_DAYS else -1
    return score


def _with_header_read_again(image, lines: list[OcrLine]) -> list[OcrLine]:
    """Read the header a second time, enlarged, and keep for each header line the reading whose
    dates and numbers are whole (never one that merely claims more confidence)."""
    from PIL import Image

    bottom = image.height * HEADER_SHARE * 72 / DPI
    header = image.crop((0, 0, image.width, int(image.height * HEADER_SHARE)))
    header = header.resize((int(header.width * HEADER_SCALE), int(header.height * HEADER_SCALE)), Image.LANCZOS)
    again = _tesseract(header, 72 / DPI / HEADER_SCALE)
    out = []
    for line in lines:
        if line.top < bottom:
            twin = min(again, key=lambda other: abs(other.top - line.top), default=None)
            if twin is not None and abs(twin.top - line.top) < line.size / 2 and \
                    _date_score(twin.text) > _date_score(line.text):
                line = OcrLine(twin.text, line.x0, line.x1, line.top, line.size, line.confidence)
        out.append(line)
    return out


def _tesseract(image, scale: float) -> list[OcrLine]:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", PAGE_SEGMENTATION, "--dpi", str(DPI), "tsv"],
            input=buffer.getvalue(), capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise OcrFailed(f"Tesseract took over {TIMEOUT} s") from None
    except OSError as err:
        raise OcrUnavailable(f"{INSTALL_HINT} ({err.strerror})") from None
    if done.returncode != 0:
        raise OcrFailed(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "Tesseract failed")
    return lines_from_tsv(done.stdout.decode("utf-8", "replace"), scale)


def lines_from_tsv(tsv: str, scale: float) -> list[OcrLine]:
    """Tesseract's word boxes grouped into lines, in PDF points (``scale`` points per pixel)."""
    words: dict[tuple[int, int, int], list[tuple[int, int, int, int, float, str]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(c) for c in cells[6:10])
        key = (int(cells[2]), int(cells[3]), int(cells[4]))
        words.setdefault(key, []).append((left, top, width, height, float(cells[10]), cells[11].strip()))
    lines = []
    for key in sorted(words, key=lambda k: min(w[1] for w in words[k])):
        row = sorted(words[key])
        heights = sorted(w[3] for w in row)
        height = heights[len(heights) // 2]
        text = row[0][5]
        for previous, word in zip(row, row[1:]):
            gap = word[0] - (previous[0] + previous[2])
            # A wide gap is a column break, as in the text layer; CJK words touch.
            if gap > 2.0 * height:
                text += "\u3000"
            elif gap > 0.35 * height and (previous[5][-1].isascii() or word[5][0].isascii()):
                text += " "
            text += word[5]
        text = repair(text)
        if not text:
            continue
        confidence = mean(max(0.0, w[4]) for w in row) / 100
        if confidence < NOISE_CONFIDENCE and (len(text) <= 3 or not re.search(f"[{_CJK}]{{2}}", text)):
            continue  # a speck, a red masthead or a page number read as `Desm` or 全: no text
        lines.append(OcrLine(
            text=text,
            x0=round(row[0][0] * scale, 1),
            x1=round(max(w[0] + w[2] for w in row) * scale, 1),
            top=round(min(w[1] for w in row) * scale, 1),
            size=round(height * scale / 0.9, 1),  # a CJK glyph's ink is about 0.9 of its size
            confidence=round(confidence, 3),
        ))
    return lines


_CJK = "\u4e00-\u9fff"
_REPAIRS = [
    # `（2）` read as `42)` / `4 2)` / `(2）`: the opening bracket taken for a 4, or half-width.
    (re.compile(r"^\s*4\s*(\d{1,2})\s*[)）]\s*"), r"（\1）"),
    # (`《2)` and `〈三〉` too: the bracket taken for a book-title mark, at the start of a line)
    (re.compile(r"^\s*[(（《〈]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）》〉]\s*"), r"（\1）"),
    # ...or with its closing bracket lost: `(1 11月22日`, `(2近日`.
    (re.compile(r"^\s*[(（]\s*(\d)(?:\s+(?=\d{1,2}\s*月)|(?=[^\W\d月日年_A-Za-z]))"), r"（\1）"),
    # `一、` read as `一丶` / `一·`.
    (re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[丶·.,，]"), r"\1、"),
    (re.compile("丶"), "、"),
    # The period dash read as 一: `11月21日一11月25日`.
    (re.compile(r"(?<=日)\s*一\s*(?=\d{1,2}\s*[月日])"), "—"),
    # Half-width punctuation between Chinese characters is the full-width one.
    (re.compile(rf"(?<=[{_CJK}]),(?=\S)|,(?=[{_CJK}])"), "，"),
    (re.compile(rf"(?<=[{_CJK}]);|;(?=[{_CJK}])"), "；"),
    (re.compile(rf"(?<=[{_CJK}]):|:(?=[{_CJK}])"), "："),
    (re.compile(rf"(?<=[{_CJK}])\?"), "？"),
    (re.compile(r"[|｜]"), ""),  # the edge of the scan, a ruled line: no text
]


def repair(text: str) -> str:
    """Undo what Tesseract typically misreads in a bulletin."""
    text = text.strip()
    for pattern, replacement in _REPAIRS:
        text = pattern.sub(replacement, text)
    return _repair_period(text.strip())


_PERIOD = re.compile(r"(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日\s*[—\-–~～至－]\s*)(\d{1,2})(\s*月\s*)(\d{1,2})(\s*日)")


def _repair_period(text: str) -> str:
    """A period of more than a month (`1月21日—11月25日`) lost a digit of its first month (the
    spaced-out `11` read as `1`): the period is the week or month before its second date."""
    match = _PERIOD.search(text)
    if not match:
        return text
    m1, d1, m2, d2 = (int(match.group(i)) for i in (1, 3, 5, 7))
    if 0 <= (m2 - m1) % 12 * 30 + d2 - d1 <= PERIOD_DAYS:
        return text
    month = m2 if d1 <= d2 else (m2 - 2) % 12 + 1
    return text[:match.start(1)] + str(month) + text[match.end(1):]


# The column headings the bulletins use (docs/bulletins.md), as printed. Set in bold, they are what a scan
# reads worst (`（三）厅（局）长进大厅` as `(三刀厅沁局)长进太厅`); a short line close to one of them is it.
HEADINGS = ("省级政务服务事项受理办理情况", "窗口工作动态", "窗口服务效能提升工作情况", "窗口资讯",
            "厅（局）长进大厅", "大厅巡查情况", "优化营商环境工作开展情况", "综窗改革攻坚行动",
            "政务工作动态", "重点工作推进情况", "“高效办成一件事”专项行动")
HEADING_LIKENESS = 0.6
_NUMERAL = "一二三四五六七八九十"
_LOST_ITEM = re.compile(r"^\s*(?:4\s*[)）]|[(（]\s*[)）]|[(（]\s*[A-Z]\s*[)）])\s*")


def _numeral(number: int) -> str:
    return _NUMERAL[number - 1] if 1 <= number <= 10 else f"十{_NUMERAL[number - 11]}"


def repair_heading(text: str, due: dict[int, int]) -> str:
    """A short line that reads like one of HEADINGS after a broken marker becomes that heading,
    numbered as written when the numeral survived, else with the number due next at its level."""
    compact = re.sub(r"\s+", "", text)
    if len(compact) > 24:
        return text
    best, likeness, cut = None, 0.0, 0
    for heading in HEADINGS:
        for start in range(0, 5):
            ratio = difflib.SequenceMatcher(None, compact[start:], heading).ratio()
            if ratio > likeness:
                best, likeness, cut = heading, ratio, start
    if best is None or likeness < HEADING_LIKENESS or compact[cut:] == best or not cut:
        return text
    prefix = compact[:cut]
    numeral = next((ch for ch in prefix if ch in _NUMERAL), None)
    level = 2 if re.search(r"[(（)）]", prefix) else 1
    number = _NUMERAL.index(numeral) + 1 if numeral else due.get(level, 1)
    marker = f"（{_numeral(number)}）" if level == 2 else f"{_numeral(number)}、"
    return marker + best


def repair_lost_item_number(text: str, due: int) -> str:
    """`（1）` read as `4)` or `()`: the item number lost, it is the one due next."""
    return _LOST_ITEM.sub(f"（{due}）", text, count=1)


def repair_numbering(texts: list[str], from_ocr: list[bool]) -> list[str]:
    """Follow the heading numbers through the whole file (text pages too) and repair, on lines
    read by OCR, headings and item numbers the scan broke."""
    from .markers import marker_of

    due = {1: 1, 2: 1, 3: 1}
    flat = True  # the level-2 blocks so far under this heading hold no items
    out = []
    for index, (text, read) in enumerate(zip(texts, from_ocr)):
        if read:
            text = repair_heading(repair_lost_item_number(text, due[3]), due)
            if flat and due[2] >= 3:
                text = _lone_first_item(texts, index, text, due)
        marker = marker_of(text)
        if marker is not None and not marker.attachment:
            due[marker.level] = marker.number + 1
            for deeper in range(marker.level + 1, 4):
                due[deeper] = 1
            if marker.level == 1:
                flat = True
            elif marker.level == 3 and due[2] > 1:
                flat = False
        out.append(text)
    return out


_FIRST_ITEM = re.compile(r"^（1）")


def _lone_first_item(texts: list[str], index: int, text: str, due: dict[int, int]) -> str:
    """`（六）` read as `（1）`: after level-2 blocks that hold no items, an item 1 with no item 2
    after it before the next heading is the level-2 number due next."""
    from .markers import marker_of

    if not _FIRST_ITEM.match(text):
        return text
    for later in texts[index + 1:]:
        marker = marker_of(later)
        if marker is None:
            continue
        if marker.level == 3 and marker.number == 2:
            return text
        if marker.level <= 2:
            break
    return f"（{_numeral(due[2])}）" + text[len("（1）"):]


def page_is_scanned(page) -> bool:
    """A pdfplumber page with no usable text layer: almost no characters, and an image covering
    most of the page."""
    chars = [c for c in page.chars if c["text"].strip()]
    if len(chars) > 20:
        return False
    area = float(page.width * page.height) or 1.0
    covered = max((max(0.0, (min(i["x1"], page.width) - max(i["x0"], 0))) *
                   max(0.0, (min(i["bottom"], page.height) - max(i["top"], 0))) for i in page.images), default=0.0)
    return covered / area > 0.5


# What one page may take on a busy machine (2.2 CPU-s measured): the time it adds to the per-file limit.
SECONDS_PER_PAGE = 20.0


def _extend_time_limit(seconds: float) -> None:
    """Indexing limits the time one file may take (a hostile PDF can make pdfminer loop), by an
    alarm. Reading a scan takes time of its own, expected and bounded per page by TIMEOUT: each page
    to be read adds to the time left, so a long scanned issue is not refused as hostile."""
    import signal

    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "getitimer"):
        return
    left, interval = signal.getitimer(signal.ITIMER_REAL)
    if left > 0:  # an alarm is set: the limit of the file being read
        signal.setitimer(signal.ITIMER_REAL, left + seconds, interval)


def read_pages(pdf_path: str, pages: list[int], sha256: str) -> dict[int, list[OcrLine]]:
    """Several pages (0-based), one Tesseract process per CPU at a time."""
    from concurrent.futures import ThreadPoolExecutor

    if not pages:
        return {}
    pending = [page for page in pages if not _cache_path(sha256, page).is_file()]
    _extend_time_limit(SECONDS_PER_PAGE * len(pending))
    workers = max(1, min(len(pages), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda index: read_page(pdf_path, index, sha256), pages))
    return dict(zip(pages, results))


def all_cached(sha256: str, pages: list[int], regions: tuple | list = ()) -> bool:
    return bool(sha256) and all(_cache_path(sha256, page).is_file() for page in pages) and \
        all(_cache_path(sha256, page, box).is_file() for page, box in regions)


# An image inside a text page that may be a line of text (a heading set as a picture): about a
# line high, wider than a few characters, below the page's first line of text (a masthead stands
# above all text and is no content).
TEXT_IMAGE_HEIGHT = (10.0, 60.0)
TEXT_IMAGE_WIDTH = 40.0
REGION_SCALE = 1.5  # a lone line reads better enlarged


def text_images(page, first_text_top: Optional[float]) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom in points) of the images on a text page that may be text."""
    if first_text_top is None:
        return []
    boxes = []
    for image in page.images:
        height, width = image["bottom"] - image["top"], image["x1"] - image["x0"]
        if TEXT_IMAGE_HEIGHT[0] <= height <= TEXT_IMAGE_HEIGHT[1] and width >= TEXT_IMAGE_WIDTH \
                and image["top"] > first_text_top:
            boxes.append(tuple(round(float(v), 1) for v in (image["x0"], image["top"], image["x1"], image["bottom"])))
    return boxes


def read_region(pdf_path: str, page_index: int, box: tuple, sha256: str) -> list[OcrLine]:
    """The text of one image on a text page (a heading drawn as a picture), cached like pages."""
    return _cached(_cache_path(sha256, page_index, box), lambda: _read_region(pdf_path, page_index, box))


def _read_region(pdf_path: str, page_index: int, box: tuple) -> list[OcrLine]:
    from PIL import Image

    x0, top, x1, bottom = box
    pixels = DPI / 72
    margin = 4
    crop = render(pdf_path, page_index).crop((int(x0 * pixels) - margin, int(top * pixels) - margin,
                                             int(x1 * pixels) + margin, int(bottom * pixels) + margin))
    crop = crop.resize((int(crop.width * REGION_SCALE), int(crop.height * REGION_SCALE)), Image.LANCZOS)
    scale = 72 / DPI / REGION_SCALE
    lines = [OcrLine(line.text, round(line.x0 + x0 - margin * 72 / DPI, 1), round(line.x1 + x0 - margin * 72 / DPI, 1),
                     round(line.top + top - margin * 72 / DPI, 1), line.size, line.confidence)
             for line in _tesseract(crop, scale)]
    return lines


def confidence_of(lines: list[OcrLine]) -> Optional[float]:
    return round(mean(line.confidence for line in lines), 3) if lines else None
