"""Parse one bulletin file into a Bulletin: read, split header from body, drop boilerplate,
rebuild paragraphs, read the metadata, cut the body into section documents."""
from __future__ import annotations

import re
from dataclasses import replace

from .explain import DISTRIBUTION_BLOCK, UNPLACED, header_class, placements
from .layout import FOOTNOTE, PAGE_NUMBER
from .markers import MAX_TITLE, heading_only, marker_of
from .metadata import MissingMetadata, extract_metadata
from .model import Bulletin, Issue, RefusedInput
from .paragraphs import build_paragraphs, clean_line, display_width
from .reading import Line, SourceText, damage_warning, read_source
from .structure import build_tree, split_sections

# The distribution block at the end: 报：… 送：… 发：… （共印 80份）, and its variants 报送：,
# 抄送：, 抄报：, 分送：, 主送：, letter-spaced 报  送：.
_DISTRIBUTION = re.compile(r"^(?:[抄分主]\s*)?[报送发](?:\s*[送报])?\s*[：:]")
_PRINT_RUN = re.compile(r"^[（(]?\s*共印\s*\d+\s*份\s*[）)]?$")
# Footer lines that may stand just before the distribution block: who edited it, a phone number,
# and the office that printed it (…中心综合处  2023年4月7日印发). Never a sentence of the body.
_FOOTER = re.compile(
    r"^(?:责任编辑|编\s*辑|审\s*核|签\s*发|校\s*对|联系人|联系电话)\s*[：:]"
    r"|^[^，。；,;]*[\d〇零一二三四五六七八九十]\s*日\s*印\s*发$"
)


def parse_file(path: str) -> Bulletin:
    """Parse a .pdf or .txt bulletin; raises RefusedInput with a one-line reason."""
    return parse_source(read_source(path))


def _first_heading_index(texts: list[str]) -> int | None:
    """The first top-level heading (after a table of contents, if any); or the first level-2 one
    when it comes earlier: a body that opens with an item whose `一、` heading was never typed
    starts there, and the item stays a section of its own."""
    first: dict[int, int] = {}
    for index, text in enumerate(texts):
        marker = marker_of(text)
        if marker and marker.level in (1, 2) and not marker.attachment and marker.level not in first:
            first[marker.level] = index
    if 1 in first and (2 not in first or first[1] < first[2]):
        return _after_contents(texts, first[1])
    return first.get(2)


def _after_contents(texts: list[str], start: int) -> int:
    """Where the body starts when the headings from ``start`` on are a table of contents (本期要目):
    the first heading again, with only headings alone before it; else ``start``."""
    for index in range(start + 1, len(texts)):
        text = texts[index]
        if text == texts[start]:
            return index
        marker = marker_of(text)
        if text and not (marker and marker.level <= 2 and heading_only(marker, text)):
            break
    return start


def _is_attachment(text: str) -> bool:
    marker = marker_of(text)
    return bool(marker and marker.attachment)


def _ends_the_body(texts: list[str], index: int) -> bool:
    """True when only boilerplate stands between line ``index`` and the end or an attachment: a
    footer line there is the start of the trailer, not text of the last section."""
    for text in texts[index + 1:]:
        if _is_attachment(text):
            return True
        if text and not (_PRINT_RUN.match(text) or _DISTRIBUTION.match(text) or _FOOTER.search(text)
                         or PAGE_NUMBER.match(text)):
            return False
    return True


# `1.`, `2、`, `（1）`: the numbers of the attachments an attachment note lists.
_LISTED = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\s*\d{1,2}\s*[）)])")


def _attachment_note(texts: list[str]) -> set[int]:
    """The lines of the note that announces the attachments at the end of the body
    (`附件：1.2022年度先进窗口名单` / `2.…名单`): an unnumbered 附件： with a title that lists
    them, or that a real attachment (附件, 附件1) follows. It is text, not an attachment."""
    attachments = [i for i, text in enumerate(texts) if _is_attachment(text)]
    note: set[int] = set()
    for index in attachments:
        marker = marker_of(texts[index])
        rest = marker.rest.strip()
        if not rest or re.search(r"\d", marker.token):
            continue
        if not (_LISTED.match(rest) or index != attachments[-1]):
            continue
        note.add(index)
        for following in range(index + 1, len(texts)):
            if texts[following] and not (_LISTED.match(texts[following]) and len(texts[following]) <= MAX_TITLE):
                break
            note.add(following)
    return note


def _body_without_boilerplate(lines: list[Line], dropped: dict[int, str]) -> list[Line]:
    """Drop the trailer: footer lines, the distribution block (up to an attachment that may follow
    it) and print-run lines; their numbers go into ``dropped``."""
    texts = [clean_line(line.text) for line in lines]
    note = _attachment_note(texts)
    kept: list[Line] = []
    in_distribution = False
    for index, (line, text) in enumerate(zip(lines, texts)):
        if index in note:
            kept.append(replace(line, plain=True))
            continue
        if _PRINT_RUN.match(text):
            dropped[line.number] = DISTRIBUTION_BLOCK
            continue
        if _DISTRIBUTION.match(text) or _FOOTER.search(text) and _ends_the_body(texts, index):
            in_distribution = True
            dropped[line.number] = DISTRIBUTION_BLOCK
            continue
        if in_distribution:
            if not _is_attachment(text):
                dropped[line.number] = DISTRIBUTION_BLOCK
                continue
            in_distribution = False
        kept.append(line)
    return kept


# Header lines: the issue number, the center's name and date, the period, the title, subtitles.
_HEADER_LINE = re.compile(r"第\s*\d+\s*期|服务中心|周报|月报|\d\s*日\s*[—\-–~～至－]|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_PROSE = re.compile(r"[，。；！？,;!?]|[：:]$")


def _intro_start(texts: list[str], start: int) -> int:
    """Where the introduction before the first heading begins (本周，省政务服务大厅共接待…现将有关
    情况通报如下。), or ``start`` when there is none. It is the prose that ends just before the
    heading: lines with sentence punctuation, or as wide as a wrapped line, up to the header."""
    index = start
    while index > 0:
        text = texts[index - 1]
        if text and not _PROSE.search(text) and (_HEADER_LINE.search(text) or display_width(text) < 24):
            break
        index -= 1
    while index < start and not texts[index]:
        index += 1
    return index if any(_PROSE.search(t) for t in texts[index:start]) else start


def parse_source(source: SourceText) -> Bulletin:
    path = source.path
    # Page numbers and running headers are no text; footnotes are, set apart from the flow they
    # interrupt at the foot of a page.
    lines = [line for line in source.lines if line.role is None]
    notes = [line for line in source.lines if line.role == FOOTNOTE]
    texts = [clean_line(line.text) for line in lines]
    start = _first_heading_index(texts)
    if start is None:
        raise RefusedInput(path, "not a bulletin: no numbered sections (一、…) found")
    intro = _intro_start(texts, start)
    header = [t for t in texts[:intro] if t]
    classes = {line.number: header_class(line.text) for line in lines[:intro]}
    body_lines = lines[intro:start] + _body_without_boilerplate(lines[start:], classes)
    paragraphs = build_paragraphs(body_lines, notes, classes)
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
    in_sections = {number: p.section for p in paragraphs if p.section for number in p.lines}
    placed = placements(source.lines, classes, in_sections)
    warnings = list(meta.warnings)
    damage = damage_warning(source.damaged_pages)
    if damage:
        warnings.insert(0, damage)
    lost = [p for p in placed if p.cls == UNPLACED]
    if lost:  # a parser defect, never silent: `parse --explain` shows the lines
        warnings.append(f"{len(lost)} lines of text are in no section (first: line {lost[0].number}, "
                        f"{lost[0].text[:20]!r})")
    ocr_pages = sorted({line.page for line in source.lines if line.ocr is not None})
    return Bulletin(issue=issue, sections=sections, warnings=warnings,
                    damaged_pages=sorted(source.damaged_pages), lines=placed, ocr_pages=ocr_pages)
