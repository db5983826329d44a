"""`bulletin-search parse`: the JSON shape of docs/interface.md, and bad input refused in one clear line."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from indexer.cli import main

from .conftest import CORPUS_BAD, needs_corpus


@needs_corpus
def test_parse_json_has_the_contract_shape(corpus_dir, capsys):
    assert main(["parse", str(corpus_dir / "000_1d6bcb462de667dc.pdf"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"issue", "sections", "warnings"}
    assert set(out["issue"]) == {"id", "kind", "year", "number", "total_number", "published", "period",
                                 "title", "source"}
    assert set(out["issue"]["source"]) == {"path", "sha256"}
    section = out["sections"][0]
    assert set(section) == {"id", "heading", "type", "departments", "text", "paragraphs"}
    assert set(section["paragraphs"][0]) == {"id", "text", "page"}
    assert out["issue"]["id"] == "2022-w40" and out["issue"]["period"] == ["2022-11-21", "2022-11-25"]


@needs_corpus
def test_parse_text_format_is_readable(corpus_dir, capsys):
    assert main(["parse", str(corpus_dir / "004_2038efc021b4be03.txt")]) == 0
    out = capsys.readouterr().out
    assert "2025-m11" in out and "窗口资讯" in out and "住房城乡建设厅" in out


@needs_corpus
@pytest.mark.parametrize("name,reason", sorted(CORPUS_BAD.items()))
def test_bad_files_are_refused_in_one_line(corpus_dir, name, reason):
    path = corpus_dir / "bad" / name
    result = subprocess.run([sys.executable, "-m", "indexer.cli", "parse", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


@needs_corpus
def test_gb18030_copy_is_read_like_the_original(corpus_dir):
    from indexer.parsing.parser import parse_file

    original = parse_file(str(corpus_dir / "002_791b0b33f42eefcb.txt"))
    gb = parse_file(str(corpus_dir / "bad" / "gb18030.txt"))
    assert [s.to_dict() for s in gb.sections] == [s.to_dict() for s in original.sections]


@pytest.mark.parametrize("name,content,reason", [
    ("zero.pdf", b"", "empty file"),
    ("error-page.pdf", b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "HTML page"),
    ("noise.txt", os.urandom(4096), "not readable text"),
    ("huge.txt", "一、窗口工作动态\n".encode() * 200_000, "far larger than any bulletin"),
])
def test_generated_bad_files(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and reason in err[0]


def test_blank_pdf_is_refused(tmp_path, capsys):
    from reportlab.pdfgen import canvas

    path = tmp_path / "blank.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.showPage()
    pdf.showPage()
    pdf.save()
    assert main(["parse", str(path)]) == 1
    assert "no text" in capsys.readouterr().err


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["parse"])
    assert exit_info.value.code == 2


def test_a_300_page_pdf_is_refused_without_parsing_it(tmp_path, capsys):
    from reportlab.pdfgen import canvas

    path = tmp_path / "report-300-pages.pdf"
    pdf = canvas.Canvas(str(path))
    for number in range(300):
        pdf.drawString(72, 720, f"page {number + 1}")
        pdf.showPage()
    pdf.save()
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "300 pages" in err
