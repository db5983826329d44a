"""What a person sees of a scanned page on the bulletin view, in a real browser (Debian's
chromium through Playwright): the 「OCR识别」 badge beside each paragraph read from the scan, its
tooltip saying how sure the reading is, and its link to that page of the original file."""
from __future__ import annotations

import threading

import pytest

from indexer.parsing import ocr

from .conftest import CORPUS_DIR, needs_corpus
from .scans import make_scan
from .test_browser import CHROMIUM, OUTPUT, browser, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    needs_corpus,
    pytest.mark.skipif(not ocr.available(), reason="Tesseract with chi_sim is not installed (`make ocr`)"),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from werkzeug.serving import make_server

    from indexer.search.indexing import index_paths
    from webapp import create_app

    folder = tmp_path_factory.mktemp("scanned-archive")
    make_scan(CORPUS_DIR / "002_791b0b33f42eefcb.pdf", folder / "2022-14.pdf", seed=7, pages=[2])
    index_paths([str(folder)], str(folder / "idx"))
    server = make_server("127.0.0.1", 0, create_app({"INDEX_DIR": str(folder / "idx")}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="web-under-test", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_badge_marks_what_ocr_read_and_links_to_the_page(base_url, page):  # noqa: F811
    page.goto(f"{base_url}/issues/2022-w14")
    badges = page.locator(".paragraph-ocr .ocr-badge")
    assert badges.count() >= 3
    first = badges.first
    assert first.is_visible() and first.inner_text() == "OCR识别"
    assert "置信度" in first.get_attribute("title")
    assert first.get_attribute("href").endswith("/issues/2022-w14/source#page=3") or \
        first.get_attribute("href").endswith("#page=2")  # the paragraph running onto the scan starts on page 2
    # Paragraphs of the text pages carry no badge.
    plain = page.locator(".paragraph:not(.paragraph-ocr)")
    assert plain.count() > badges.count()
    assert page.locator(".paragraph:not(.paragraph-ocr) .ocr-badge").count() == 0
    OUTPUT.mkdir(exist_ok=True)
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "bulletin-ocr-badge.png"))
