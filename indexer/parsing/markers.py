"""Heading markers: `一、` (level 1) > `（一）`/`(一)` (level 2) > `（1）`/`(1)`/`1.` (level 3), and `附件`.

Functions over one paragraph's text: which marker starts it, and whether the paragraph is a
heading alone (`二、窗口工作动态`), an inline heading (`（一）数字政府建设。持续完善…`), or an
untitled block (`（一）近日，省政府办公厅印发…`). An ``Outline`` follows the markers through the
text: where each one nests and which number each list is due next.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .section_types import type_of_heading

# An attachment stands above the body's levels: its own `一、` groups nest inside it.
ATTACHMENT_LEVEL = 0

_NUMERALS = "零一二三四五六七八九十"
_CN = f"[{_NUMERALS}]{{1,3}}"

_LEVEL1 = re.compile(rf"^\s*({_CN})\s*[、.．]\s*")
_LEVEL2 = re.compile(rf"^\s*[（(]\s*({_CN})\s*[）)]\s*[、.．]?\s*")
_LEVEL3_BRACKET = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?\s*")
# `1.` / `1、` items. `1.2月8日` is item 1 starting with a date, but `1.5万件` is a number.
_LEVEL3_DOTTED = re.compile(
    r"^\s*(\d{1,2})\s*(?:、|[.．](?!\d+(?:\.\d+)?\s*(?:万|亿|%|％|个|件|人|元|倍|千|百|家|项|次|户|小时|天|分)))\s*"
)
# ...unless item N-1 is open and this is N: `2.12个市（州）…` after `1.…` is item 2.
_LEVEL3_DOTTED_COUNT = re.compile(r"^\s*(\d{1,2})\s*[.．]\s*(?=\d)")
_ATTACHMENT = re.compile(r"^\s*附\s*件\s*(\d{0,2})\s*[：:]?\s*")

# How long a title may be before the text is prose rather than a heading.
MAX_TITLE = 32


@dataclass(frozen=True)
class Marker:
    level: int  # 0 (attachment), 1, 2 or 3
    number: int  # 1-based position among its siblings, as written
    token: str  # the marker as written, e.g. "（一）"
    rest: str  # the text after the marker
    attachment: bool = False
    dotted: bool = False  # a `1.`/`1、` item rather than a `（1）` one

    @property
    def style(self) -> str:
        """Markers of one style are siblings wherever they meet: `（1）` and `(2)` are, `1.` is not."""
        return f"{self.level}{'.' if self.dotted else ''}"


def chinese_numeral(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23 (enough for heading numbers)."""
    digits = [_NUMERALS.index(ch) for ch in text]
    if len(digits) == 1:
        return digits[0]
    if digits[0] == 10:  # 十X
        return 10 + (digits[1] if len(digits) > 1 else 0)
    if len(digits) >= 2 and digits[1] == 10:  # X十[Y]
        return digits[0] * 10 + (digits[2] if len(digits) > 2 else 0)
    return int("".join(str(d) for d in digits))


def marker_of(text: str, outline: Optional["Outline"] = None) -> Optional[Marker]:
    """The marker starting ``text``, if any. Given the outline so far, `N.` followed by a count
    (`2.12个市（州）…`) is item N when item N-1 is open, rather than the number 2.12."""
    match = _ATTACHMENT.match(text)
    # `附件`, `附件2`, `附件：名单`; not prose that merely starts with the word (附件材料齐全…).
    if match and (not text[match.end():] or match.group(0).rstrip().endswith(("：", ":")) or match.group(1)):
        return Marker(ATTACHMENT_LEVEL, int(match.group(1) or 1), match.group(0).strip(), text[match.end():], True)
    for level, pattern, to_int, dotted in (
        (1, _LEVEL1, chinese_numeral, False),
        (2, _LEVEL2, chinese_numeral, False),
        (3, _LEVEL3_BRACKET, int, False),
        (3, _LEVEL3_DOTTED, int, True),
    ):
        match = pattern.match(text)
        if match and text[match.end():].strip():
            marker = Marker(level, to_int(match.group(1)), match.group(0).strip(), text[match.end():], dotted=dotted)
            if level == 1 and outline is not None and outline.repeats(marker):
                return None  # `三、` inside an item of `三、窗口工作动态`: an enumerated point, not a section
            return marker
        if match and level == 1:
            return None
    match = _LEVEL3_DOTTED_COUNT.match(text)
    if match and outline is not None:
        candidate = Marker(3, int(match.group(1)), match.group(0).strip(), text[match.end():], dotted=True)
        if candidate.number >= 2 and outline.expects(candidate):
            return candidate
    return None


@dataclass
class _Open:
    style: str
    level: int
    number: int


class Outline:
    """The markers open at this point of the text, outermost first.

    A marker closes the open one of its own style and everything inside it (a sibling), else it
    closes what stands at deeper levels and opens inside what is left. A marker of another style
    at the level of the innermost open one (`1.` under `（1）`) is one level deeper: it stays in
    that item instead of colliding with its numbers.
    """

    def __init__(self) -> None:
        self._open: list[_Open] = []

    def _sibling(self, marker: Marker) -> Optional[int]:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].style == marker.style:
                return index
        return None

    def expects(self, marker: Marker) -> bool:
        """True when ``marker`` carries the number due next: one past its open sibling, or 1."""
        index = self._sibling(marker)
        if index is None:
            return marker.number == 1
        return marker.number == self._open[index].number + 1

    def repeats(self, marker: Marker) -> bool:
        """True when ``marker`` goes back in its own open sequence (`三、` after `三、`, `二、` after
        `三、`): a top-level heading never does, an enumeration inside the text may."""
        index = self._sibling(marker)
        return index is not None and marker.number <= self._open[index].number

    def place(self, marker: Marker) -> int:
        """Open ``marker``; returns its depth (1 for a top-level block)."""
        index = self._sibling(marker)
        if index is not None:
            del self._open[index:]
        else:
            while self._open and self._open[-1].level > marker.level:
                self._open.pop()
        self._open.append(_Open(marker.style, marker.level, marker.number))
        return len(self._open)


_SENTENCE_PUNCT = re.compile(r"[，,；;：:！!？?]")
# A title alone may close with a colon or a full stop: `（二）厅（局）长进大厅：`, `一、窗口工作动态。`.
_TITLE_END = re.compile(r"\s*[：:。]$")


# Items (level 3) are rarely titled, and a title alone is short: an item line longer than this with
# no punctuation is the first line of a paragraph cut at a page end, not a heading.
MAX_ITEM_TITLE = 18
# A level-1/2 line as wide as a full first line (28 characters less the indent) was cut too...
MAX_HEADING_LINE = 25
# ...unless it is wider than a whole typeset line, which no piece cut at a page end is (that is
# one line, or two and more), or names a section type; up to this width it is still a title.
FULL_LINE = 28
MAX_LONG_HEADING = 42


_NARROW = re.compile("[\x00-\u1fff]")


@lru_cache(maxsize=8192)
def display_width(text: str) -> float:
    """Width in full-width character cells: CJK 1, ASCII and spaces 1/2. Cached: the paragraph
    and heading rules measure the same line several times."""
    return len(text) - 0.5 * len(_NARROW.findall(text))


def _title(marker: Marker) -> str:
    """The text after the marker, less a closing colon or full stop on a heading (levels 1 and 2;
    an item ending so is a sentence, or the lead-in of a list, and stays text)."""
    rest = marker.rest.strip()
    return _TITLE_END.sub("", rest) if marker.level <= 2 else rest


def heading_only(marker: Marker, text: str) -> bool:
    """True when the whole paragraph is a title: no sentence punctuation, no full stop but maybe
    one at its end, and short (longer when it names a section type or fills more than a line)."""
    if marker.attachment:
        rest = marker.rest.strip()
        return len(rest) <= MAX_TITLE and "。" not in rest
    title = _title(marker)
    if not title or "。" in title or _SENTENCE_PUNCT.search(title) or title.endswith(("、", "…")):
        return False
    length = len(re.sub(r"\s", "", text))
    if marker.level == 3:
        return len(title) <= MAX_ITEM_TITLE and length <= MAX_HEADING_LINE
    if length <= MAX_HEADING_LINE:
        return True
    width = display_width(re.sub(r"\s", "", text))
    return width <= MAX_LONG_HEADING and (width > FULL_LINE or type_of_heading(title) is not None)


def inline_title(marker: Marker) -> Optional[str]:
    """The title of an inline heading (`数字政府建设。持续完善…`), else None for an untitled block."""
    rest = marker.rest.strip()
    stop = rest.find("。")
    if 0 < stop <= MAX_TITLE - 8:
        candidate = rest[:stop]
        if not _SENTENCE_PUNCT.search(candidate) and not re.match(r"^\d{1,2}\s*月", candidate):
            return candidate
    return None


def block_title(marker: Marker, text: str) -> Optional[str]:
    """The title a block carries, if any: its whole text when a heading alone, else an inline title."""
    if heading_only(marker, text):
        return _title(marker) or None
    return inline_title(marker)
