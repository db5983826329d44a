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


def write_issue(issue: DemoIssue, folder: Path, stem: str, formats: Iterable[str]) -> list[Path]:
    """Write one issue in the given formats; returns the paths written."""
    from .pdf import layout_issue, write_issue_pdf

    written = []
    layout = layout_issue(issue) if "pdf" in formats or issue.style.txt_form != "paragraphs" else None
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        if fmt == "txt":
            path.write_text(issue_text(issue, layout), encoding="utf-8")
        else:
            write_issue_pdf(issue, path, layout)
        written.append(path)
    return written


def write_demo_archive(folder, issues: int = 60, seed: int = 2014, formats=FORMATS) -> int:
    """Generate ``issues`` bulletins into ``folder`` (created if needed); returns files written."""
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
        count += len(write_issue(issue, folder, file_stem(index, issue, seed), formats))
    return count


def archive_manifest(issues: int, seed: int = 2014) -> list[tuple[str, DemoIssue]]:
    """(file stem, generated issue) for each issue ``write_demo_archive`` writes with these arguments."""
    return [(file_stem(index, issue, seed), issue) for index, issue in enumerate(iter_issues(issues, seed))]
