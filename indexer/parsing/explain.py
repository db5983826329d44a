"""Where every line of a bulletin went: into a section, or into one named class of text that is
not content. ``parse --explain`` prints it, so a user can see why a line is not in a section, and
the tests assert over every sample and layout that no line of text went nowhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .layout import FOOTNOTE, PAGE_NUMBER_CLASS, RUNNING_FOOTER, RUNNING_HEADER
from .reading import Line

MASTHEAD = "masthead"
HEADER_BLOCK = "header block"
DISTRIBUTION_BLOCK = "distribution block"
# A line of text that ended in no section and in no class: a parser defect, said as a warning.
UNPLACED = "unplaced"

NOT_CONTENT = (MASTHEAD, HEADER_BLOCK, RUNNING_HEADER, RUNNING_FOOTER, PAGE_NUMBER_CLASS, DISTRIBUTION_BLOCK)

_MASTHEAD = re.compile(r"^[^\d，。]*(?:周报|月报|工作动态|简报)$")


@dataclass(frozen=True)
class LinePlacement:
    number: int  # 1-based line of the file, in reading order
    page: Optional[int]
    text: str
    section: Optional[str]  # the section holding the line's text...
    cls: Optional[str]  # ...or the class of text it is, when it is not content

    def to_dict(self) -> dict:
        out = {"line": self.number, "page": self.page, "text": self.text}
        if self.section:
            out["section"] = self.section
        else:
            out["class"] = self.cls
        return out


def header_class(text: str) -> str:
    """The title in large type (窗口工作周报) is the masthead; the rest of the header (issue
    number, the center and date, the period, subtitles) is the header block."""
    return MASTHEAD if _MASTHEAD.match(re.sub(r"\s+", "", text)) else HEADER_BLOCK


def placements(lines: list[Line], classes: dict[int, str], sections: dict[int, str]) -> list[LinePlacement]:
    """Every line with text, with the section (``sections``: line number → section id) or the class
    (``classes``: line number → class) it went to; UNPLACED when neither knows it."""
    out = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        section = sections.get(line.number)
        cls = None if section else classes.get(line.number) or (FOOTNOTE if line.role == FOOTNOTE else None) or UNPLACED
        if not section and line.role and line.role != FOOTNOTE:
            cls = line.role
        out.append(LinePlacement(line.number + 1, line.page, text, section, cls))
    return out
