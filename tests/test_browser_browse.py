"""Issue 15 in a real browser (Debian's chromium through Playwright, the fixtures of
test_browser.py): the issue list, 上一期/下一期, 返回检索结果 with three filters, 复制引用, the 订阅
link, the department facet's filter box, the skip link. Screenshots land in test-output/."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.test_browser import (CHROMIUM, base_url, browser, index_dir, page,  # noqa: F401 (fixtures)
                                screenshot)
from pathlib import Path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM}"),
]


def test_the_issue_list_from_the_header_and_on_to_an_issue(page, base_url):
    page.goto(base_url + "/?q=窗口")
    page.get_by_role("link", name="往期目录").first.click()
    page.wait_for_url("**/issues")
    years = page.locator("section.issue-year h2").all_inner_texts()
    assert [y.split("年")[0] for y in years] == ["2025", "2022"]
    row = page.locator("tr#issue-2022-w40")
    assert row.locator("td").all_inner_texts()[:4] == ["总第415期", "2022-12-09", "2022-11-21 至 2022-11-25", "15"]
    screenshot(page, "issue-list.png")
    page.locator(".year-index").get_by_role("link", name="2022").click()
    assert page.locator("#year-2022").is_visible()
    row.get_by_role("link", name="2022年第40期").click()
    page.wait_for_url("**/issues/2022-w40")
    assert page.locator("h1").inner_text().startswith("窗口工作周报")


def test_previous_and_next_issue(page, base_url):
    page.goto(base_url + "/issues/2022-w40")
    assert page.locator("a.next-issue").count() == 0 and "已是最新一期" in page.locator(".issue-neighbours").inner_text()
    page.locator("a.previous-issue").click()
    page.wait_for_url("**/issues/2022-w14")
    assert "2022年第14期" in page.locator(".bulletin-meta").inner_text()
    screenshot(page, "bulletin-neighbours.png")
    page.locator("a.next-issue").click()
    page.wait_for_url("**/issues/2022-w40")


def test_back_to_the_exact_search_with_three_filters(page, base_url):
    page.goto(base_url + "/?q=窗口")
    # three filters chosen by clicking, as a person would, then a sort and the second page
    for facet, value in (("year", "2022"), ("kind", "周报"), ("type", "窗口动态")):
        page.locator(f'section.facet[data-facet="{facet}"] a', has_text=value).first.click()
        page.wait_for_load_state()
    page.locator("nav.sort a", has_text="最早").click()
    page.wait_for_load_state()
    search_url = page.url
    wanted = parse_qsl(urlsplit(search_url).query)
    assert {n for n, _ in wanted} >= {"q", "year", "kind", "type", "sort"}
    first_hit = page.locator("article.hit h2 a").first.inner_text()
    page.locator("a.to-paragraph").first.click()
    page.wait_for_url("**/issues/**")
    page.get_by_role("link", name="返回检索结果").click()
    page.wait_for_url("**/?*")
    assert parse_qsl(urlsplit(page.url).query) == wanted
    chips = page.locator("ul.chips").inner_text()
    assert "2022" in chips and "周报" in chips and "窗口动态" in chips
    assert page.locator("article.hit h2 a").first.inner_text() == first_hit
    assert page.locator("input#q").input_value() == "窗口"
    screenshot(page, "back-to-search.png")


def test_copying_a_citation(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(base_url + "/issues/2022-w40#2022-w40-2-1-1-p1")
        cite = page.locator('[id="2022-w40-2-1-1-p1"] + details.cite')
        assert not cite.locator(".cite-text").is_visible()
        cite.locator("summary").click()
        text = cite.locator(".cite-text").inner_text()
        assert text.startswith("《窗口工作周报》2022年第40期（总第415期），第")
        assert text.endswith("/issues/2022-w40#2022-w40-2-1-1-p1")
        assert cite.locator(".cite-text").is_visible()  # visible text, to copy by hand too
        page.wait_for_function("document.querySelector('[id=\"2022-w40-2-1-1-p1\"] + details summary')"
                               ".textContent === '已复制引用'")
        assert page.evaluate("navigator.clipboard.readText()") == text
        screenshot(page, "citation.png")
    finally:
        context.close()


def test_the_subscribe_link_is_the_searchs_feed(page, base_url):
    page.goto(base_url + "/?q=窗口&department=应急厅&page=1")
    link = page.get_by_role("link", name="订阅")
    href = link.get_attribute("href")
    assert urlsplit(href).path == "/feed.atom"
    assert parse_qsl(urlsplit(href).query) == [("q", "窗口"), ("department", "应急厅")]
    response = page.request.get(base_url + href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    assert "<feed" in response.text() and "应急管理厅" in response.text()


def test_the_department_filter_box_narrows_the_long_list(page, base_url):
    page.goto(base_url + "/?q=窗口&department=水利厅")
    facet = page.locator('section.facet[data-facet="department"]')
    items = facet.locator("li")
    everything = items.count()
    assert everything > 8
    first = facet.locator("li").first  # the chosen one pinned on top, though others count more
    assert first.get_attribute("class") == "selected" and "水利厅" in first.inner_text()
    box = facet.get_by_role("searchbox", name="筛选部门")
    box.fill("应急厅")  # a short form finds the canonical name
    visible = [t.split("\n")[0].strip() for t in facet.locator("li:visible").all_inner_texts()]
    assert "应急管理厅" in visible and "水利厅" in visible and len(visible) == 2
    screenshot(page, "department-filter-box.png")
    box.fill("没有这个部门")
    assert facet.locator("li:visible").count() == 1 and facet.get_by_text("没有这样的部门").is_visible()
    box.fill("")
    assert facet.locator("li:visible").count() == everything
    # choose the one found by keyboard: the list is links
    box.fill("应急")
    box.press("Tab")
    page.keyboard.press("Tab")  # past the pinned 水利厅 to 应急管理厅
    page.keyboard.press("Enter")
    page.wait_for_url("**department=*")
    assert "应急管理厅" in page.locator("ul.chips").inner_text()


def test_keyboard_skip_link_and_filters_before_hits(page, base_url):
    page.goto(base_url + "/?q=窗口")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到检索结果" and page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    # from the search box onwards, a facet link comes before the first hit
    page.locator("input#q").focus()
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        order.append(page.evaluate("(e => e.closest('aside') ? 'facet' : e.closest('article.hit') ? 'hit' : '')"
                                   "(document.activeElement)"))
        if "hit" in order:
            break
    assert "facet" in order and order.index("facet") < order.index("hit")
    # and on a wide screen the filters stand at the left of the results
    facets, results = page.locator("aside.facets").bounding_box(), page.locator("#results").bounding_box()
    assert facets["x"] < results["x"]
