"""Issue references typed in a query: which bulletin a person means by 2022年第40期, 第40期,
总第415期, 2025年11月月报 or 2022-w40. Pure text work; the engine finds the issues.

An issue id is ``{year}-{w|m}{number}`` (parsing/metadata.py), so every form but the running
total is answered from the ids alone; the running total (总第415期) is indexed per section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

WEEKLY, MONTHLY = "周报", "月报"
_KIND_OF_LETTER = {"w": WEEKLY, "m": MONTHLY}

# Matched on the folded, whitespace-free word (2022年第 40期 -> 2022年第40期). A bare 2022年1月 or
# 第一期 is not a reference: the first is a date kept as written, the second too vague to select.
_FORMS = (
    re.compile(r"总第(?P<total>\d{1,5})期"),
    re.compile(r"(?:(?P<year>(?:19|20)\d\d)年)?第(?P<number>\d{1,3})期(?P<kind>周报|月报)?"),
    re.compile(r"(?P<year>(?:19|20)\d\d)年(?P<number>\d{1,2})月(?P<kind>月报)"),
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<letter>[wm])(?P<number>\d{1,3})"),
)


# The same forms as copied out of a PDF, spaced (2022年第 40期, 总第 415 期): joined before the
# query is cut at spaces, so the reference stays one word.
_SPACED = re.compile(r"(?:(?:19|20)\d\d\s*年\s*)?总?\s*第\s*\d{1,5}\s*期|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*月报")


def join_spaced(query: str) -> str:
    """The query with the spaces inside issue references removed."""
    return _SPACED.sub(lambda m: "".join(m.group(0).split()), query)


@dataclass(frozen=True)
class IssueRef:
    """The issues a reference selects; None fields select any value."""

    year: Optional[int] = None
    kind: Optional[str] = None
    number: Optional[int] = None
    total: Optional[int] = None

    def selects(self, issue_id: str) -> bool:
        """Whether an issue id (2022-w40) is one of the issues referred to."""
        if self.total is not None:
            return False  # only the running total field can tell
        parsed = parse_issue_id(issue_id)
        if parsed is None:
            return False
        year, kind, number = parsed
        return ((self.year is None or self.year == year) and (self.kind is None or self.kind == kind)
                and (self.number is None or self.number == number))

    def label(self) -> str:
        """How the page names the reference on its chip, in the bulletins' own words."""
        if self.total is not None:
            return f"总第{self.total}期"
        year = f"{self.year}年" if self.year is not None else ""
        if self.kind == MONTHLY and self.year is not None:
            return f"{year}{self.number}月月报"
        return f"{year}第{self.number}期{self.kind or ''}"


def parse_issue_id(issue_id: str) -> Optional[tuple[int, str, int]]:
    m = re.fullmatch(r"(\d{4})-([wm])(\d+)", issue_id or "")
    if not m:
        return None
    return int(m.group(1)), _KIND_OF_LETTER[m.group(2)], int(m.group(3))


def issue_ref(word: str) -> Optional[IssueRef]:
    """The reference a whole (folded, compact) word makes, or None when it is not one."""
    for form in _FORMS:
        m = form.fullmatch(word)
        if m is None:
            continue
        found = m.groupdict()
        if found.get("total"):
            return IssueRef(total=int(found["total"]))
        kind = _KIND_OF_LETTER.get(found.get("letter") or "") or found.get("kind") or None
        number = int(found["number"])
        if number == 0:
            return None
        return IssueRef(year=int(found["year"]) if found.get("year") else None, kind=kind,
                        number=number)
    return None
