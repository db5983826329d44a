"""A generated issue as plain data: its metadata, its sections (the generator's truth) and its blocks.

``generate_issues(n, seed)`` is deterministic: the same arguments give the same issues, and issue i
does not depend on how many others were asked for when n stays within the real calendar's size.
``issue_text(issue)`` renders the ``.txt`` form; ``indexer.demo.pdf`` typesets the same blocks.

The calendar: weekly 《窗口工作周报》 from 2014 (about 48 a year, numbered within the publication year
and with a running total), monthly 《政务窗口月报》 from 2025 (one a month, published the following
month, no total). Up to the end of 2025 there are about 600 issues; asking for fewer picks an evenly
spread subset (weekly and monthly both kept), asking for more extends the series year by year.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from . import content as C
from . import figures as F

WEEKLY = "周报"
MONTHLY = "月报"
FIRST_YEAR = 2014
FIRST_MONTHLY_YEAR = 2025
CALENDAR_END_YEAR = 2025  # the "real" calendar; bigger archives continue past it

CHINESE_NUMERALS = "一二三四五六七八九十"
COLUMN_GAP = "    "  # between the two cells of an attachment's list row in the .txt form


# ------------------------------------------------------------------------------------------ data
@dataclass(frozen=True)
class Block:
    """One line of the .txt form, one paragraph (or header line) of the PDF."""

    role: str  # title number center date center_date subtitle period h1 h2 para dist
    text: str  # as displayed (format drift applied)
    section: Optional[int] = None  # index into DemoIssue.sections for content paragraphs


@dataclass(frozen=True)
class DemoSection:
    heading: tuple[str, ...]  # heading path, level-1 title first (untitled blocks add nothing)
    type: str  # the section type facet docs/bulletins.md's table gives
    departments: tuple[str, ...]  # canonical names, first named first
    paragraphs: tuple[str, ...]  # the section's paragraphs as written, markers kept, no PDF spacing

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Style:
    """How one year's issues are typeset: the drift docs/bulletins.md describes."""

    level2: str  # "full" （一） or "half" (一)
    item: str  # "full" （1）, "half" (1) or "dot" 1.
    spaced_numbers: bool  # PDF-era spacing: 2022 年 1 月
    number_spaced: bool  # 第 40期 rather than 第40期
    center_date_one_line: bool
    period_before_center: bool
    txt_form: str = "paragraphs"  # "paragraphs", "page_cut" (cut at page breaks) or "hard_wrapped" (PDF lines)


@dataclass(frozen=True)
class DemoIssue:
    kind: str  # 周报 or 月报
    year: int
    number: int
    total_number: Optional[int]
    published: date
    period: tuple[date, date]
    title: str
    sections: tuple[DemoSection, ...] = ()
    blocks: tuple[Block, ...] = ()
    style: Optional[Style] = None
    # the 办件 figures its stats section states: {"scope", "from", "to", "subject", "measure",
    # "value", "unit"}, as the extractor should read them back
    figures: tuple[dict, ...] = ()

    @property
    def id(self) -> str:
        """The id the parser gives the issue (``2014-w1``, ``2025-m11``)."""
        return f"{self.year}-{'w' if self.kind == WEEKLY else 'm'}{self.number}"

    def to_dict(self) -> dict:
        """The truth in the shape of the parser's ``Issue``/``Section`` dicts (without ids/paths)."""
        return {
            "issue": {
                "kind": self.kind, "year": self.year, "number": self.number,
                "total_number": self.total_number, "published": self.published.isoformat(),
                "period": [self.period[0].isoformat(), self.period[1].isoformat()], "title": self.title,
            },
            "sections": [
                {"heading": list(s.heading), "type": s.type, "departments": list(s.departments),
                 "text": s.text}
                for s in self.sections
            ],
        }


# -------------------------------------------------------------------------------------- calendar
def _weekly_slots(year: int) -> list[tuple[date, date, date]]:
    """(period start, period end, published) of each weekly issue of the year."""
    monday = date(year, 1, 5)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    slots = []
    week = 0
    while monday <= date(year, 12, 8):
        holiday = (monday.month == 2 and 7 <= monday.day <= 13) or (
            date(year, 9, 29) <= monday <= date(year, 10, 5))
        if not holiday:
            end = monday + timedelta(days=4)
            published = end + timedelta(days=14 if week % 5 == 3 else 7)
            slots.append((monday, end, published))
            week += 1
        monday += timedelta(days=7)
    return slots


def _monthly_slot(year: int, month: int) -> tuple[date, date, date]:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    published = following + timedelta(days=11)
    while published.weekday() >= 5:
        published += timedelta(days=1)
    return start, following - timedelta(days=1), published


@dataclass(frozen=True)
class _Slot:
    kind: str
    year: int
    number: int
    total_number: Optional[int]
    period: tuple[date, date]
    published: date


def series_calendar(end_year: int) -> list[_Slot]:
    slots: list[_Slot] = []
    total = 0
    for year in range(FIRST_YEAR, end_year + 1):
        for number, (start, end, published) in enumerate(_weekly_slots(year), 1):
            total += 1
            slots.append(_Slot(WEEKLY, year, number, total, (start, end), published))
        if year >= FIRST_MONTHLY_YEAR:
            for month in range(1, 13):
                start, end, published = _monthly_slot(year, month)
                slots.append(_Slot(MONTHLY, year, month, None, (start, end), published))
    slots.sort(key=lambda s: (s.published, s.kind))
    return slots


def issue_calendar(n: int) -> list[_Slot]:
    """The n issues an archive of that size holds, in publication order."""
    if n <= 0:
        return []
    full = series_calendar(CALENDAR_END_YEAR)
    if n >= len(full):
        end_year = CALENDAR_END_YEAR
        while len(full) < n:
            end_year += 1
            full = series_calendar(end_year)
        return full[:n]
    weekly = [s for s in full if s.kind == WEEKLY]
    monthly = [s for s in full if s.kind == MONTHLY]
    n_monthly = min(len(monthly), max(1 if n >= 2 else 0, round(n * 0.1)))
    picked = _spread(monthly, n_monthly) + _spread(weekly, n - n_monthly)
    return sorted(picked, key=lambda s: (s.published, s.kind))


def _spread(items: list, k: int) -> list:
    """k items evenly spread over the list, its first and last included."""
    if k <= 0:
        return []
    if k >= len(items):
        return list(items)
    if k == 1:
        return [items[-1]]
    step = (len(items) - 1) / (k - 1)
    return [items[round(i * step)] for i in range(k)]


def year_style(year: int) -> Style:
    """Formats drift by year; fixed per year so an archive shows several variants."""
    return Style(
        level2="half" if year % 4 == 1 else "full",
        item="dot" if year % 5 == 2 else ("half" if year % 3 == 0 else "full"),
        spaced_numbers=year <= 2016 or year % 7 == 1,
        number_spaced=year % 2 == 0,
        center_date_one_line=year % 3 != 1,
        period_before_center=year % 4 == 3,
        txt_form="hard_wrapped" if year % 6 == 5 else ("page_cut" if year % 4 == 2 else "paragraphs"),
    )


# ------------------------------------------------------------------------------------ generation
def generate_issues(n: int, seed: int = 2014) -> list[DemoIssue]:
    """n synthetic issues in publication order; deterministic for (n, seed)."""
    return [generate_issue(slot, seed) for slot in issue_calendar(n)]


def iter_issues(n: int, seed: int = 2014):
    """Like generate_issues, one at a time (no list of 5,000 issues kept in memory)."""
    for slot in issue_calendar(n):
        yield generate_issue(slot, seed)


def generate_issue(slot: _Slot, seed: int) -> DemoIssue:
    rng = random.Random(f"{seed}:{slot.kind}:{slot.year}:{slot.number}")
    style = year_style(slot.year)
    writer = _IssueWriter(rng, slot, style, seed)
    if slot.kind == WEEKLY:
        writer.weekly()
    else:
        writer.monthly()
    return DemoIssue(
        kind=slot.kind, year=slot.year, number=slot.number, total_number=slot.total_number,
        published=slot.published, period=slot.period,
        title=C.WEEKLY_TITLE if slot.kind == WEEKLY else C.MONTHLY_TITLE,
        sections=tuple(writer.sections), blocks=tuple(writer.blocks), style=style,
        figures=tuple(writer.figures),
    )


def md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_NUMBER_RUN = re.compile(r"\d+(?:\.\d+)?%?")
_NO_SPACE_NEXT_TO = "，。、；：（）《》“”—！？%/"


def space_numbers(text: str) -> str:
    """The spacing old PDFs put around numbers: 2022年1月 -> 2022 年 1 月."""
    def pad(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        left = " " if before and before not in _NO_SPACE_NEXT_TO and not before.isspace() else ""
        right = " " if after and after not in _NO_SPACE_NEXT_TO and not after.isspace() else ""
        return left + match.group(0) + right
    return _NUMBER_RUN.sub(pad, text)


class _IssueWriter:
    def __init__(self, rng: random.Random, slot: _Slot, style: Style, seed: int = 2014):
        self.rng = rng
        self.seed = seed
        self.figures: list[dict] = []
        self.slot = slot
        self.style = style
        self.blocks: list[Block] = []
        self.sections: list[DemoSection] = []
        self.level1 = 0
        self.used_forms: dict[str, str] = {}  # canonical -> the form written in the current section
        self.openings: set[tuple[str, str]] = set()

    # ---- document structure
    def weekly(self) -> None:
        s = self.slot
        self._header()
        self.h1(C.H_STATS_WEEKLY)
        self.section((C.H_STATS_WEEKLY,), self._weekly_stats(), [])
        self.h1(C.H_WINDOW_NEWS)
        blocks = []
        if self.rng.random() < 0.75:
            blocks.append((C.H_BUSINESS_ENV, C.BUSINESS_ENV_OPENERS, C.DETAILS, (1, 4)))
        blocks.append((C.H_EFFICIENCY, C.EFFICIENCY_OPENERS, C.DETAILS, (2, 5)))
        if s.year >= 2023 and self.rng.random() < 0.4:
            blocks.append((C.H_ONE_WINDOW, C.ONE_WINDOW_OPENERS, C.DETAILS, (1, 2)))
        if s.year >= 2024 and self.rng.random() < 0.4:
            blocks.append((C.H_ONE_THING, C.ONE_THING_OPENERS, C.DETAILS, (1, 2)))
        if self.rng.random() < 0.65:
            blocks.append((C.H_DIRECTOR_VISIT, C.DIRECTOR_VISIT_OPENERS, C.DIRECTOR_DETAILS, (1, 3)))
        for index, (title, openers, details, (lo, hi)) in enumerate(blocks):
            self.h2(index, title)
            for item in range(self.rng.randint(lo, hi)):
                self.item((C.H_WINDOW_NEWS, title), item, openers, details)
        self.h1(C.H_HALL_PATROL)
        self._patrol()
        if self.rng.random() < 0.08:
            title = "下周工作安排"
            self.h1(title)
            self._begin()
            self.section((title,), [self._fill(
                "下周，中心将围绕{topic}继续开展窗口服务质量抽查，组织{dept}等部门窗口开展业务交流，"
                "并对大厅自助服务区设备进行集中维护，请各窗口提前做好相关准备。")[0]], None)
        self._distribution(C.WEEKLY_DISTRIBUTION)
        if s.number == 1 and s.year > FIRST_YEAR:
            self._attachment()

    def _attachment(self) -> None:
        """The first issue of a year lists last year's advanced windows in two columns, after 发：."""
        rng = self.rng
        chosen = rng.sample(sorted(C.DEPARTMENT_BUSINESS), 2 * rng.randint(3, 7))
        forms = [rng.choice(C.written_forms_of(c)) for c in chosen]
        title = f"{self.slot.year - 1}年度先进窗口名单"
        rows = [f"{forms[i]}{COLUMN_GAP}{forms[i + 1]}" for i in range(0, len(forms), 2)]
        index = len(self.sections)
        self.sections.append(DemoSection((C.H_ATTACHMENT,), C.section_type((C.H_ATTACHMENT,)), tuple(chosen),
                                         (title, *rows)))
        self.add("att_head", C.H_ATTACHMENT, index)
        self.add("att_title", self._display(title), index)
        for row in rows:
            self.add("att_row", row, index)

    def monthly(self) -> None:
        s = self.slot
        self._header()
        title = f"{s.period[0].year}年{s.period[0].month}月总体运行情况"
        self.h1(title)
        self.section((title,), self._monthly_stats(), [])
        self.h1(C.H_GOV_NEWS)
        self._begin()
        texts = [self._fill(t)[0] for t in self.rng.sample(C.GOV_NEWS, self.rng.randint(1, 2))]
        self.section((C.H_GOV_NEWS,), texts, None)
        self.h1(C.H_KEY_WORK)
        for index, (topic, body) in enumerate(self.rng.sample(C.KEY_WORK_TOPICS, self.rng.randint(2, 4))):
            self._begin()
            text, _ = self._fill(body)
            marker = self._level2_marker(index)
            self.section((C.H_KEY_WORK, topic), [f"{marker}{topic}。{text}"], None)
        self.h1(C.H_WINDOW_BRIEFS)
        for index in range(self.rng.randint(4, 7)):
            text = self._item_text(C.BRIEFS, C.DETAILS, max_len=260)
            self.section((C.H_WINDOW_BRIEFS,), [f"{self._level2_marker(index, monthly=True)}{text}"], None)
        self._distribution(C.MONTHLY_DISTRIBUTION)

    def _header(self) -> None:
        s, st = self.slot, self.style
        self.add("title", C.WEEKLY_TITLE if s.kind == WEEKLY else C.MONTHLY_TITLE)
        if s.kind == WEEKLY:
            gap = " " if st.number_spaced else ""
            self.add("number", f"{s.year}年第{gap}{s.number}期（总第{gap}{s.total_number}期）")
        else:
            self.add("number", f"第 {s.number} 期" if st.number_spaced else f"第{s.number}期")
        published = self._display(ymd(s.published)) if st.spaced_numbers else ymd(s.published)
        period = f"（{md(s.period[0])}—{md(s.period[1])}）"
        if st.spaced_numbers:
            period = self._display(period)
        if s.kind == WEEKLY and st.period_before_center:
            self.add("subtitle", C.WEEKLY_SUBTITLE)
            self.add("period", period)
        if st.center_date_one_line:
            self.add("center_date", f"{C.CENTER_NAME} {published}")
        else:
            self.add("center", C.CENTER_NAME)
            self.add("date", published)
        if s.kind == WEEKLY and not st.period_before_center:
            self.add("subtitle", C.WEEKLY_SUBTITLE)
            self.add("period", period)

    def _distribution(self, choices) -> None:
        for line in self.rng.choice(choices):
            self.add("dist", line)
        if self.slot.kind == WEEKLY:
            copies = self.rng.choice((60, 70, 80, 100))
            self.add("dist", f"（共印 {copies}份）" if self.style.number_spaced else f"（共印{copies}份）")

    # ---- blocks and sections
    def add(self, role: str, text: str, section: Optional[int] = None) -> None:
        self.blocks.append(Block(role, text, section))

    def _display(self, text: str) -> str:
        return space_numbers(text) if self.style.spaced_numbers else text

    def h1(self, title: str) -> None:
        self.add("h1", f"{CHINESE_NUMERALS[self.level1]}、{self._display(title)}")
        self.level1 += 1

    def _level2_marker(self, index: int, monthly: bool = False) -> str:
        numeral = CHINESE_NUMERALS[index]
        if self.style.level2 == "half" and not monthly:
            return f"({numeral}) "
        return f"（{numeral}）"

    def h2(self, index: int, title: str) -> None:
        self.add("h2", self._level2_marker(index) + title)

    def _item_marker(self, index: int) -> str:
        style = self.style.item
        if style == "half" and index == 0 and self.rng.random() < 0.3:
            style = "full"  # real issues mix the two within one list
        return {"full": f"（{index + 1}）", "half": f"({index + 1}) ", "dot": f"{index + 1}."}[style]

    def section(self, heading: tuple[str, ...], paragraphs: list[str], departments) -> None:
        """Add a section; departments None means: find them in the text (the generator's own forms)."""
        text = "".join(paragraphs)
        found = self._departments_in(text) if departments is None else list(departments)
        index = len(self.sections)
        self.sections.append(DemoSection(tuple(heading), C.section_type(heading), tuple(found),
                                         tuple(paragraphs)))
        for paragraph in paragraphs:
            self.add("para", self._display_paragraph(paragraph), index)

    def _display_paragraph(self, paragraph: str) -> str:
        """Apply number spacing to the body, never to the leading item marker."""
        if not self.style.spaced_numbers:
            return paragraph
        match = re.match(r"(（[一二三四五六七八九十\d]+）|\([一二三四五六七八九十\d]+\) |\d+\.)", paragraph)
        head = match.group(0) if match else ""
        return head + space_numbers(paragraph[len(head):])

    def _departments_in(self, text: str) -> list[str]:
        for body in C.NOT_PROVINCIAL:  # 国家发展改革委 does not name 发展改革委
            text = text.replace(body, "#" * len(body))
        positions = {}
        for canonical, form in self.used_forms.items():
            at = text.find(form)
            if at >= 0:
                positions[canonical] = at
        return sorted(positions, key=positions.get)

    # ---- sentences
    def _pick_department(self, avoid=()) -> str:
        pool = C.FREQUENT_DEPARTMENTS if self.rng.random() < 0.7 else tuple(C.DEPARTMENT_BUSINESS)
        choice = self.rng.choice(pool)
        while choice in avoid:
            choice = self.rng.choice(tuple(C.DEPARTMENT_BUSINESS))
        return choice

    def _begin(self) -> None:
        """A new section: each department keeps one written form within a section."""
        self.used_forms = {}

    def _fill(self, template: str, dept: Optional[str] = None):
        """Fill a template's placeholders; returns (text, canonical departments used)."""
        rng = self.rng
        dept = dept or self._pick_department()
        dept2 = self._pick_department(avoid=(dept,))
        for canonical in (dept, dept2):
            if canonical not in self.used_forms:
                self.used_forms[canonical] = rng.choice(C.written_forms_of(canonical))
        period = self.slot.period
        day = period[0] + timedelta(days=rng.randint(0, (period[1] - period[0]).days))
        surname = rng.choice(C.SURNAMES)
        person = surname + "".join(rng.choice(C.GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
        n = rng.randint(3, 9)
        values = {
            "dept": self.used_forms[dept], "dept2": self.used_forms[dept2],
            "biz": rng.choice(C.DEPARTMENT_BUSINESS[dept]), "date": md(day),
            "n": n, "m": rng.randint(1, n - 1), "k": rng.randint(12, 480), "pct": f"{rng.randint(15, 70)}%",
            "topic": rng.choice(C.TOPICS), "city": rng.choice(C.CITIES), "person": person,
            "role": rng.choice(C.ROLES), "thing": rng.choice(C.ONE_THINGS),
            "nat": rng.choice([b for b in C.NOT_PROVINCIAL if not b.startswith("成都")]),
            "firm": rng.choice(C.FIRM_PREFIX) + rng.choice(C.FIRM_TRADE)
            + rng.choice(C.FIRM_SUFFIX),
        }
        used = [c for c in (dept, dept2) if "{dept" + ("}" if c == dept else "2}") in template]
        return template.format(**values), used

    def _item_text(self, openers, details, max_len: int = 300) -> str:
        rng = self.rng
        self._begin()
        for _ in range(8):  # no two items of an issue open with the same sentence about the same window
            dept, opener = self._pick_department(), rng.choice(openers)
            if (dept, opener) not in self.openings:
                break
        self.openings.add((dept, opener))
        text, _ = self._fill(opener, dept)
        target = rng.randint(70, max_len - 40)
        pool = list(details)
        rng.shuffle(pool)
        for detail in pool:
            if len(text) >= target:
                break
            sentence, _ = self._fill(detail, dept)
            if len(text) + len(sentence) > max_len:
                continue
            text += sentence
        closing = rng.choice(C.CLOSINGS)
        if closing and closing[:3] not in text and len(text) + len(closing) <= max_len:
            text += closing
        return text

    def item(self, heading: tuple[str, ...], index: int, openers, details) -> None:
        paragraphs = [self._item_marker(index) + self._item_text(openers, details)]
        if self.rng.random() < 0.1:
            extra = "".join(self._fill(d)[0] for d in self.rng.sample(C.DETAILS, 2))
            paragraphs.append(extra)
        self.section(heading, paragraphs, None)

    def _figures_rng(self) -> random.Random:
        """The figures' own random stream. The issue's stream advances exactly as it did before
        the figures were modelled (six draws and a pick of three templates for a weekly, eight
        draws and a pick of two for a monthly), so every other text of an archive reads as it
        did: tests and benchmarks compare archives across versions."""
        s = self.slot
        return random.Random(f"{self.seed}:figures:{s.kind}:{s.year}:{s.number}")

    def _weekly_stats(self) -> list[str]:
        for _ in range(6):
            self.rng.random()
        self.rng.choice(range(3))
        paragraphs, truth = F.weekly_stats(self._figures_rng(), self.slot.period, self.seed)
        self.figures += truth
        return paragraphs

    def _monthly_stats(self) -> list[str]:
        for _ in range(6):
            self.rng.random()
        self.rng.randint(800, 1600)
        self.rng.randint(3000, 6000)
        self.rng.choice(range(2))
        paragraphs, truth = F.monthly_stats(self._figures_rng(), self.slot.period, self.seed)
        self.figures += truth
        return paragraphs

    def _patrol(self) -> None:
        rng = self.rng
        paragraphs = [rng.choice(C.PATROL_INTRO)]
        for index, (topic, findings) in enumerate(rng.sample(C.PATROL_ITEMS, rng.randint(4, 6))):
            paragraphs.append(f"{self._level2_marker(index)}{topic}。{rng.choice(findings)}")
        self.section((C.H_HALL_PATROL,), paragraphs, [])


def issue_text(issue: DemoIssue, layout=None) -> str:
    """The .txt form: UTF-8, a blank line between lines.

    Most years hold one paragraph a line. As in real archives, some years' texts were saved from the
    PDF: "page_cut" cuts a paragraph where its page ends, "hard_wrapped" keeps every PDF line.
    """
    form = issue.style.txt_form if issue.style else "paragraphs"
    if form == "paragraphs":
        return "\n\n".join(block.text for block in issue.blocks) + "\n"
    if layout is None:
        from .pdf import layout_issue

        layout = layout_issue(issue)
    body = iter(layout.body_lines)
    lines: list[str] = []
    for block in issue.blocks:
        if block.role not in ("h1", "h2", "para"):
            lines.append(block.text)
        elif form == "page_cut":
            lines += ["".join(page_lines) for page_lines in next(body)]
        else:
            lines += [line for page_lines in next(body) for line in page_lines]
    return "\n\n".join(lines) + "\n"
