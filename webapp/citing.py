"""How an issue and a paragraph are named for people: the citation a clerk pastes into a report,
and the file name the original downloads under. One place, used by the bulletin view, the CSV
export, the source download and the feed."""
from __future__ import annotations

import os
import re

SERIES = {"周报": "窗口工作周报", "月报": "政务窗口月报"}


def series_title(issue: dict) -> str:
    """窗口工作周报 or 政务窗口月报 (an issue's ``title`` also carries its number)."""
    return SERIES.get(issue.get("kind")) or "公报"


def issue_number(issue: dict) -> str:
    """``2022年第40期``: the number an issue carries in its year."""
    return f"{issue.get('year')}年第{issue.get('number')}期"


def issue_label(issue: dict) -> str:
    """``2022年第40期（总第415期）``; the running total only where the bulletin has one."""
    total = issue.get("total_number")
    return issue_number(issue) + (f"（总第{total}期）" if total else "")


def citation(issue: dict, page: int | None = None) -> str:
    """``《窗口工作周报》2022年第40期（总第415期），第5页`` (no page for a .txt source)."""
    return f"《{series_title(issue)}》{issue_label(issue)}" + (f"，第{page}页" if page else "")


def period_text(issue: dict) -> str:
    period = issue.get("period") or []
    return f"{period[0]}至{period[1]}" if len(period) == 2 else ""


def download_name(issue: dict, source_path: str) -> str:
    """``窗口工作周报2022年第40期.pdf``: the archive's own file names are often hashes or dates."""
    suffix = os.path.splitext(source_path)[1].lower() or ".pdf"
    name = f"{series_title(issue)}{issue_number(issue)}{suffix}"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)
