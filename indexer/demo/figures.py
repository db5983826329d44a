"""Workload figures for the demo's 办件统计 paragraphs that move like real ones.

Each series is a daily rate: a base, growing year by year, near nothing at weekends, a dip around
the Spring Festival, and a little noise that is fixed per (series, week) so it never depends on
which issues an archive holds. A weekly prints the cumulative total since 1 January (so totals
reset each January and consecutive issues differ by exactly that week's work); a monthly prints
the month's sum, in 万件 as the real ones do.

``weekly_stats(rng, slot_year, period, seed)`` and ``monthly_stats(…)`` return the paragraph(s)
and the generator's truth: the figure records (scope, from, to, subject, measure, value, unit) the
extractor should read back.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"

FIRST_YEAR = 2014
# 春节 (the first day of the lunar year); later years fall back to a mid-value, which is enough for
# a dip that moves a little from year to year.
SPRING_FESTIVAL = {
    2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29),
    2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
}

# (subject, measure) -> rate per working day in 2014, before growth, festival and noise
DAILY = {  # the weeklies' series
    ("行政许可事项", "受理"): 1900, ("行政许可事项", "办结"): 1870,
    ("公共服务事项", "受理"): 52000, ("公共服务事项", "办结"): 23000,
    ("其它九类行权事项", "受理"): 160, ("其它九类行权事项", "办结"): 158,
    ("综合窗口", "咨询"): 70, ("综合窗口", "受理"): 16, ("综合窗口", "出件"): 15,
    # the monthlies' series, scaled so that 2025 lands near the real 2025 figures (5.4万件 a month)
    ("省本级政务服务事项", "办理"): 1300, ("全程网办", "受理"): 1220, ("全程网办", "办结"): 1250,
    ("综合窗口", "月受理"): 52, ("综合窗口", "月出件"): 88, ("现场邮寄", "寄递"): 25,
    ("电话咨询", "咨询"): 27, ("现场咨询", "咨询"): 118,
}


def _festival(year: int) -> date:
    month, day = SPRING_FESTIVAL.get(year, (2, 5))
    return date(year, month, day)


def _growth(year: int) -> float:
    return 1 + 0.08 * (year - FIRST_YEAR)


@lru_cache(maxsize=256)
def _cumulative(seed: int, series: tuple[str, str], year: int) -> tuple[float, ...]:
    """Running totals by day of the year (index 0 = 1 January), from the daily rate model."""
    festival = _festival(year)
    base = DAILY[series] * _growth(year)
    totals, total = [], 0.0
    day = date(year, 1, 1)
    noise: dict[int, float] = {}
    while day.year == year:
        week = day.isocalendar()[1]
        if week not in noise:
            noise[week] = random.Random(f"{seed}:{series}:{year}:{week}").uniform(0.85, 1.15)
        rate = base * noise[week] * (0.06 if day.weekday() >= 5 else 1.0)
        offset = (day - festival).days
        if -4 <= offset <= 7:
            rate *= 0.15  # the hall closes for the holiday; the days around it are quiet
        elif -10 <= offset <= 12:
            rate *= 0.7
        total += rate
        totals.append(total)
        day += timedelta(days=1)
    return tuple(totals)


def cumulative(seed: int, series: tuple[str, str], end: date) -> int:
    """The total from 1 January of ``end``'s year to ``end``, inclusive."""
    return int(_cumulative(seed, series, end.year)[end.timetuple().tm_yday - 1])


def between(seed: int, series: tuple[str, str], start: date, end: date) -> int:
    """The total from ``start`` to ``end`` inclusive (both in one year)."""
    before = cumulative(seed, series, start - timedelta(days=1)) if (start.month, start.day) != (1, 1) else 0
    return cumulative(seed, series, end) - before


def _figure(scope, start: date, end: date, subject, measure, value, unit) -> dict:
    return {"scope": scope, "from": start.isoformat(), "to": end.isoformat(), "subject": subject,
            "measure": measure, "value": value, "unit": unit}


WEEKLY_TEMPLATES = (
    "根据省一体化政务服务平台统计，{start}至{end}，省本级共受理行政许可事项{a}件，办结{b}件；受理公共服务事项{c}件，"
    "办结{d}件；其他行政权力事项受理{e}件，办结{f}件，按期办结率保持在较高水平。",
    "截至{end}，省本级今年以来（自{start}起）累计受理行政许可事项{a}件，已办结{b}件；公共服务事项受理{c}件，"
    "已办结{d}件；其他各类行权事项受理{e}件，办结{f}件。",
    "从省一体化政务服务平台汇总的数据看，{start}至{end}期间，省本级行政许可事项受理量为{a}件、办结量为{b}件，"
    "公共服务事项受理量为{c}件、办结量为{d}件，其他类别行权事项受理{e}件、办结{f}件。",
    "据四川一体化政务服务平台数据统计，{start}至{end}，省本级行政许可事项受理{a}件，办结{b}件；公共服务事项受理"
    "{c}件，办结{d}件，其它九类行权事项受理{e}件，累计办结{f}件。",
)
WEEKLY_KEYS = (("行政许可事项", "受理"), ("行政许可事项", "办结"), ("公共服务事项", "受理"),
               ("公共服务事项", "办结"), ("其它九类行权事项", "受理"), ("其它九类行权事项", "办结"))
ONE_WINDOW_TEMPLATE = ("本周，省本级综合窗口共计咨询{a}人次、受理{b}件、出件{c}件；今年以来，累计咨询{d}人次、"
                       "受理{e}件、出件{f}件。")
ONE_WINDOW_KEYS = (("综合窗口", "咨询", "人次"), ("综合窗口", "受理", "件"), ("综合窗口", "出件", "件"))
ONE_WINDOW_FROM_YEAR = 2023  # the 综窗 reform: the weeklies report its window from then on


def weekly_stats(rng: random.Random, period: tuple[date, date], seed: int) -> tuple[list[str], list[dict]]:
    start, end = date(period[1].year, 1, 1), period[1]
    values = {k: cumulative(seed, key, end) for k, key in zip("abcdef", WEEKLY_KEYS)}
    paragraphs = [rng.choice(WEEKLY_TEMPLATES).format(start=ymd(start), end=ymd(end), **values)]
    truth = [_figure("今年以来", start, end, s, m, values[k], "件") for k, (s, m) in zip("abcdef", WEEKLY_KEYS)]
    if end.year >= ONE_WINDOW_FROM_YEAR:
        week = {k: between(seed, key[:2], max(period[0], start), end) for k, key in zip("abc", ONE_WINDOW_KEYS)}
        total = {k: cumulative(seed, key[:2], end) for k, key in zip("def", ONE_WINDOW_KEYS)}
        paragraphs.append(ONE_WINDOW_TEMPLATE.format(**week, **total))
        truth += [_figure("本周", period[0], end, s, m, week[k], u) for k, (s, m, u) in zip("abc", ONE_WINDOW_KEYS)]
        truth += [_figure("今年以来", start, end, s, m, total[k], u) for k, (s, m, u) in zip("def", ONE_WINDOW_KEYS)]
    return paragraphs, truth


MONTHLY_TEMPLATES = (
    "{month}月，省本级办理政务服务事项{a}万件。各进驻部门（单位）窗口共受理政务服务事项全程网办{b}万件，办结政务服务"
    "事项全程网办{c}万件；综合窗口受理政务服务事项{d}万件，窗口出件量{e}万件；政务大厅现场邮寄量{f}万件；为办事企业"
    "群众提供电话咨询{g}人/次、现场咨询服务{h}人/次。",
    "{month}月，省本级共办理政务服务事项{a}万件。进驻大厅的各部门（单位）窗口全程网上受理事项{b}万件，网上办结{c}万件；"
    "综合受理窗口受理{d}万件，统一出件{e}万件；大厅免费寄递办件{f}万件；接听咨询电话{g}人次，现场解答咨询{h}人次。",
    "本月省本级政务服务办件总量为{a}万件，其中全程网办受理{b}万件、办结{c}万件，综合窗口受理{d}万件、出件{e}万件，"
    "寄递送达{f}万件。12345热线转办及窗口电话咨询{g}人次，大厅导办台现场咨询{h}人次，群众评价满意率为{s}%。",
)
# key, (subject, measure as printed), model series, written in 万 with this many decimals (None: as is)
MONTHLY_KEYS = (
    ("a", ("省本级政务服务事项", "办理"), ("省本级政务服务事项", "办理"), 1),
    ("b", ("全程网办", "受理"), ("全程网办", "受理"), 1),
    ("c", ("全程网办", "办结"), ("全程网办", "办结"), 1),
    ("d", ("综合窗口", "受理"), ("综合窗口", "月受理"), 2),
    ("e", ("综合窗口", "出件"), ("综合窗口", "月出件"), 2),
    ("f", ("现场邮寄", "寄递"), ("现场邮寄", "寄递"), 2),
    ("g", ("电话咨询", "咨询"), ("电话咨询", "咨询"), None),
    ("h", ("现场咨询", "咨询"), ("现场咨询", "咨询"), None),
)


def monthly_stats(rng: random.Random, period: tuple[date, date], seed: int) -> tuple[list[str], list[dict]]:
    start, end = period
    template = rng.choice(MONTHLY_TEMPLATES)
    written, truth = {}, []
    for key, (subject, measure), series, decimals in MONTHLY_KEYS:
        amount = between(seed, series, start, end)
        if decimals is None:
            written[key], value, unit = str(amount), amount, "人次"
        else:
            text = f"{max(amount / 10000, 10 ** -decimals):.{decimals}f}"
            written[key], value, unit = text, int(Decimal(text) * 10000), "件"
        truth.append(_figure("本月", start, end, subject, measure, value, unit))
    if "{s}" in template:
        satisfaction = f"{rng.uniform(99.5, 99.99):.2f}"
        written["s"] = satisfaction
        truth.append(_figure("本月", start, end, "群众评价", "满意率", float(Decimal(satisfaction) / 100), "%"))
    return [template.format(month=start.month, **written)], truth
