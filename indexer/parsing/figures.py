"""The 办件 figures: numbers in the bulletins' prose turned into records (the ``stats`` record of docs/interface.md).

``extract_figures(bulletin)`` reads a parsed bulletin (``Bulletin.to_dict()``) and returns its
figures and warnings. Pure: no I/O, no index. What it reads:

* every sentence of a 办件统计 section: ``2022年1月1日至2022年11月25日，省本级行政许可事项受理732976件，
  办结724052件；…``, ``11月，省本级办理政务服务事项5.4万件。…电话咨询1055人/次``;
* the same kind of sentence anywhere else, but only where the sentence says its period itself
  (``本周，…``, ``今年以来，…``, a date range): prose elsewhere is full of numbers that are no
  workload figure (``缩短40%``, ``21个``), and guessing them into a series would be worse than
  leaving them out.

A figure is a number with a unit (件, 件次, 人次, %; ``万`` multiplies); its subject and measure come
from the words before it, its scope from the sentence's period words. What cannot be read (no
subject, no measure, an approximate ``3000余件``) becomes a warning quoting the sentence, never a
guessed record.

``derive_per_period(figures, issues)`` turns cumulative (今年以来) series into per-period values:
this week = cumulative − last week's, when the previous issue of the same kind and year exists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Iterable, Optional

from .departments import find_departments, written_forms

STATS_TYPE = "办件统计"

WEEK = "本周"
MONTH = "本月"
YEAR_TO_DATE = "今年以来"
SPAN = "期间"  # a stated date range that is neither the issue's period nor from 1 January
PER_PERIOD_SCOPES = (WEEK, MONTH)

FIELDS = ("issue_id", "section_id", "paragraph_id", "page", "scope", "from", "to", "subject",
          "measure", "value", "unit", "text", "derived")

# Subjects: (canonical, pattern). Specific ones first: 综合窗口受理政务服务事项 is the 综合窗口's.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("行政许可事项", r"行政许可事项"),
    ("公共服务事项", r"公共服务事项"),
    ("其它九类行权事项", r"其[它他](?:九类|各类|类别)?(?:行权|行政权力)事项"),
    ("综合窗口", r"综合(?:受理)?窗口|综窗"),
    ("全程网办", r"全程网(?:办|上)"),
    ("电话咨询", r"电话咨询|咨询电话"),
    ("现场咨询", r"现场(?:解答)?咨询"),
    ("现场邮寄", r"现场邮寄|寄递|邮寄"),
    ("群众评价", r"群众评价|办事群众评价"),
    ("省本级政务服务事项", r"政务服务(?:事项|办件)"),
)
_GENERIC_SUBJECT = "省本级政务服务事项"  # only when nothing more specific is named

# Measures, longest forms first; the one nearest the number counts.
MEASURES: tuple[tuple[str, str], ...] = (
    ("寄递", r"寄递办件|寄递送达|寄递|邮寄量|邮寄"),
    ("受理", r"受理"),
    ("办结", r"办结"),
    ("出件", r"出件"),
    ("收件", r"收件|代收"),
    ("办理", r"办件总量|办件量|办理|办件"),
    ("咨询", r"咨询|解答"),
    ("颁发", r"颁发|发证"),
    ("流转", r"流转"),
)
_MEASURE_RE = re.compile("|".join(f"(?P<m{i}>{p})" for i, (_, p) in enumerate(MEASURES)))
_SUBJECT_RES = [(name, re.compile(p)) for name, p in SUBJECTS]
_RATE_RE = re.compile(r"([\u4e00-\u9fff]{1,3}率)")

_UNITS = {"件": "件", "件次": "件次", "人次": "人次", "人/次": "人次", "人／次": "人次", "%": "%", "％": "%"}
# A figure: a number, 万 perhaps, then a unit. 余/多 between or 以上/左右 after make it approximate.
_FIGURE_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<approx>余|多)?\s*"
    r"(?P<unit>件次|件|人次|人\s*[/／]\s*次|%|％)(?P<after>以上|左右|以下|多)?")

_D = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_RANGE_RE = re.compile(_D + r"\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_UNTIL_RE = re.compile(r"截[至止](?:到)?\s*" + _D)
_SINCE_RE = re.compile(r"自\s*" + _D + r"\s*起")
_MONTH_LEAD_RE = re.compile(r"^\s*(\d{1,2})\s*月\s*(?:份)?\s*[，,]")
_WEEK_RE = re.compile(r"本周|上周")
_MONTH_RE = re.compile(r"本月|当月")
_YTD_RE = re.compile(r"今年以来|年初以来|今年累计|累计")
# Outside 办件统计 a sentence counts only when it says its period in so many words: ``累计`` or
# ``截至目前`` there are about one project's total, not a series.
_STATED_PERIOD_RE = re.compile(r"本周|本月|今年以来|年初以来|\d{4}\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|－|-|~|～)")

_SENTENCE_END = "。！？!?"
_CLAUSE_CUT = "，,、；;：:。！？!?"


@dataclass
class _Scope:
    name: str
    start: date
    end: date


def _as_value(number: str, wan: bool, unit: str):
    value = Decimal(number)
    if wan:
        value *= 10000
    if unit == "%":
        value /= 100
    if value == value.to_integral_value() and unit != "%":
        return int(value)
    return float(value)


def _day(y, m, d) -> Optional[date]:
    try:
        return date(int(y), int(m), int(d))
    except (TypeError, ValueError):
        return None


def _month_range(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, following - timedelta(days=1)


class _Reader:
    """Reads one paragraph; scope carries across its sentences, subject within one sentence."""

    def __init__(self, issue: dict, section: dict, paragraph: dict, in_stats: bool):
        self.issue = issue
        self.section = section
        self.paragraph = paragraph
        self.in_stats = in_stats
        period = issue.get("period") or [issue["published"], issue["published"]]
        self.period = (date.fromisoformat(period[0]), date.fromisoformat(period[1]))
        self.per_period = MONTH if issue.get("kind") == "月报" else WEEK
        heading = "".join(section.get("heading") or [])
        self.default_subject = "综合窗口" if re.search(r"综窗|综合窗口", heading) else None
        self.scope: Optional[_Scope] = None
        self.figures: list[dict] = []
        self.warnings: list[str] = []

    # -- scope words
    def _update_scope(self, text: str, sentence_start: bool) -> None:
        """Period words in ``text`` (the words before a figure) set the scope from here on."""
        year = self.period[1].year
        m = _RANGE_RE.search(text)
        if m:
            start = _day(*m.group(1, 2, 3))
            end = _day(m.group(4) or m.group(1), m.group(5), m.group(6))
            if start and end:
                if (start, end) == self.period:
                    self.scope = _Scope(self.per_period, start, end)
                elif (start.month, start.day) == (1, 1):
                    self.scope = _Scope(YEAR_TO_DATE, start, end)
                else:
                    self.scope = _Scope(SPAN, start, end)
                return
        until = _UNTIL_RE.search(text)
        since = _SINCE_RE.search(text)
        if until:
            end = _day(*until.group(1, 2, 3))
            start = _day(*since.group(1, 2, 3)) if since else (end and date(end.year, 1, 1))
            if end and start:
                self.scope = _Scope(YEAR_TO_DATE if (start.month, start.day) == (1, 1) else SPAN, start, end)
                return
        if since:
            start = _day(*since.group(1, 2, 3))
            if start:
                self.scope = _Scope(YEAR_TO_DATE if (start.month, start.day) == (1, 1) else SPAN,
                                    start, self.period[1])
                return
        m = _MONTH_LEAD_RE.match(text) if sentence_start else None
        if m and 1 <= int(m.group(1)) <= 12:
            month = int(m.group(1))
            # a monthly is published the month after the one it covers: the period says the year
            start, end = _month_range(self.period[0].year if month == self.period[0].month else year, month)
            self.scope = _Scope(MONTH, start, end)
            return
        if _WEEK_RE.search(text) and "上周" not in text:
            self.scope = _Scope(WEEK, *self.period)
        elif _MONTH_RE.search(text):
            self.scope = _Scope(MONTH, *_month_range(self.period[0].year, self.period[0].month)) \
                if self.per_period == WEEK else _Scope(MONTH, *self.period)
        elif _YTD_RE.search(text):
            if self.scope is None or self.scope.name != YEAR_TO_DATE:
                self.scope = _Scope(YEAR_TO_DATE, date(self.period[1].year, 1, 1), self.period[1])

    # -- one paragraph
    def read(self) -> None:
        text = self.paragraph["text"]
        for sentence_start, sentence in _sentences(text):
            self._read_sentence(sentence_start, sentence)

    def _read_sentence(self, offset: int, sentence: str) -> None:
        subject: Optional[str] = None
        sentence_scope_seen = False
        if not self.in_stats:
            self.scope = None  # elsewhere a sentence must state its own period
            if not _STATED_PERIOD_RE.search(sentence):
                return
        previous_end = 0
        for m in _FIGURE_RE.finditer(sentence):
            lead = sentence[previous_end:m.start()]
            before_scope = self.scope
            self._update_scope(lead, sentence_start=previous_end == 0)
            sentence_scope_seen = sentence_scope_seen or self.scope is not before_scope
            previous_end = m.end()
            phrase = _phrase(sentence, lead, m)
            if not self.in_stats and (self.scope is None or not sentence_scope_seen):
                continue
            named = _subject_in(lead)
            if named:
                subject = named
            elif subject is None:
                subject = self.default_subject or self._department_subject(sentence)
            if m.group("approx") or m.group("after"):
                self._warn(f"approximate figure {m.group(0)!r} not recorded", sentence)
                continue
            unit = _UNITS[re.sub(r"\s", "", m.group("unit"))]
            measure = _measure_in(lead, unit)
            if subject is None:
                self._warn(f"no subject for {phrase!r}", sentence)
                continue
            if measure is None:
                self._warn(f"no measure for {phrase!r}", sentence)
                continue
            if self.scope is None:
                self._warn(f"no period for {phrase!r}", sentence)
                continue
            try:
                value = _as_value(m.group("num"), bool(m.group("wan")), unit)
            except InvalidOperation:
                self._warn(f"unreadable number in {phrase!r}", sentence)
                continue
            self.figures.append({
                "issue_id": self.issue["id"], "section_id": self.section["id"],
                "paragraph_id": self.paragraph["id"], "page": self.paragraph.get("page"),
                "scope": self.scope.name, "from": self.scope.start.isoformat(),
                "to": self.scope.end.isoformat(), "subject": subject, "measure": measure,
                "value": value, "unit": unit, "text": phrase, "derived": False,
            })

    def _department_subject(self, sentence: str) -> Optional[str]:
        """Elsewhere, a department's window named in the sentence (``公安厅窗口受理…``) is the
        subject; a department merely mentioned is not."""
        if self.in_stats:
            return None
        for canonical in find_departments(sentence):
            if any(f"{form}窗口" in sentence for form in [canonical, *written_forms(canonical)]):
                return f"{canonical}窗口"
        return None

    def _warn(self, what: str, sentence: str) -> None:
        """Only in 办件统计 sections: elsewhere a sentence that does not read completely is
        taken for prose, not for a figure gone wrong."""
        if not self.in_stats:
            return
        self.warnings.append(f"{self.paragraph['id']}: {what} in: {sentence.strip()[:160]}")


def _sentences(text: str):
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            yield start, text[start:i + 1]
            start = i + 1
    if start < len(text):
        yield start, text[start:]


def _phrase(sentence: str, lead: str, m: re.Match) -> str:
    """The exact words of one figure: from the last clause break before it to its unit."""
    cut = max(lead.rfind(c) for c in _CLAUSE_CUT)
    start = m.start() - len(lead) + cut + 1
    end = m.end("unit")
    return sentence[start:end].strip()


def _subject_in(lead: str) -> Optional[str]:
    hits = [(name, m.start()) for name, rx in _SUBJECT_RES for m in [rx.search(lead)] if m]
    specific = [h for h in hits if h[0] != _GENERIC_SUBJECT]
    if specific:
        return max(specific, key=lambda h: h[1])[0]  # the nearest to the number
    return hits[0][0] if hits else None


def _measure_in(lead: str, unit: str) -> Optional[str]:
    if unit == "%":
        rates = list(_RATE_RE.finditer(lead))
        return rates[-1].group(1)[-3:] if rates else None
    hits = list(_MEASURE_RE.finditer(lead))
    if not hits:
        return None
    last = hits[-1]
    return MEASURES[int(last.lastgroup[1:])][0]


def extract_figures(bulletin: dict) -> tuple[list[dict], list[str]]:
    """Every figure of one parsed bulletin (``Bulletin.to_dict()`` shape) and the warnings."""
    issue = bulletin["issue"]
    figures: list[dict] = []
    warnings: list[str] = []
    for section in bulletin.get("sections", []):
        in_stats = section.get("type") == STATS_TYPE
        for paragraph in section.get("paragraphs", []):
            reader = _Reader(issue, section, paragraph, in_stats)
            reader.read()
            figures += reader.figures
            warnings += reader.warnings
    return figures, warnings


def series_key(figure: dict) -> tuple:
    return (figure["subject"], figure["measure"], figure["unit"])


def derive_per_period(figures: Iterable[dict], issues: dict[str, dict]) -> list[dict]:
    """Per-period values from cumulative ones: for each 今年以来 figure whose issue follows another
    of the same kind and year (number − 1) holding the same series from the same start, the
    difference, scoped 本周 (weekly) or 本月 (monthly) from the day after the earlier one's end.
    ``issues``: issue id -> {"kind", "year", "number"}. Skipped where the issue states that
    per-period figure itself, or where the difference would be negative (a correction, not a
    week's work: left for a person to read)."""
    cumulative: dict[tuple, dict] = {}
    stated: set[tuple] = set()
    for f in figures:
        meta = issues.get(f["issue_id"])
        if meta is None or f.get("derived"):
            continue
        if f["scope"] == YEAR_TO_DATE:
            cumulative.setdefault((meta["kind"], meta["year"], meta["number"], series_key(f)), f)
        elif f["scope"] in PER_PERIOD_SCOPES:
            stated.add((f["issue_id"], series_key(f)))
    derived = []
    for (kind, year, number, key), f in cumulative.items():
        before = cumulative.get((kind, year, number - 1, key))
        if before is None or before["from"] != f["from"] or (f["issue_id"], key) in stated:
            continue
        value = Decimal(str(f["value"])) - Decimal(str(before["value"]))
        if value < 0 or before["to"] >= f["to"]:
            continue
        value = int(value) if value == value.to_integral_value() and f["unit"] != "%" else float(value)
        start = date.fromisoformat(before["to"]) + timedelta(days=1)
        derived.append(dict(f, scope=WEEK if kind == "周报" else MONTH, value=value,
                            **{"from": start.isoformat()}, derived=True))
    return derived
