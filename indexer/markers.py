"""Heading markers: `一、` (level 1) > `（一）`/`(一)` (level 2) > `（1）`/`(1)`/`1.` (level 3), and `附件`.

Pure functions over one paragraph's text: which marker starts it, and whether the paragraph is a
heading alone (`二、窗口工作动态`), an inline heading (`（一）数字政府建设。持续完善…`), or an
untitled block (`（一）近日，省政府办公厅印发…`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

ATTACHMENT_LEVEL = 1

_NUMERALS = "零一二三四五六七八九十"
_CN = f"[{_NUMERALS}]{{1,3}}"

_LEVEL1 = re.compile(rf"^\s*({_CN})\s*[、.．]\s*")
_LEVEL2 = re.compile(rf"^\s*[（(]\s*({_CN})\s*[）)]\s*[、.．]?\s*")
_LEVEL3_BRACKET = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[）)]\s*[、.．]?\s*")
# `1.` / `1、` items. `1.2月8日` is item 1 starting with a date, but `1.5万件` is a number.
_LEVEL3_DOTTED = re.compile(
    r"^\s*(\d{1,2})\s*(?:、|[.．](?!\d+(?:\.\d+)?\s*(?:万|亿|%|％|个|件|人|元|倍|千|百|家|项|次|户|小时|天|分)))\s*"
)
_ATTACHMENT = re.compile(r"^\s*附\s*件\s*(\d{0,2})\s*[：:]?\s*")

# How long a title may be before the text is prose rather than a heading.
MAX_TITLE = 32


@dataclass(frozen=True)
class Marker:
    level: int  # 1, 2 or 3
    number: int  # 1-based position among its siblings, as written
    token: str  # the marker as written, e.g. "（一）"
    rest: str  # the text after the marker
    attachment: bool = False


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


def marker_of(text: str) -> Optional[Marker]:
    match = _ATTACHMENT.match(text)
    # `附件`, `附件2`, `附件：名单`; not prose that merely starts with the word (附件材料齐全…).
    if match and (not text[match.end():] or match.group(0).rstrip().endswith(("：", ":")) or match.group(1)):
        return Marker(ATTACHMENT_LEVEL, int(match.group(1) or 1), match.group(0).strip(), text[match.end():], True)
    for level, pattern, to_int in (
        (1, _LEVEL1, chinese_numeral),
        (2, _LEVEL2, chinese_numeral),
        (3, _LEVEL3_BRACKET, int),
        (3, _LEVEL3_DOTTED, int),
    ):
        match = pattern.match(text)
        if match and text[match.end():].strip():
            return Marker(level, to_int(match.group(1)), match.group(0).strip(), text[match.end():])
        if match and level == 1:
            return None
    return None


_SENTENCE_PUNCT = re.compile(r"[，,；;：:！!？?]")


# Items (level 3) are rarely titled, and a title alone is short: an item line longer than this with
# no punctuation is the first line of a paragraph cut at a page end, not a heading.
MAX_ITEM_TITLE = 18
# A level-1/2 line as wide as a full first line (28 characters less the indent) was cut too.
MAX_HEADING_LINE = 25


def heading_only(marker: Marker, text: str) -> bool:
    """True when the whole paragraph is a title: short, no sentence punctuation, no full stop."""
    rest = marker.rest.strip()
    if marker.attachment:
        return len(rest) <= MAX_TITLE and "。" not in rest
    if marker.level == 3 and len(rest) > MAX_ITEM_TITLE:
        return False
    if len(re.sub(r"\s", "", text)) > MAX_HEADING_LINE:
        return False
    return (
        0 < len(rest) <= MAX_TITLE
        and "。" not in rest
        and not _SENTENCE_PUNCT.search(rest)
        and not rest.endswith(("、", "…"))
    )


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
        return marker.rest.strip() or None
    return inline_title(marker)
