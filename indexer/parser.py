"""Parse one bulletin file into a Bulletin: read, split header from body, drop boilerplate,
rebuild paragraphs, read the metadata, cut the body into section documents."""
from __future__ import annotations

import re

from .markers import marker_of
from .metadata import MissingMetadata, extract_metadata
from .model import Bulletin, Issue, RefusedInput
from .paragraphs import build_paragraphs, clean_line
from .reading import Line, SourceText, read_source
from .structure import build_tree, split_sections

# The distribution block at the end: 报：… 送：… 发：… （共印 80份）
_DISTRIBUTION = re.compile(r"^(?:抄\s*)?[报送发]\s*[：:]|^抄\s*[报送]\s*[：:]")
_PRINT_RUN = re.compile(r"^[（(]?\s*共印\s*\d+\s*份\s*[）)]?$")


def parse_file(path: str) -> Bulletin:
    """Parse a .pdf or .txt bulletin; raises RefusedInput with a one-line reason."""
    return parse_source(read_source(path))


def _first_heading_index(texts: list[str]) -> int | None:
    for wanted in (1, 2):
        for index, text in enumerate(texts):
            marker = marker_of(text)
            if marker and marker.level == wanted and not marker.attachment:
                return index
    return None


def _body_without_boilerplate(lines: list[Line]) -> list[Line]:
    """Drop the distribution block (up to an attachment that may follow it) and print-run lines."""
    kept: list[Line] = []
    in_distribution = False
    for line in lines:
        text = clean_line(line.text)
        if _PRINT_RUN.match(text):
            continue
        if _DISTRIBUTION.match(text):
            in_distribution = True
            continue
        if in_distribution:
            marker = marker_of(text)
            if not (marker and marker.attachment):
                continue
            in_distribution = False
        kept.append(line)
    return kept


def parse_source(source: SourceText) -> Bulletin:
    path = source.path
    texts = [clean_line(line.text) for line in source.lines]
    start = _first_heading_index(texts)
    if start is None:
        raise RefusedInput(path, "not a bulletin: no numbered sections (一、…) found")
    header = [t for t in texts[:start] if t]
    body_lines = _body_without_boilerplate(source.lines[start:])
    paragraphs = build_paragraphs(body_lines)
    try:
        meta = extract_metadata(header, first_heading=texts[start])
    except MissingMetadata as missing:
        raise RefusedInput(path, f"not a bulletin: {missing}") from None
    issue_id = meta.issue_id
    sections = split_sections(build_tree(paragraphs), issue_id)
    if not sections:
        raise RefusedInput(path, "not a bulletin: its numbered sections hold no text")
    issue = Issue(
        id=issue_id,
        kind=meta.kind,
        year=meta.year,
        number=meta.number,
        total_number=meta.total_number,
        published=meta.published,
        period=meta.period,
        title=f"{meta.title} {meta.year}年第{meta.number}期",
        source_path=path,
        sha256=source.sha256,
    )
    return Bulletin(issue=issue, sections=sections, warnings=meta.warnings)
