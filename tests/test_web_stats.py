"""/stats over real HTTP (Flask's test client) on a real index of the three sample bulletins: the
chart page's picker and table, and the department × year table whose every cell is a link to the
search that finds exactly that many sections."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import SAMPLE_NAMES


@pytest.fixture(scope="module")
def index_dir(corpus_dir, tmp_path_factory):
    from indexer.search.indexing import index_paths

    folder = tmp_path_factory.mktemp("web-stats-index")
    index_paths([str(corpus_dir / f"{name}.pdf") for name in SAMPLE_NAMES], str(folder), workers=0)
    return folder


@pytest.fixture(scope="module")
def client(index_dir):
    from webapp import create_app

    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def _cells(html: str) -> list[tuple[str, int]]:
    """(link, count) of every linked number in the activity table."""
    table = html[html.index('class="activity-table"'):]
    table = table[:table.index("</table>")]
    return [(unescape(href), int(n)) for href, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', table)]


def test_the_page_shows_the_default_series_and_its_table(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/stats"' in home  # the link in the site header
    page = client.get("/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="行政许可事项|受理" selected>' in html
    assert '<option value="综合窗口|受理" selected>' in html
    assert "vendor/echarts/echarts.min.js" in html
    # the weekly table: the two cumulative totals, newest first, each linked to its paragraph
    weekly = html[html.index('id="panel-weekly"'):html.index('id="panel-monthly"')]
    assert re.findall(r'href="(/issues/[^"]+)"', weekly) == ["/issues/2022-w40#2022-w40-1-p1",
                                                            "/issues/2022-w14#2022-w14-1-p1"]
    assert weekly.index("732,976件") < weekly.index("369,861件")
    monthly = html[html.index('id="panel-monthly"'):html.index('id="activity"')]
    assert "2,100件" in monthly and "综合窗口受理政务服务事项0.21万件" in monthly


def test_picking_a_series_and_scope_without_javascript(client):
    html = client.get("/stats?monthly=电话咨询|咨询&weekly_scope=cumulative").get_data(as_text=True)
    monthly = html[html.index('id="panel-monthly"'):html.index('id="activity"')]
    assert '<option value="电话咨询|咨询" selected>' in monthly and "1,055人次" in monthly
    assert 'href="/stats.csv?subject=%E7%94%B5%E8%AF%9D%E5%92%A8%E8%AF%A2&amp;measure=%E5%92%A8%E8%AF%A2' in monthly


def test_an_unknown_series_is_said_and_never_echoed_raw(client):
    reply = client.get("/stats", query_string={"weekly": '<script>alert(1)</script>|受理'})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert "<script>alert(1)" not in html and "没有这个统计项" in html
    assert '<option value="行政许可事项|受理" selected>' in html


def test_every_activity_cell_links_to_a_search_finding_that_many(client):
    html = client.get("/stats").get_data(as_text=True)
    cells = _cells(html)
    assert len(cells) > 20
    decoded = {(tuple(parse_qsl(urlsplit(h).query)), n) for h, n in cells}
    assert ((("department", "应急管理厅"), ("year", "2022")), 4) in decoded
    for href, count in cells:
        params = parse_qsl(urlsplit(href).query)
        assert urlsplit(href).path == "/"
        reply = client.get("/api/search", query_string=params).get_json()
        assert reply["total"] == count, href


def test_the_same_table_by_column(client):
    html = client.get("/stats?type=厅长进大厅").get_data(as_text=True)
    assert '<option value="厅长进大厅" selected>' in html
    cells = _cells(html)
    assert cells and all(("type", "厅长进大厅") in parse_qsl(urlsplit(h).query) for h, _ in cells)
    for href, count in cells:
        reply = client.get("/api/search", query_string=parse_qsl(urlsplit(href).query)).get_json()
        assert reply["total"] == count, href


def test_a_damaged_figures_file_is_said_not_crashed(corpus_dir, tmp_path, capsys):
    from indexer.cli import main
    from indexer.search import figures_store, store
    from indexer.search.indexing import index_paths
    from webapp import create_app

    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[0]}.pdf")], str(tmp_path), workers=0)
    figures_store.path_in(store.live_generation(tmp_path)).write_bytes(b"not a database" * 100)
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()
    reply = client.get("/api/stats")
    assert reply.status_code == 503 and "figures.sqlite" in reply.get_json()["error"]
    assert client.get("/stats").status_code == 503
    assert client.get("/").status_code == 200  # the search itself goes on
    assert main(["stats", "--index-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "figures.sqlite" in err and "--rebuild" in err


def test_api_follows_an_incremental_run(corpus_dir, tmp_path):
    """Replies are kept until the figures change: a commit on the live generation shows at once."""
    from indexer.search.indexing import index_paths
    from webapp import create_app

    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[0]}.pdf")], str(tmp_path), workers=0)
    client = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client()

    def issues():
        return sorted({f["issue_id"] for f in client.get("/api/stats?measure=受理").get_json()["figures"]})

    assert issues() == ["2022-w40"] == issues()
    index_paths([str(corpus_dir / f"{SAMPLE_NAMES[1]}.pdf")], str(tmp_path), workers=0)
    assert issues() == ["2022-w14", "2022-w40"]


def test_without_javascript_a_long_series_lists_its_newest_rows(tmp_path):
    """A long series: the page lists the newest 200 rows and says how many more the CSV holds."""
    from indexer.search import engine, store
    from indexer.search.figures_store import FiguresWriter
    from webapp import create_app
    from webapp.views.stats import SERVER_ROWS

    gen = store.new_generation(tmp_path)
    engine.create_index(gen, "whoosh")
    writer = FiguresWriter(gen)
    for n in range(1, SERVER_ROWS + 31):
        issue = {"id": f"2023-w{n}", "kind": "周报", "year": 2023, "number": n, "published": "2023-12-31"}
        day = f"2023-{1 + (n - 1) // 28:02d}-{1 + (n - 1) % 28:02d}" if n <= 12 * 28 else "2023-12-31"
        writer.put_issue(issue, [{
            "issue_id": issue["id"], "section_id": f"{issue['id']}-1", "paragraph_id": f"{issue['id']}-1-p1",
            "page": 1, "scope": "本周", "from": day, "to": day, "subject": "行政许可事项", "measure": "受理",
            "value": n, "unit": "件", "text": f"受理{n}件", "derived": False}])
    writer.commit()
    store.mark_complete(gen, engine.SCHEMA_VERSION)
    store.swap_in(tmp_path, gen)
    html = create_app({"INDEX_DIR": str(tmp_path), "TESTING": True}).test_client().get("/stats").get_data(as_text=True)
    weekly = html[html.index('id="panel-weekly"'):html.index('id="panel-monthly"')]
    table = weekly[weekly.index("<tbody>"):]
    assert table.count('href="/issues/') == SERVER_ROWS
    assert table.index(f">受理{SERVER_ROWS + 30}件<") < table.index(">受理31件<")  # newest first
    assert ">受理30件<" not in table
    assert "另有更早的 30 期未列出" in weekly
    assert '"受理1件"' in weekly  # the chart's data still holds every point
