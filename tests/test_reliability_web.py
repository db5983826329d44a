"""The web front-end under attack, beyond tests/test_web_fuzz.py: markup inside a bulletin's own
text and headings and inside every parameter is escaped on every page, in the API and in the CSV
export; `/issues/<id>` paths never reach a file outside the archive and are never a 500; oversized
requests are cut or refused politely (400), never a 500."""
from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","点我")'
CANARY = "CANARY-6d1f0e-outside-the-archive"

# Our own bulletin: the payloads in a heading, in a paragraph's middle and at a paragraph's start.
HOSTILE_BULLETIN = f"""窗口工作周报

2024年第7期（总第480期）

四川省政府政务服务和公共资源交易服务中心 2024年2月23日

政务服务工作

（2月19日—2月23日）

一、窗口工作动态

（一）{SCRIPT}专项整治工作情况

（1）2月20日，交通运输厅窗口受理一份名为{SCRIPT}的申报附件，附件说明写有{IMG}字样，窗口已登记并退回申请人重新提交，琵琶湖测试词。

{FORMULA}为附件中的一段文字，窗口已告知企业琵琶湖测试词不能作为申报材料。
"""
ISSUE_ID = "2024-w7"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from indexer.search.indexing import index_paths

    root = tmp_path_factory.mktemp("web-attack")
    (root / "archive").mkdir()
    (root / "archive" / "hostile.txt").write_text(HOSTILE_BULLETIN, encoding="utf-8")
    (root / "secret.txt").write_text(CANARY, encoding="utf-8")  # beside the archive and the index
    (root / "index" / "secret.txt").parent.mkdir()
    (root / "index" / "secret.txt").write_text(CANARY, encoding="utf-8")
    report = index_paths([str(root / "archive")], root / "index")
    assert report.new == 1 and not report.refused
    return root


@pytest.fixture(scope="module")
def client(archive):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(archive / "index")}).test_client()


class _Markup(HTMLParser):
    """What a browser would make of a page: its elements, attributes and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _no_live_markup(html: str) -> str:
    """Assert that nothing in the page runs or loads what a bulletin or a request put there;
    returns the page's text as a browser shows it."""
    page = _Markup(html)
    for tag, attrs in page.tags:
        assert tag != "img" or attrs.get("src") != "x", (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any((attrs.get(name) or "").strip().lower().startswith("javascript:")
                       for name in ("href", "src", "action", "formaction")), (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), (tag, attrs)
    return "".join(page.text)


def test_the_hostile_bulletin_is_indexed_with_its_markup_as_text(client):
    reply = client.get("/api/search?q=琵琶湖测试词").get_json()
    assert reply["total"] >= 1 and {h["issue_id"] for h in reply["hits"]} == {ISSUE_ID}
    assert any("<script>" in " ".join(h["heading"]) for h in reply["hits"])  # plain data in JSON


def test_bulletin_markup_is_escaped_in_the_api_snippets(client):
    response = client.get("/api/search", query_string={"q": "申报附件"})
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    hits = response.get_json()["hits"]
    assert hits
    for hit in hits:
        assert hit["snippet"].replace("<mark>", "").replace("</mark>", "").count("<") == 0
        _no_live_markup(hit["snippet"])
    assert any("&lt;script&gt;" in h["snippet"] for h in hits)


@pytest.mark.parametrize("url", [
    "/?q=申报附件", "/?q=专项整治", "/?q=琵琶湖测试词", "/?q=&sort=newest",
    f"/issues/{ISSUE_ID}", f"/issues/{ISSUE_ID}?q=申报附件", f"/issues/{ISSUE_ID}?q=script",
    f"/issues/{ISSUE_ID}?q=" + quote(SCRIPT), f"/issues/{ISSUE_ID}?q=" + quote(IMG),
    f"/issues/{ISSUE_ID}?q=onerror", f"/issues/{ISSUE_ID}?q=img",
])
def test_bulletin_markup_is_escaped_on_every_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = _no_live_markup(response.get_data(as_text=True))
    assert SCRIPT in text, url  # shown as the text it is
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["q", "department", "year", "type", "kind", "from", "to", "sort",
                                  "page", "per_page"])
@pytest.mark.parametrize("payload", [SCRIPT, IMG, "javascript:alert(1)", "';alert(1)//"])
def test_markup_in_any_parameter_is_escaped_on_the_page_and_in_the_error(client, name, payload):
    page = client.get("/", query_string={name: payload, "q": "琵琶湖测试词"} if name != "q"
                      else {"q": payload})
    assert page.status_code in (200, 400)
    _no_live_markup(page.get_data(as_text=True))
    api = client.get("/api/search", query_string={name: payload})
    assert api.status_code in (200, 400) and api.mimetype == "application/json"
    export = client.get("/export.csv", query_string={name: payload})
    assert export.status_code in (200, 400)
    if export.status_code == 400:
        _no_live_markup(export.get_data(as_text=True))


def test_the_csv_export_holds_the_markup_as_plain_text_and_defuses_formulas(client):
    response = client.get("/export.csv", query_string={"q": "琵琶湖测试词"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) >= 2
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells
    assert any(SCRIPT in cell for cell in cells)  # a spreadsheet shows it as the text it is


# ------------------------------------------------------------------------------- /issues/<id>

HOSTILE_IDS = [
    "..", "...", "../secret.txt", "..%2fsecret.txt", "..%2f..%2fsecret.txt", "%2e%2e%2fsecret.txt",
    "%252e%252e%252fsecret.txt", "..%5csecret.txt", "..\\secret.txt", f"{ISSUE_ID}%2f..%2f..%2fsecret.txt",
    f"{ISSUE_ID}%00", f"{ISSUE_ID}%00.json", "%00", "secret.txt", "secret", "files", "CURRENT",
    "gen-000001", ".lock", "bulletins", f"..%2f{ISSUE_ID}", "%2fetc%2fpasswd", "%2e%2e", "~",
    "%c0%ae%c0%ae%2fsecret.txt", "%ef%bc%8e%ef%bc%8e%ef%bc%8fsecret.txt", "con", "nul", "a" * 64,
    "a" * 65, "7" * 5000, "w" * 100_000, ISSUE_ID.upper(), ISSUE_ID + ".", ISSUE_ID + "%20",
    quote("第7期"), "%ff%fe", "%", "%zz",
]


@pytest.mark.parametrize("issue_id", HOSTILE_IDS, ids=lambda s: s[:30])
@pytest.mark.parametrize("suffix", ["", "/source", "/source/..", "/../source"])
def test_hostile_issue_paths_are_never_a_500_nor_a_file_outside_the_archive(client, issue_id, suffix):
    response = client.get(f"/issues/{issue_id}{suffix}")
    assert response.status_code in (200, 301, 308, 400, 404), (issue_id, suffix, response.status_code)
    body = response.get_data()
    assert CANARY.encode() not in body
    assert b"Traceback" not in body
    if response.status_code == 200:  # only the one real bulletin (e.g. a normalised path to it)
        assert "琵琶湖测试词".encode() in body


def test_the_real_issue_and_its_source_are_served(client, archive):
    assert client.get(f"/issues/{ISSUE_ID}").status_code == 200
    with client.get(f"/issues/{ISSUE_ID}/source") as source:
        assert source.status_code == 200 and "琵琶湖测试词".encode() in source.get_data()
        # the original .txt holds the markup raw: it must never be served as a page a browser runs
        assert source.mimetype == "text/plain" and source.headers["X-Content-Type-Options"] == "nosniff"
        assert "script-src 'self'" in source.headers["Content-Security-Policy"]


# ------------------------------------------------------------------------------- oversized input

@pytest.mark.parametrize("path", ["/", "/api/search", "/export.csv"])
@pytest.mark.parametrize("query_string", [
    "q=" + "窗" * 20_000,  # 60 KB of UTF-8, percent-encoded three times that
    "q=" + "a" * 300,
    "q=" + "窗口%20" * 150,
    "&".join(["year=2024"] * 2000),
    "&".join(f"department={'部' * 50}{n}" for n in range(100)),
    "q=琵琶湖&" + "x" * 200_000,
    "page=" + "9" * 5000,
    "per_page=" + "9" * 5000,
])
def test_oversized_requests_are_refused_politely(client, path, query_string):
    query_string = quote(query_string, safe="=&%")  # as a browser sends it
    response = client.get(path, environ_overrides={"QUERY_STRING": query_string})
    assert response.status_code in (200, 400), response.status_code
    if len(query_string.encode()) > 4096 or query_string.startswith("q=a"):
        assert response.status_code == 400
    if path == "/api/search" and response.status_code == 400:
        assert response.get_json()["error"]
    if path == "/" and response.status_code == 400:
        assert "<html" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("query_string", ["q=" + "窗" * 20_000, "q=" + quote(SCRIPT) * 500,
                                          "q=琵琶湖&" + "x" * 200_000])
def test_an_oversized_highlight_query_on_a_bulletin_is_cut_or_refused(client, query_string):
    query_string = quote(query_string, safe="=&%")
    response = client.get(f"/issues/{ISSUE_ID}", environ_overrides={"QUERY_STRING": query_string})
    assert response.status_code in (200, 400)
    _no_live_markup(response.get_data(as_text=True))
