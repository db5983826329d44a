"""From paragraphs to the heading tree, and from the tree to section documents.

A section is the deepest numbered block that carries the content: each item; else each level-2
block; else the level-1 block. Tiny sibling items (the hall-inspection list) stay in their parent.
Ids come from the heading numbers (`2022-w40-2-1-4`), so they are the same whichever form of the
bulletin was read and however often it is parsed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Optional

from .departments import find_departments
from .markers import Marker, Outline, block_title, heading_only, marker_of
from .model import Paragraph, Section
from .paragraphs import RawParagraph
from .section_types import ATTACHMENT_TYPE, section_type

# Text before the first heading (本周…现将有关情况通报如下。) is a section of its own, `{issue}-0`.
INTRO_TITLE = "导语"
# Children whose median length is below this are a list of remarks, not separate documents.
TINY_ITEM_CHARS = 30
LABEL_CHARS = 18


@dataclass
class Block:
    level: int
    marker: Optional[Marker]
    title: Optional[str]
    label: str  # what the heading path shows: the title, or the start of an untitled block
    key: str  # id component: the heading number, "fj1" for attachments
    paragraphs: list[tuple[RawParagraph, bool]] = field(default_factory=list)  # (paragraph, is its heading)
    children: list["Block"] = field(default_factory=list)

    def own_text_length(self) -> int:
        """Length of the block's own text; an attachment note after it does not make it less tiny."""
        return sum(len(p.text) for p, _ in self.paragraphs if not p.plain)

    def all_paragraphs(self, include_own_heading: bool) -> list[RawParagraph]:
        out = [p for p, is_heading in self.paragraphs if include_own_heading or not is_heading]
        for child in self.children:
            out.extend(child.all_paragraphs(include_own_heading=True))
        return out


def _label(marker: Marker, title: Optional[str]) -> str:
    if title:
        return title
    rest = marker.rest.strip()
    return marker.token + (rest[:LABEL_CHARS] + "…" if len(rest) > LABEL_CHARS else rest)


def _ocr(paragraph: RawParagraph) -> Optional[tuple[str, float]]:
    """(engine, mean confidence) when any line of the paragraph was read by OCR."""
    if not paragraph.ocr:
        return None
    from .ocr import ENGINE

    return ENGINE, round(sum(paragraph.ocr) / len(paragraph.ocr), 3)


def build_tree(paragraphs: list[RawParagraph]) -> Block:
    root = Block(level=0, marker=None, title=None, label="", key="")
    stack = [root]
    outline = Outline()
    for paragraph in paragraphs:
        marker = None if paragraph.plain else marker_of(paragraph.text, outline)
        if marker is None:
            stack[-1].paragraphs.append((paragraph, False))
            continue
        depth = outline.place(marker)
        del stack[depth:]
        title = block_title(marker, paragraph.text)
        key = f"fj{marker.number}" if marker.attachment else str(marker.number)
        block = Block(depth, marker, title, _label(marker, title), key)
        if marker.attachment and not block.title:
            block.title = block.label = "附件"
        block.paragraphs.append((paragraph, heading_only(marker, paragraph.text)))
        stack[-1].children.append(block)
        stack.append(block)
    return root


def _children_are_tiny(block: Block) -> bool:
    if not block.children or any(child.children for child in block.children):
        return False
    return median(child.own_text_length() for child in block.children) < TINY_ITEM_CHARS


def _titles(path: list[Block]) -> list[Optional[str]]:
    return [ATTACHMENT_TYPE if b.marker and b.marker.attachment else b.title for b in path]


def split_sections(root: Block, issue_id: str) -> list[Section]:
    sections: list[Section] = []
    used_ids: set[str] = set()

    def unique(section_id: str) -> str:
        candidate, n = section_id, 1
        while candidate in used_ids:
            n += 1
            candidate = f"{section_id}-{n}"
        used_ids.add(candidate)
        return candidate

    def emit(path: list[Block], raw: list[RawParagraph]) -> None:
        raw = [p for p in raw if p.text.strip()]
        if not raw:
            return
        section_id = unique("-".join([issue_id] + [b.key for b in path]))
        for p in raw:
            p.section = section_id
        paragraphs = [Paragraph(f"{section_id}-p{i}", p.text, p.page, _ocr(p)) for i, p in enumerate(raw, start=1)]
        text = "\n".join(p.text for p in paragraphs)
        heading_text = " ".join(b.title or "" for b in path)
        sections.append(Section(
            id=section_id,
            heading=[b.label for b in path],
            type=section_type(_titles(path)),
            departments=find_departments(text + "\n" + heading_text),
            paragraphs=paragraphs,
        ))

    def walk(block: Block, path: list[Block]) -> None:
        if not block.children or _children_are_tiny(block):
            # A block that is a heading alone (`（二）着装情况良好`) keeps it as its text: no text is lost.
            emit(path, block.all_paragraphs(include_own_heading=False) or block.all_paragraphs(include_own_heading=True))
            return
        emit(path, [p for p, is_heading in block.paragraphs if not is_heading])  # an intro, if any
        for child in block.children:
            walk(child, path + [child])

    if root.paragraphs:
        intro = Block(level=1, marker=None, title=INTRO_TITLE, label=INTRO_TITLE, key="0")
        emit([intro], [p for p, _ in root.paragraphs])
    for top in root.children:
        walk(top, [top])
        _headings_to_sections(top)
    return sections


def _headings_to_sections(block: Block) -> Optional[str]:
    """A heading that stands alone above its sub-blocks is in no section's paragraphs but in their
    heading path: it is accounted to the first section under it. Returns that section's id."""
    first = next((p.section for p, _ in block.paragraphs if p.section), None)
    for child in block.children:
        under = _headings_to_sections(child)
        first = first or under
    for paragraph, _ in block.paragraphs:
        if paragraph.section is None:
            paragraph.section = first
    return first
