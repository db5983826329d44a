"""Writing a demo archive: a folder of generated bulletins, as .txt and/or .pdf.

File names are arbitrary, like a real staff folder's (``0007_3f9c2a1be0d45c6e.pdf``): nothing in a
name tells the issue, so the parser can never come to depend on names. The .txt and the .pdf of one
issue share a stem. ``archive_manifest`` gives each file's truth for tests and benchmarks.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from .bulletin import DemoIssue, issue_text, iter_issues

FORMATS = ("pdf", "txt")


def file_stem(index: int, issue: DemoIssue, seed: int) -> str:
    digest = hashlib.sha256(f"{seed}:{issue.id}".encode()).hexdigest()[:16]
    return f"{index:04d}_{digest}"


def write_issue(issue: DemoIssue, folder: Path, stem: str, formats: Iterable[str], layout_variant: str = "plain") -> list[Path]:
    """Write one issue in the given formats; returns the paths written. ``layout_variant`` (pdf.py:
    plain, running header, early page end, footnote, scanned page) is the PDF's page layout; the
    .txt is always cut from the plain one."""
    from .layouts import replace_page_with_scan
    from .pdf import PLAIN, SCANNED_PAGE, layout_issue, write_issue_pdf

    written = []
    layout = layout_issue(issue) if "pdf" in formats or issue.style.txt_form != "paragraphs" else None
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        if fmt == "txt":
            path.write_text(issue_text(issue, layout), encoding="utf-8")
        else:
            drawn = layout if layout_variant in (PLAIN, SCANNED_PAGE) else layout_issue(issue, layout_variant)
            write_issue_pdf(issue, path, drawn)
            if layout_variant == SCANNED_PAGE:
                replace_page_with_scan(path)
        written.append(path)
    return written


def write_demo_archive(folder, issues: int = 60, seed: int = 2014, formats=FORMATS, layouts: bool = False) -> int:
    """Generate ``issues`` bulletins into ``folder`` (created if needed); returns files written.
    With ``layouts``, a share of the PDFs gets the unusual layouts of demo/layouts.py (one in ten
    a scanned page, which indexing reads by OCR)."""
    from .layouts import layout_for

    formats = tuple(f.strip().lower() for f in formats if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; use pdf and/or txt")
    if issues < 0:
        raise ValueError("the number of issues cannot be negative")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for index, issue in enumerate(iter_issues(issues, seed)):
        variant = layout_for(index) if layouts else "plain"
        count += len(write_issue(issue, folder, file_stem(index, issue, seed), formats, variant))
    return count


def archive_manifest(issues: int, seed: int = 2014) -> list[tuple[str, DemoIssue]]:
    """(file stem, generated issue) for each issue ``write_demo_archive`` writes with these arguments."""
    return [(file_stem(index, issue, seed), issue) for index, issue in enumerate(iter_issues(issues, seed))]
