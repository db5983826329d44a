"""One `bulletin-search index` run over a messy folder: every bad file beside the good bulletins is
refused in exactly one stderr line naming it, every good bulletin is searchable afterwards, and
the exit status is 1. (tests/test_cli_parse.py checks the same files one at a time with `parse`.)"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from indexer.cli import main
from indexer.demo.archive import archive_manifest, write_demo_archive
from indexer.parsing import reading
from indexer.search.service import open_service
from tests.conftest import CORPUS_BAD, READ_BY_OCR

GOOD_ISSUES = 5
SEED = 606



def _blank_pdf(path: Path, pages: int, text=None) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for number in range(pages):
        if text:
            pdf.drawString(72, 720, text.format(number + 1))
        pdf.showPage()
    pdf.save()


def write_generated_bad_files(folder: Path) -> dict[str, str]:
    """The generated bad files of issue 6; returns name -> the words its refusal must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zero.pdf").write_bytes(b"")
    _blank_pdf(folder / "blank-pages.pdf", 3)
    (folder / "error-page.pdf").write_bytes(
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n")
    (folder / "noise.txt").write_bytes(random.Random(SEED).randbytes(8192))
    # a sparse file: far above the limit on disk, costs no disk space and must never be read whole
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(reading.MAX_TEXT_BYTES * 8)
    _blank_pdf(folder / "report-300-pages.pdf", 300, "page {}")
    return {
        "zero.pdf": "empty file",
        "blank-pages.pdf": "no text",
        "error-page.pdf": "HTML page",
        "noise.txt": "not readable text",
        "huge.txt": "far larger than any bulletin",
        "report-300-pages.pdf": "300 pages",
    }


def write_good_bulletins(folder: Path) -> dict[str, str]:
    """Demo bulletins as UTF-8 text, two of them re-encoded as UTF-16 (with and without a BOM);
    returns issue id -> a phrase from its own text to search for."""
    write_demo_archive(folder, issues=GOOD_ISSUES, seed=SEED, formats=("txt",))
    manifest = archive_manifest(GOOD_ISSUES, seed=SEED)
    for (stem, _), codec in zip(manifest[-2:], ("utf-16", "utf-16-le")):
        path = folder / f"{stem}.txt"
        path.write_bytes(path.read_text(encoding="utf-8").encode(codec))
    return dict(id_and_phrase(folder / f"{stem}.txt") for stem, _ in manifest)


def id_and_phrase(path: Path) -> tuple[str, str]:
    """The issue id the parser gives the file, and a dozen characters from the middle of its
    longest paragraph: its own words."""
    from indexer.parsing.parser import parse_file

    bulletin = parse_file(str(path))
    text = max((p.text for s in bulletin.sections for p in s.paragraphs), key=len)
    middle = len(text) // 2
    return bulletin.issue.id, "".join(ch for ch in text[middle:middle + 12] if ch.strip() and ch not in '"-')


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_one_index_run_refuses_each_bad_file_once_and_indexes_every_good_one(
        tmp_path, corpus_dir, capsys, monkeypatch):
    good = write_good_bulletins(tmp_path / "good")
    generated = write_generated_bad_files(tmp_path / "bad")
    expected = {str((tmp_path / "bad" / name).resolve()): reason for name, reason in generated.items()}
    expected.update({str((corpus_dir / "bad" / name).resolve()): reason
                     for name, reason in CORPUS_BAD.items()})
    assert set(CORPUS_BAD) | {"gb18030.txt"} | READ_BY_OCR == {p.name for p in (corpus_dir / "bad").iterdir()}

    # the oversized text must be refused by its size, never read into memory
    read_whole = []
    real_read_bytes = reading._read_bytes
    monkeypatch.setattr(reading, "_read_bytes", lambda path: read_whole.append(path) or real_read_bytes(path))

    status = main(["index", str(tmp_path / "good"), str(tmp_path / "bad"), str(corpus_dir / "bad"),
                   "--index-dir", str(tmp_path / "ix")])
    out, err = capsys.readouterr()
    assert status == 1
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    for path, reason in expected.items():
        naming = [line for line in lines if path in line]
        assert len(naming) == 1, (path, lines)
        assert naming[0].startswith("refused: ") and reason in naming[0], naming[0]
    assert len(lines) == len(expected), lines  # nothing else on stderr
    assert not any(p.endswith("huge.txt") for p in read_whole)
    # 5 generated bulletins + the GB18030 copy of a real one
    assert out.startswith(f"indexed {GOOD_ISSUES + 1} new, 0 replaced, 0 unchanged, {len(expected)} refused")

    service = open_service(tmp_path / "ix")
    assert service.stats()["issues"] == GOOD_ISSUES + 1
    for issue_id, phrase in good.items():
        reply = service.search_params([("q", f'"{phrase}"'), ("per_page", "50")])
        assert issue_id in {h["issue_id"] for h in reply["hits"]}, (issue_id, phrase)
    gb = service.search_params([("q", "水利厅"), ("per_page", "50")])
    assert any(h["source_url"].startswith("/issues/") for h in gb["hits"])
    assert service.source_file(gb["hits"][0]["issue_id"]) is not None

    # a second run: the good ones are unchanged, the bad ones refused again in the same lines
    assert main(["index", str(tmp_path / "good"), str(tmp_path / "bad"), str(corpus_dir / "bad"),
                 "--index-dir", str(tmp_path / "ix")]) == 1
    again = capsys.readouterr()
    # (the scan of 2022-w14, read by OCR, is a copy of the GB18030 text's issue: unchanged too)
    assert again.out.startswith(f"indexed 0 new, 0 replaced, {GOOD_ISSUES + 1 + len(READ_BY_OCR)} unchanged")
    assert sorted(again.err.strip().splitlines()) == sorted(lines)
