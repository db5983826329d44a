"""/stats in a real browser (Debian's chromium through Playwright): the chart is drawn with the
vendored ECharts, a point shows its value, issue and date on hover, and a click opens the paragraph
it came from. The index holds consecutive generated issues of late 2025, so the weekly chart has
per-week values derived from the cumulative totals, and a monthly one beside it.

The screenshot lands in test-output/stats-page.png for a person to look at."""
from __future__ import annotations

import pytest

from indexer.demo.archive import write_issue
from indexer.demo.bulletin import generate_issue, series_calendar
from tests import test_browser
from tests.servers import app_in_thread

# the browser fixtures and marks of tests/test_browser.py (one chromium set-up for both files)
pytestmark = test_browser.pytestmark
browser = test_browser.browser
page = test_browser.page
OUTPUT = test_browser.OUTPUT

SEED = 11


@pytest.fixture(scope="module")
def stats_url(tmp_path_factory):
    from indexer.search.indexing import index_paths

    archive = tmp_path_factory.mktemp("stats-archive")
    for n, slot in enumerate(series_calendar(2025)[-10:]):
        write_issue(generate_issue(slot, SEED), archive, f"{n:02d}", ("txt",))
    index_dir = tmp_path_factory.mktemp("stats-index")
    index_paths([str(archive)], str(index_dir), workers=0)
    with app_in_thread(index_dir, "stats-under-test") as url:
        yield url


def _point_on_screen(page, chart_id: str, index: int) -> tuple[float, float]:
    """Where the index-th point of the chart's first series is drawn, in page pixels."""
    x, y = page.evaluate(
        """([id, i]) => {
             const chart = echarts.getInstanceByDom(document.getElementById(id));
             const point = chart.getOption().series[0].data[i].value;
             return chart.convertToPixel({seriesIndex: 0}, point);
           }""", [chart_id, index])
    box = page.locator(f"#{chart_id}").bounding_box()
    return box["x"] + x, box["y"] + y


def test_stats_page_draws_hovers_and_opens_the_paragraph(page, stats_url):
    page.goto(stats_url + "/")
    with page.expect_navigation():
        page.click(".site-nav a:has-text('办件统计')")  # the link in the site header
    assert page.url.endswith("/stats")
    weekly = page.locator("#chart-weekly")
    assert weekly.locator("canvas").count() >= 1
    points = int(weekly.get_attribute("data-points"))
    assert points >= 5  # per-week values of consecutive weeklies
    assert page.locator("#panel-weekly .series-picker").input_value() == "行政许可事项|受理"
    assert page.locator("#panel-monthly .series-picker").input_value() == "综合窗口|受理"
    assert int(page.locator("#chart-monthly").get_attribute("data-points")) >= 1
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "stats-page.png"), full_page=True)

    last = page.evaluate("""() => JSON.parse(document.getElementById('data-weekly').textContent)
                              .figures.filter(f => f.scope === '本周').slice(-1)[0]""")
    x, y = _point_on_screen(page, "chart-weekly", points - 1)
    page.mouse.move(x, y)
    tooltip = page.locator("#chart-weekly div", has_text=last["issue_id"]).last
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert f"{last['value']:,}件" in text and last["from"] in text and last["to"] in text
    assert "推算" in text  # a per-week value computed from two cumulative totals says so
    # the same row heads the table under the chart
    first_row = page.locator("#panel-weekly .stats-table tbody tr").first
    assert last["issue_id"] in first_row.inner_text() and f"{last['value']:,}件" in first_row.inner_text()

    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url.endswith(f"/issues/{last['issue_id']}#{last['paragraph_id']}")
    paragraph = page.locator(f"[id='{last['paragraph_id']}']")
    assert paragraph.is_visible()
    assert "行政许可事项" in paragraph.inner_text()


def test_cumulative_toggle_and_year_overlay_redraw_in_place(page, stats_url):
    page.goto(stats_url + "/stats")
    weekly = page.locator("#chart-weekly")
    per_week = int(weekly.get_attribute("data-points"))
    page.check("#panel-weekly input[value=cumulative]")
    cumulative = int(weekly.get_attribute("data-points"))
    assert cumulative == per_week + 1  # the first weekly has a total but no week before it
    assert "今年以来" not in page.url  # redrawn in place, not reloaded
    values = page.locator("#panel-weekly .stats-table tbody td.num").all_inner_texts()
    numbers = [int(v.rstrip("件").replace(",", "")) for v in values]
    assert numbers == sorted(numbers, reverse=True)  # newest first, and totals only grow in a year
    page.check("#panel-weekly input[name=weekly_yoy]")
    legend = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-weekly'))
                                .getOption().series.map(s => s.name)""")
    assert legend == ["2025年"]
