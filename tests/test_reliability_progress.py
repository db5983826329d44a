"""The progress bar on a terminal must never swallow the lines around it: the summary and every
refusal stay lines of their own as a terminal shows them."""
from __future__ import annotations

import io
import re
import sys

from indexer.cli import main
from indexer.demo.archive import write_demo_archive
from indexer.progress import ProgressBar, progress_for_terminal


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def shown_lines(written: str) -> list[str]:
    """What a terminal shows for text with carriage returns and erase-to-end-of-line codes."""
    lines = []
    for raw in written.split("\n"):
        screen: list[str] = []
        column = 0
        for piece in re.split(r"(\r|\x1b\[K)", raw):
            if piece == "\r":
                column = 0
            elif piece == "\x1b[K":
                del screen[column:]
            else:
                screen[column:column + len(piece)] = list(piece)
                column += len(piece)
        lines.append("".join(screen))
    return lines


def test_a_bar_over_no_files_ends_its_line():
    terminal = FakeTerminal()
    bar = progress_for_terminal(terminal)
    assert isinstance(bar, ProgressBar)
    bar(0, 0, "")
    assert terminal.getvalue().endswith("\n")


def test_the_bar_ends_its_line_when_done_however_fast(monkeypatch):
    terminal = FakeTerminal()
    bar = ProgressBar(terminal)
    for done in range(4):
        bar(done, 3, f"/x/{done}.txt")
    assert terminal.getvalue().endswith("\n") and terminal.getvalue().count("\n") == 1
    assert shown_lines(terminal.getvalue())[0].startswith("[" + "#" * 28 + "] 3/3")


def test_refusals_stay_lines_of_their_own_under_the_bar(tmp_path, monkeypatch, capsys):
    write_demo_archive(tmp_path / "docs", issues=2, seed=11, formats=("txt",))
    (tmp_path / "docs" / "0000_broken.txt").write_bytes(b"")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr("indexer.progress.REDRAW_SECONDS", 0.0)
    assert main(["index", str(tmp_path / "docs"), "--index-dir", str(tmp_path / "ix")]) == 1
    refusals = [line for line in shown_lines(terminal.getvalue()) if "refused:" in line]
    assert len(refusals) == 1 and refusals[0].startswith("refused: "), refusals
