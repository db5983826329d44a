"""The search page and the bulletin view in a real browser: Debian's chromium driven by Playwright,
headless, against a real server on 127.0.0.1 over a real index of the sample bulletins.

Also the archive pages of issue 15: the issue list, 上一期/下一期, 返回检索结果 with three filters,
复制引用, the 订阅 link, the department facet's filter box and the keyboard's skip link.

Screenshots land in test-output/ for a person to look at."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import REPO
from tests.servers import app_in_thread

CHROMIUM = os.environ.get("BULLETIN_CHROMIUM") or "/usr/bin/chromium"
OUTPUT = REPO / "test-output"
SHALE_GAS = "页岩气勘探开发项目经理部"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no chromium at {CHROMIUM} (apt-get install chromium, or set BULLETIN_CHROMIUM)"),
]


@pytest.fixture(scope="module")
def index_dir(corpus_pdf_index):
    return corpus_pdf_index


@pytest.fixture(scope="module")
def base_url(index_dir):
    """The app on a real WSGI server, loopback, a free port, in a thread."""
    with app_in_thread(index_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    sync_playwright = sync_api.sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def shale_gas_paragraphs(index_dir) -> set[str]:
    """The paragraph ids of the 000 bulletin's section about the shale-gas project department."""
    from indexer.search.service import open_service

    bulletin = open_service(str(index_dir)).issue("2022-w40")
    [section] = [s for s in bulletin["sections"] if SHALE_GAS in s["text"].replace(" ", "")]
    return {p["id"] for p in section["paragraphs"]}


def screenshot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / name), full_page=False)


def search_for(page, base_url: str, query: str) -> None:
    page.goto(base_url + "/")
    page.fill("#q", query)
    with page.expect_navigation():
        page.press("#q", "Enter")


def total_shown(page) -> int:
    return int(re.search(r"(\d+)", page.inner_text(".result-summary strong")).group(1))


def all_facet_counts(page) -> dict[str, dict[str, int]]:
    return {facet: facet_counts(page, facet) for facet in ("department", "year", "type", "kind")}


def facet_counts(page, facet: str) -> dict[str, int]:
    counts = {}
    for item in page.query_selector_all(f'.facet[data-facet="{facet}"] li'):
        counts[item.query_selector(".facet-value").inner_text()] = \
            int(item.query_selector(".count").inner_text())
    return counts


def test_typing_a_query_finds_the_shale_gas_section_first(page, base_url, shale_gas_paragraphs):
    search_for(page, base_url, "应急厅 上门服务")
    assert page.input_value("#q") == "应急厅 上门服务"
    first = page.locator(".hit").first
    assert "窗口工作周报 2022年第40期" in first.inner_text()
    assert SHALE_GAS in first.locator(".snippet").inner_text().replace(" ", "")
    fragment = first.locator(".hit-title a").get_attribute("href").split("#")[1]
    assert fragment in shale_gas_paragraphs
    assert "应急管理厅" in first.locator(".badge").all_inner_texts()
    assert first.locator("mark").count() > 0
    screenshot(page, "search-page.png")


def test_clicking_a_department_facet_changes_counts_and_results(page, base_url):
    search_for(page, base_url, "上门服务")
    before_total, before_facets = total_shown(page), all_facet_counts(page)
    before_hits = page.locator(".hit-title a").evaluate_all("links => links.map(a => a.href)")
    assert "应急管理厅" in before_facets["department"]
    with page.expect_navigation():
        page.click('.facet[data-facet="department"] a:has-text("应急管理厅")')
    assert page.locator(".chip", has_text="部门：应急管理厅").count() == 1
    assert page.locator('.facet[data-facet="department"] li.selected', has_text="应急管理厅").count() == 1
    after_total, after_facets = total_shown(page), all_facet_counts(page)
    after_hits = page.locator(".hit-title a").evaluate_all("links => links.map(a => a.href)")
    assert after_total == before_facets["department"]["应急管理厅"] < before_total
    # Each facet counts over the query and the *other* filters (docs/interface.md), so the department
    # facet keeps its numbers while the year, type and kind counts follow the new filter.
    assert after_facets["department"] == before_facets["department"]
    assert after_facets != before_facets and after_hits != before_hits
    assert sum(after_facets["type"].values()) < sum(before_facets["type"].values())
    for hit in page.locator(".hit").all():
        assert "应急管理厅" in hit.locator(".badge").all_inner_texts()
    screenshot(page, "search-page-filtered.png")
    # the chip's × takes the filter away again
    with page.expect_navigation():
        page.click(".chip a")
    assert total_shown(page) == before_total


def test_clicking_a_hit_lands_on_the_marked_paragraph_in_view(page, base_url, shale_gas_paragraphs):
    search_for(page, base_url, "应急厅 上门服务")
    with page.expect_navigation():
        page.locator(".hit-title a").first.click()
    assert re.search(r"/issues/2022-w40\?q=.+#", page.url)
    fragment = page.url.split("#")[1]
    assert fragment in shale_gas_paragraphs
    target = page.locator(f'[id="{fragment}"]')
    assert target.evaluate("el => el.matches(':target')")
    box, height = target.bounding_box(), page.evaluate("innerHeight")
    assert box and 0 <= box["y"] and box["y"] + min(box["height"], 100) <= height
    style = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert style not in ("rgba(0, 0, 0, 0)", "transparent")
    assert target.locator("mark").count() > 0  # the query is highlighted in the paragraph
    assert SHALE_GAS in target.inner_text().replace(" ", "")
    screenshot(page, "bulletin-view.png")


def test_script_in_the_query_is_shown_as_text(page, base_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payload = "<script>alert(1)</script>"
    search_for(page, base_url, payload)
    assert page.input_value("#q") == payload
    assert payload in page.inner_text("main")
    page.goto(base_url + "/issues/2022-w40?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert payload in page.inner_text(".highlight-note")
    page.wait_for_timeout(300)
    assert dialogs == []


def test_empty_state_and_phone_width(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                  is_mobile=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(base_url + "/?q=上门服务")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
        assert page.locator(".hit").first.is_visible()
        screenshot(page, "search-page-phone.png")
        page.goto(base_url + "/?q=上门服务&department=省药监局")
        assert "没有找到" in page.inner_text(".empty-state")
        assert page.locator(".drop-filter").count() == 1
        screenshot(page, "empty-state-phone.png")
        page.goto(base_url + "/issues/2022-w40")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
        screenshot(page, "bulletin-view-phone.png")
    finally:
        context.close()


# --- issue 15: the issue list, 上一期/下一期, 返回检索结果, 复制引用, 订阅, the department filter box

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


def test_did_you_mean_is_offered_not_run_and_one_click_searches_it(page, base_url):
    search_for(page, base_url, "应急听")
    assert total_shown(page) == 0  # the query as typed was searched, not silently replaced
    offer = page.locator(".did-you-mean")
    assert offer.inner_text().replace(" ", "") == "您是不是要找：应急厅"
    screenshot(page, "did-you-mean.png")
    with page.expect_navigation():
        offer.locator("a").click()
    assert page.input_value("#q") == "应急厅"
    assert total_shown(page) > 0 and page.locator(".did-you-mean").count() == 0
    assert "应急管理厅" in page.locator(".hit").first.locator(".badge").all_inner_texts()


def test_an_issue_reference_shows_as_a_chip_that_removes_it(page, base_url):
    search_for(page, base_url, "总第415期 应急厅")
    chip = page.locator(".chip-issue")
    assert chip.inner_text().startswith("期次：总第415期")
    narrowed = total_shown(page)
    titles = set(page.locator(".hit-title").all_inner_texts())
    assert narrowed > 0 and titles == {"窗口工作周报 2022年第40期"}
    screenshot(page, "issue-chip.png")
    with page.expect_navigation():
        chip.locator("a").click()
    assert page.input_value("#q") == "应急厅"
    assert page.locator(".chip-issue").count() == 0 and total_shown(page) > narrowed
