"""GET /export.csv: the whole current result set (capped) as a CSV that Excel and WPS open with its
Chinese intact: UTF-8 with a BOM, CRLF lines, one row a hit, with a link to the source paragraph.

Cells a spreadsheet would read as a formula (= + - @, tab, CR first) get a leading apostrophe."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from ..citing import citation, issue_number, period_text
from ..searching import get_service, request_pairs

bp = Blueprint("export", __name__)

# 引用 is the citation a report quotes (citing.py); 原文段落链接 the paragraph's permalink.
COLUMNS = ("公报", "期次", "总期", "发布日期", "统计周期", "类型", "栏目", "标题层级", "部门", "摘要",
           "段落全文", "页码", "引用", "原文段落链接", "原文件链接")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARK = re.compile(r"</?mark>")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def snippet_text(snippet: str) -> str:
    """The service's snippet (escaped text with <mark>) back to plain text for a spreadsheet."""
    return html.unescape(_MARK.sub("", snippet or ""))


def hit_row(hit: dict, site: str, issue: dict | None = None) -> list[str]:
    """One row; ``issue`` is the hit's issue summary (number, total, period), when known."""
    issue = issue or {}
    return [safe_cell(v) for v in (
        hit.get("issue_title"),
        issue_number(issue) if issue.get("number") else "",
        f"总第{issue['total_number']}期" if issue.get("total_number") else "",
        hit.get("published"), period_text(issue), hit.get("kind"), hit.get("type"),
        " > ".join(hit.get("heading") or []), "、".join(hit.get("departments") or []),
        snippet_text(hit.get("snippet")), hit.get("paragraph_text") or snippet_text(hit.get("snippet")),
        hit.get("page"), citation(issue, hit.get("page")) if issue.get("number") else "",
        site + hit["url"], site + hit["source_url"] if hit.get("source_url") else "",
    )]


def csv_bytes(hits: list[dict], site: str, issues: dict | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for hit in hits:
        writer.writerow(hit_row(hit, site, (issues or {}).get(hit.get("issue_id"))))
    return buffer.getvalue().encode("utf-8-sig")


@bp.get("/export.csv")
def export_csv():
    # a bad parameter reaches webapp.errors, which answers 400 with the page's Chinese message
    hits = get_service().export_hits(request_pairs(), limit=current_app.config["EXPORT_LIMIT"])
    issues = {item["id"]: item for item in get_service().issues()}
    query = request.args.get("q", "").strip()
    name = f"公报检索_{query[:30] or '全部'}_{date.today().isoformat()}.csv"
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", name)
    return Response(csv_bytes(hits, request.host_url.rstrip("/"), issues), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f"attachment; filename=\"bulletin-search.csv\"; filename*=UTF-8''{quote(name)}"})
