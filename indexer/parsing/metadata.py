"""Issue metadata from the header lines: kind, number, total number, publication date, period, id.

The header is everything before the first level-1 heading. The period line may stand before or after
the center's name; the masthead may be an image (no title text), so the kind is also inferred from
the numbering and the period.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from .markers import chinese_numeral
from .model import MONTHLY, WEEKLY

SERIES_TITLES = {WEEKLY: "窗口工作周报", MONTHLY: "政务窗口月报"}

_NUMBER = re.compile(r"(?:(\d{4})年)?第(\d{1,3})期")
_TOTAL = re.compile(r"总第(\d{1,5})期")
_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# The week covered, `（11月21日—11月25日）`, with or without its brackets.
_PERIOD = re.compile(
    r"[（(]?(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日[—\-–~～至－]+(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日[）)]?"
)
_MONTH_IN_HEADING = re.compile(r"(?:(\d{4})年)?(\d{1,2})月")
_CENTER = ("服务中心", "交易服务中心", "政务服务中心")
# Dates written other ways: 2022.11.21 or 2022/11/21, and 二〇二二年十二月九日.
_DOTTED_DATE = re.compile(r"(\d{4})[.．/](\d{1,2})[.．/](\d{1,2})(?!\d)")
_CN_DIGITS = "〇一二三四五六七八九"
_CHINESE_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
# The monthly series began in 2025: an issue published before is a weekly.
MONTHLY_SINCE = 2025


class MissingMetadata(ValueError):
    pass


@dataclass
class IssueMetadata:
    kind: str
    year: int
    number: int
    total_number: Optional[int]
    published: date
    period: tuple[date, date]
    title: str
    warnings: list[str]

    @property
    def issue_id(self) -> str:
        return f"{self.year}-{'m' if self.kind == MONTHLY else 'w'}{self.number}"


def _date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _compact(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _chinese_date(match: re.Match) -> str:
    year = "".join(str(_CN_DIGITS.index(ch.replace("○", "〇").replace("零", "〇"))) for ch in match.group(1))
    return f"{year}年{chinese_numeral(match.group(2))}月{chinese_numeral(match.group(3))}日"


def _plain_dates(line: str) -> str:
    """2022.11.21 and 二〇二二年十二月九日 written as 2022年11月21日, the form the patterns read."""
    line = _DOTTED_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", line)
    return _CHINESE_DATE.sub(_chinese_date, line)


def _publication_date(lines: list[str]) -> Optional[date]:
    """The date beside the center's name: on its line, else the nearest date-only line."""
    for index, line in enumerate(lines):
        if any(word in line for word in _CENTER):
            match = _FULL_DATE.search(line)
            if match:
                return _date(*map(int, match.groups()))
            for neighbour in (index + 1, index - 1, index + 2, index - 2):
                if 0 <= neighbour < len(lines):
                    candidate = lines[neighbour]
                    match = _FULL_DATE.fullmatch(candidate)
                    if match:
                        return _date(*map(int, match.groups()))
    for line in lines:  # no center line: a date standing alone
        match = _FULL_DATE.fullmatch(line)
        if match:
            return _date(*map(int, match.groups()))
    return None


def extract_metadata(header_lines: list[str], first_heading: str = "") -> IssueMetadata:
    """Metadata of one issue; raises MissingMetadata when there is no issue number at all."""
    lines = [_plain_dates(_compact(line)) for line in header_lines if line.strip()]
    text = "\n".join(lines)
    warnings: list[str] = []

    number_match = next((m for m in (_NUMBER.search(line.replace("总第", "总")) for line in lines) if m), None)
    if number_match is None:
        raise MissingMetadata("no issue number (such as 2022年第40期) in the header")
    total_match = _TOTAL.search(text)
    published = _publication_date(lines)
    period_match = _PERIOD.search(text)

    kind = _kind(text, number_match, total_match is not None, period_match, published)

    if published is None:
        warnings.append("no publication date beside the center's name")

    if kind == WEEKLY:
        year = int(number_match.group(1)) if number_match.group(1) else (published.year if published else None)
        if year is None:
            raise MissingMetadata("neither the issue's year nor its publication date is in the header")
        period = _weekly_period(period_match, published, year)
        if period is None:
            warnings.append("no period line such as （11月21日—11月25日）")
            end = published or date(year, 12, 31)
            period = (end - timedelta(days=6), end)
    else:
        period = _weekly_period(period_match, published, published.year if published else 0) if period_match else None
        period = period or _monthly_period(first_heading, published, number_match)
        if period is None:
            raise MissingMetadata("cannot tell which month this monthly bulletin covers")
        year = int(number_match.group(1)) if number_match.group(1) else period[0].year
    if published is None:
        published = period[1]
    title = SERIES_TITLES[kind]
    return IssueMetadata(
        kind=kind,
        year=year,
        number=int(number_match.group(2)),
        total_number=int(total_match.group(1)) if total_match else None,
        published=published,
        period=period,
        title=title,
        warnings=warnings,
    )


def _kind(text: str, number_match, has_total: bool, period_match, published: Optional[date]) -> str:
    """周报 or 月报: the title says; else the evidence of the header, strongest first."""
    if "月报" in text:
        return MONTHLY
    if "周报" in text:
        return WEEKLY
    number = int(number_match.group(2))
    # Only the weekly counts its issues since 2014 (总第415期); a monthly has at most 12 a year.
    if has_total or number > 12 or (published and published.year < MONTHLY_SINCE):
        return WEEKLY
    period = _weekly_period(period_match, published, published.year if published else 2000)
    if period:  # a week, or a month
        return WEEKLY if (period[1] - period[0]).days <= 10 else MONTHLY
    if published:
        # A monthly comes out in the month after the one it covers (or at the end of that month),
        # numbered by it; weekly N of a year comes out long after month N.
        months_after = (published.month - number) % 12
        return MONTHLY if months_after == 1 or (months_after == 0 and published.day >= 20) else WEEKLY
    return WEEKLY if number_match.group(1) else MONTHLY


def _weekly_period(match, published: Optional[date], year: int) -> Optional[tuple[date, date]]:
    if match is None:
        return None
    y1, m1, d1, y2, m2, d2 = match.groups()
    base_year = published.year if published else year
    start_month = int(m1)
    end_month = int(m2) if m2 else start_month
    start_year = int(y1) if y1 else base_year
    end_year = int(y2) if y2 else (int(y1) if y1 else base_year)
    # A December week published in January belongs to the year before.
    if published and not y1 and start_month > published.month:
        start_year -= 1
    if published and not y2 and not y1 and end_month > published.month:
        end_year -= 1
    if end_month < start_month and not y2:
        end_year = start_year + 1
    start = _date(start_year, start_month, int(d1))
    end = _date(end_year, end_month, int(d2))
    if start is None or end is None:
        return None
    return start, end


def _monthly_period(first_heading: str, published: Optional[date], number_match) -> Optional[tuple[date, date]]:
    """A monthly covers its month: the last one its first heading names (2025年1月至11月 → November),
    else the month before publication."""
    named = list(_MONTH_IN_HEADING.finditer(_compact(first_heading)))
    if named:
        month = int(named[-1].group(2))
        years = [int(m.group(1)) for m in named if m.group(1)]
        if years:
            year = years[-1]
        elif number_match.group(1):
            year = int(number_match.group(1))
        elif published is not None:  # a December issue comes out in January
            year = published.year if month <= published.month else published.year - 1
        else:
            return None
    elif published is not None:
        first = published.replace(day=1) - timedelta(days=1)
        year, month = first.year, first.month
    elif number_match.group(1) and 1 <= int(number_match.group(2)) <= 12:
        year, month = int(number_match.group(1)), int(number_match.group(2))
    else:
        return None
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
