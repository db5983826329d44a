"""Property-based fuzzing of the web layer: no query string and no issue path is ever a 500, and
nothing a request says becomes a file read."""
from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMS = ["q", "department", "year", "type", "kind", "from", "to", "sort", "page", "per_page", "zzz"]
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["0", "-1", "1e9", "99999999999999999999", "2022", "2022-02-30", "0000-00-00",
                     "周报", "月报", "relevance", "newest", "oldest", "应急厅", "\x00", "%", '"', "-",
                     "OR", "AND", "<script>", "../../etc/passwd", " ", "NaN", "inf"]),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
)


@pytest.fixture(scope="module")
def client(corpus_pdf_index):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(corpus_pdf_index)}).test_client()


@FUZZ
@given(pairs=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=6))
def test_search_params_are_never_a_500(client, pairs):
    query = "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in pairs)
    api = client.get(f"/api/search?{query}")
    assert api.status_code in (200, 400), api.get_data(as_text=True)
    if api.status_code == 400:
        assert api.get_json()["error"]
    # the page may first redirect: empty parameters dropped, a page past the end to the last
    page = client.get(f"/?{query}", follow_redirects=True)
    assert page.status_code in (200, 400)
    assert client.get(f"/export.csv?{query}").status_code in (200, 400)


@FUZZ
@given(raw=st.binary(max_size=60))
def test_raw_query_string_bytes_are_never_a_500(client, raw):
    # as the bytes arrive on the wire, and percent-encoded (invalid UTF-8 sequences included)
    for query_string in (raw.decode("latin-1"), "q=" + quote_from_bytes(raw) + "&year=" + quote_from_bytes(raw[:4])):
        for path in ("/api/search", "/"):
            response = client.get(path, environ_overrides={"QUERY_STRING": query_string})
            if path == "/" and response.status_code == 302:  # to the same search, tidied
                response = client.get(response.headers["Location"])
            assert response.status_code in (200, 400)


@FUZZ
@given(issue_id=st.one_of(st.text(min_size=1, max_size=80),
                          st.sampled_from(["..", "../..", "/etc/passwd", "2022-w40/../../setup.cfg",
                                           "2022-w40\x00", "%2e%2e", "C:\\Windows", "2022-W40"])))
def test_issue_paths_are_never_a_500_nor_a_file_outside_the_archive(client, issue_id):
    for suffix in ("", "/source"):
        response = client.get(f"/issues/{quote(issue_id, safe='')}{suffix}")
        assert response.status_code in (200, 404, 308)
        if response.status_code == 200 and suffix:
            assert response.get_data().startswith(b"%PDF")


@FUZZ
@given(raw=st.binary(min_size=1, max_size=40))
def test_raw_path_bytes_are_never_a_500(client, raw):
    for suffix in ("", "/source"):
        response = client.get("/", environ_overrides={"PATH_INFO": "/issues/" + raw.decode("latin-1") + suffix})
        assert response.status_code in (200, 404, 308)

