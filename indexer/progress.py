"""Progress reporting for long runs, injected into the library as a plain callable.

The library calls ``progress(done, total, label, ocr_pages)``; only a terminal gets a bar, so logs and pipes
stay clean (the summary line is printed by the CLI either way).
"""
from __future__ import annotations

import os
import time
from typing import Optional, TextIO

BAR_WIDTH = 28
REDRAW_SECONDS = 0.1  # redrawing for every one of 5,000 files would cost more than it shows


def progress_for_terminal(stream: TextIO) -> Optional["ProgressBar"]:
    """A progress bar drawn on ``stream`` when it is a terminal; None otherwise."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return ProgressBar(stream)


class ProgressBar:
    def __init__(self, stream: TextIO):
        self.stream = stream
        self.last_draw = 0.0
        self.finished = False

    def __call__(self, done: int, total: int, label: str = "", ocr_pages: int = 0) -> None:
        now = time.monotonic()
        final = done >= total  # total 0 (nothing to index) is done at once
        if not final and now - self.last_draw < REDRAW_SECONDS:
            return
        self.last_draw = now
        self.stream.write("\r" + render_bar(done, total, label, ocr_pages=ocr_pages) + "\x1b[K")
        if final and not self.finished:
            self.finished = True
            self.stream.write("\n")
        self.stream.flush()

    def print_line(self, line: str) -> None:
        """Print a line of its own (a refusal) while the bar is drawn: clear the bar's line first,
        or the text would be appended to the bar, and draw the bar again on the next call."""
        if not self.finished:
            self.stream.write("\r\x1b[K")
            self.last_draw = 0.0
        self.stream.write(line + "\n")
        self.stream.flush()


def render_bar(done: int, total: int, label: str = "", width: int = BAR_WIDTH, ocr_pages: int = 0) -> str:
    """``[########------------] 12/40 · 3 pages by OCR name.pdf`` (pure, for tests)."""
    fraction = done / total if total else 1.0
    filled = int(round(fraction * width))
    from .names import printable

    name = printable(os.path.basename(label))
    if len(name) > 40:
        name = "…" + name[-39:]
    ocr = f" · {ocr_pages} {'page' if ocr_pages == 1 else 'pages'} by OCR" if ocr_pages else ""
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total}{ocr} {name}".rstrip()
