"""The parsed form of one bulletin: plain data shared by the parser, the index and the web.

Nothing here does I/O; ``to_dict`` gives exactly the JSON shape ``parse --format json`` prints (docs/interface.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

WEEKLY = "周报"
MONTHLY = "月报"


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str
    page: Optional[int]  # PDF page the paragraph starts on; None for .txt
    ocr: Optional[tuple[str, float]] = None  # (engine, confidence 0..1) when read from a scan

    def to_dict(self) -> dict:
        out = {"id": self.id, "text": self.text, "page": self.page}
        if self.ocr:
            out["ocr"] = {"engine": self.ocr[0], "confidence": self.ocr[1]}
        return out


@dataclass
class Section:
    """The searchable unit: the deepest numbered block that carries content."""

    id: str
    heading: list[str]  # heading path, level-1 title first
    type: str  # section type facet (办件统计, 窗口动态, … or a cleaned unknown title)
    departments: list[str]  # canonical department names, first named first
    paragraphs: list[Paragraph]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def first_page(self) -> Optional[int]:
        return self.paragraphs[0].page if self.paragraphs else None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "heading": list(self.heading),
            "type": self.type,
            "departments": list(self.departments),
            "text": self.text,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


@dataclass
class Issue:
    id: str  # short and stable: 2022-w40, 2025-m11
    kind: str  # 周报 or 月报
    year: int
    number: int
    total_number: Optional[int]
    published: date
    period: tuple[date, date]
    title: str
    source_path: str
    sha256: str

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "year": self.year,
            "number": self.number,
            "total_number": self.total_number,
            "published": self.published.isoformat(),
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "title": self.title,
            "source": {"path": self.source_path, "sha256": self.sha256},
        }


@dataclass
class Bulletin:
    issue: Issue
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    damaged_pages: list[int] = field(default_factory=list)  # PDF pages read in part or not at all
    # Where every line of the file went (explain.LinePlacement); shown by `parse --explain` only.
    lines: list = field(default_factory=list, compare=False, repr=False)
    ocr_pages: list = field(default_factory=list, compare=False)  # PDF pages read by OCR

    def to_dict(self) -> dict:
        out = {
            "issue": self.issue.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "warnings": list(self.warnings),
        }
        if self.damaged_pages:  # only then: a whole bulletin's JSON is as it always was
            out["damaged_pages"] = list(self.damaged_pages)
        return out


class RefusedInput(Exception):
    """A file that cannot be read as a bulletin; the message is one line a clerk understands."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
