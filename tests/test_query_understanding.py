"""Issue 12: the search reads queries the way staff type them. Each behaviour is checked through
the service, through /api/search (Flask's test client) and, where cheap, through the CLI, over a
real index of our own small bulletins (tests/test_index_samples) plus one written here."""
from __future__ import annotations

import json

import pytest

from indexer.cli import main
from indexer.search.analysis import compact
from indexer.search.indexing import index_paths
from indexer.search.service import open_service
from tests.samples import _section, parse_sample, sample_bulletins, write_samples

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def extra_bulletins():
    """Sections the shared samples lack: 商务厅 beside another department, a roll of names."""
    from datetime import date

    from indexer.parsing.model import Bulletin, Issue

    w41 = Issue(id="2022-w41", kind="周报", year=2022, number=41, total_number=416,
                published=date(2022, 12, 16), period=(date(2022, 12, 12), date(2022, 12, 16)),
                title="窗口工作周报 2022年第41期", source_path="", sha256="")
    return [Bulletin(w41, [
        _section("2022-w41", 1, ["厅局长进大厅"], "厅长进大厅", ["商务厅"],
                 "商务厅负责同志到政务大厅窗口坐班，现场解答外贸企业咨询。"),
        _section("2022-w41", 2, ["窗口工作动态"], "窗口动态", ["应急管理厅", "商务厅"],
                 "应急厅和商务厅窗口联合开展上门服务，走访园区企业。"),
        _section("2022-w41", 3, ["窗口工作动态"], "窗口动态", ["水利厅"],
                 "水利厅窗口上门服务灌区项目。"),
    ])]


def all_sections():
    return [(b, s) for b in sample_bulletins() + extra_bulletins() for s in b.sections]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("understanding")
    write_samples(root / "docs", bulletins=sample_bulletins() + extra_bulletins())
    index_paths([str(root / "docs")], root / "index", parse=parse_sample)
    return root / "index"


@pytest.fixture(scope="module")
def service(index_dir):
    return open_service(index_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def ids(service, q, *more):
    return [h["section_id"] for h in service.export_hits([("q", q), *more])]


def api(client, q, **more):
    response = client.get("/api/search", query_string={"q": q, "per_page": 100, **more})
    assert response.status_code == 200
    return response.get_json()


def cli_json(index_dir, capsys, *words):
    assert main(["search", *words, "--index-dir", str(index_dir), "--format", "json",
                 "--per-page", "100"]) == 0
    return json.loads(capsys.readouterr().out)


# --- 1. nothing searchable; -word excludes what the word finds --------------------------------

NOTHING = ["%", "(", "，", "AND", "OR", "的", "的 和", "和与及", "( AND )", '""', "-", "*:~"]


@pytest.mark.parametrize("q", NOTHING)
def test_nothing_searchable_finds_nothing_and_says_so(service, client, q):
    reply = service.search_params([("q", q)])
    assert reply["total"] == 0 and reply["hits"] == []
    assert "nothing searchable" in reply["message"]
    body = api(client, q)
    assert body["total"] == 0 and body["hits"] == [] and body["did_you_mean"] is None
    assert "nothing searchable" in body["message"]
    assert service.export_hits([("q", q)]) == []


def test_nothing_searchable_on_the_page_and_in_the_cli(client, index_dir, capsys):
    page = client.get("/", query_string={"q": "%"}).get_data(as_text=True)
    assert "检索词里没有可检索的内容" in page and "找到 <strong>0</strong> 条结果" in page
    assert main(["search", "的", "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 results") and "nothing searchable" in out
    assert cli_json(index_dir, capsys, "AND")["message"].startswith("nothing searchable")


def test_a_real_query_carries_no_message(client):
    body = api(client, "上门服务")
    assert body["total"] > 0 and "message" not in body and body["did_you_mean"] is None


def test_excluding_a_word_drops_exactly_what_the_word_finds(service, client):
    found = set(ids(service, "上门服务"))
    assert "2022-w40-s2" in found  # 上门辅导服务: the word's segments apart
    everything = {s.id for _b, s in all_sections()}
    assert set(ids(service, "-上门服务")) == everything - found
    assert {h["section_id"] for h in api(client, "-上门服务")["hits"]} == everything - found
    assert set(ids(service, "窗口 -上门服务")).isdisjoint(found)
