"""The demo's 办件 figures: they move like real ones, and written as PDFs and texts they come back
from the parser and the extractor exactly (≥ 99 %), and through the index as series."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from indexer.demo import figures as demo_figures
from indexer.demo.archive import write_issue
from indexer.demo.bulletin import MONTHLY, WEEKLY, generate_issue, series_calendar
from indexer.parsing.figures import extract_figures
from indexer.parsing.parser import parse_file

SEED = 7
CALENDAR = series_calendar(2025)
# every 15th issue over the years (each year's drift), and the last ten weeks of 2025 back to back
# (consecutive weeklies, monthlies, and the 综合窗口 paragraph)
SLOTS = sorted(set(CALENDAR[::15]) | set(CALENDAR[-12:]), key=CALENDAR.index)


def _key(f: dict) -> tuple:
    return (f["scope"], f["from"], f["to"], f["subject"], f["measure"], f["value"], f["unit"])


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The picked issues, alternately as PDF and as .txt (every txt form of the years)."""
    folder = tmp_path_factory.mktemp("demo-figures")
    written = []
    for n, slot in enumerate(SLOTS):
        issue = generate_issue(slot, SEED)
        (path,) = write_issue(issue, folder, f"{n:03d}", ("pdf" if n % 2 else "txt",))
        written.append((issue, path))
    return folder, written


def test_generated_figures_come_back_exactly(archive):
    _, written = archive
    wanted = found = 0
    stats_warnings = []
    for issue, path in written:
        bulletin = parse_file(str(path)).to_dict()
        figures, warnings = extract_figures(bulletin)
        stats_sections = {s["id"] for s in bulletin["sections"] if s["type"] == "办件统计"}
        got = Counter(_key(f) for f in figures if f["section_id"] in stats_sections)
        truth = Counter(_key(f) for f in issue.figures)
        wanted += sum(truth.values())
        found += sum((truth & got).values())
        stats_warnings += [w for w in warnings if w.split("-p")[0] in stats_sections]
    assert wanted > 400  # both kinds, many years
    assert found / wanted >= 0.99, (found, wanted)
    assert stats_warnings == []


def test_weekly_and_monthly_phrasing_both_written(archive):
    _, written = archive
    kinds = {issue.kind for issue, _ in written}
    assert kinds == {WEEKLY, MONTHLY}
    scopes = {(issue.kind, f["scope"]) for issue, _ in written for f in issue.figures}
    assert scopes == {(WEEKLY, "今年以来"), (WEEKLY, "本周"), (MONTHLY, "本月")}


def test_series_move_like_real_ones():
    series = ("行政许可事项", "受理")
    # cumulative totals reset each January and only grow within a year
    year = [demo_figures.cumulative(SEED, series, date(2022, m, 28)) for m in range(1, 13)]
    assert year == sorted(year) and demo_figures.cumulative(SEED, series, date(2023, 1, 6)) < year[0]
    # the Spring Festival week (2023-01-22) is far quieter than a week in March
    festival = demo_figures.between(SEED, series, date(2023, 1, 23), date(2023, 1, 27))
    march = demo_figures.between(SEED, series, date(2023, 3, 6), date(2023, 3, 10))
    assert festival < 0.3 * march
    # growth over the years
    assert demo_figures.cumulative(SEED, series, date(2024, 12, 31)) > \
        1.5 * demo_figures.cumulative(SEED, series, date(2015, 12, 31))


def test_indexed_demo_gives_per_week_values(archive, tmp_path, capsys):
    """Through the index: consecutive weeklies' cumulative totals yield each week's value."""
    from indexer.cli import main
    from indexer.search.indexing import index_paths

    folder, written = archive
    index_paths([str(folder)], str(tmp_path / "index"), workers=0)
    assert main(["stats", "--index-dir", str(tmp_path / "index"), "--subject", "行政许可事项",
                 "--measure", "受理", "--scope", "本周", "--format", "json"]) == 0
    derived = json.loads(capsys.readouterr().out)["figures"]
    assert len(derived) >= 5 and all(f["derived"] for f in derived)
    for f in derived:
        start, end = date.fromisoformat(f["from"]), date.fromisoformat(f["to"])
        assert f["value"] == demo_figures.between(SEED, ("行政许可事项", "受理"), start, end)
