"""Shared fixtures. The real bulletins are read from ../shared/corpus (or $BULLETIN_CORPUS_DIR) and
never copied into the repository; tests that need them skip with a clear reason when absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from indexer.parsing import ocr
from indexer.search.backends import ENGINES
from indexer.search.backends import ENV as ENGINE_ENV

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("BULLETIN_CORPUS_DIR") or REPO.parent / "shared" / "corpus")
SAMPLE_NAMES = ("000_1d6bcb462de667dc", "002_791b0b33f42eefcb", "004_2038efc021b4be03")
# corpus/bad/<name>: what its refusal line says (gb18030.txt is a good bulletin in another encoding)
CORPUS_BAD = {
    "empty.txt": "empty file",
    "encrypted.pdf": "password-protected",
    "image-named.pdf": "not a PDF at all",
    "not-a-bulletin.txt": "not a bulletin",
    "truncated.pdf": "damaged PDF",
}
# scanned.pdf is a scan of 2022-w14: read by OCR where Tesseract is installed (tests/test_ocr.py),
# else refused with the install hint.
READ_BY_OCR = {"scanned.pdf"} if ocr.available() else set()
if not READ_BY_OCR:
    CORPUS_BAD["scanned.pdf"] = "needs OCR; install Tesseract"


def corpus_available() -> bool:
    return all((CORPUS_DIR / f"{name}.pdf").is_file() for name in SAMPLE_NAMES)


needs_corpus = pytest.mark.skipif(
    not corpus_available(),
    reason=f"the real bulletins are not at {CORPUS_DIR} (set BULLETIN_CORPUS_DIR to point at shared/corpus)",
)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not corpus_available():
        pytest.skip(f"the real bulletins are not at {CORPUS_DIR} (set BULLETIN_CORPUS_DIR)")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_pdf_index(corpus_dir, tmp_path_factory) -> Path:
    """The three public bulletins indexed from their PDFs, built once for the whole session.
    Read-only: a test that changes an index builds its own."""
    from indexer.search.indexing import index_paths

    folder = tmp_path_factory.mktemp("corpus-pdf-index")
    report = index_paths([str(corpus_dir / f"{name}.pdf") for name in SAMPLE_NAMES], str(folder))
    assert (report.new, report.refused) == (3, []), report.summary()
    return folder


@pytest.fixture(scope="module", params=ENGINES)
def search_engine(request):
    """The conformance suite: a module using this fixture runs whole once per search engine. Its
    indexes are built with $BULLETIN_ENGINE set, which ``index_paths`` and the CLI honour (also in
    the processes a test starts), and the service opens whichever engine built the index."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENGINE_ENV, request.param)
        yield request.param
