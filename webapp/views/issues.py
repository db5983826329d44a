"""GET /issues/<id>: one whole bulletin; GET /issues/<id>/source: its original file.

Ids are looked up in the index, never used as paths; an id that is not one gets 404."""
from __future__ import annotations

import os
import re
import zlib
from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request, send_file

from indexer.names import readable_name
from indexer.search.params import NAMES

from ..citing import citation, download_name
from ..highlight import highlight
from ..searching import get_service
from ..urls import search_url

bp = Blueprint("issues", __name__)

# What an issue id can look like (2022-w40, 2025-m11; the store allows the same); anything else is
# a 404 before the index is asked.
ISSUE_ID = re.compile(r"(?!.*\.\.)[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


def _lookup(issue_id: str) -> dict:
    if not ISSUE_ID.fullmatch(issue_id):
        abort(404)
    bulletin = get_service().issue(issue_id)
    if bulletin is None:
        abort(404)
    return bulletin


def _repeats_paragraph(title: str, paragraph: dict | None) -> bool:
    """An item's heading is often just the start of its first paragraph (``（1）自然资源厅以…``);
    the view shows the paragraph, not the same words twice."""
    if paragraph is None:
        return False
    stem = title.rstrip("…").rstrip(".").strip()
    return bool(stem) and paragraph["text"].lstrip().startswith(stem)


def section_blocks(bulletin: dict, marker) -> list[dict]:
    """The sections in order, each with the headings that start there (those its path does not share
    with the previous section's), its paragraphs highlighted, and a page marker where a page starts."""
    paragraph_ids = {p["id"] for s in bulletin["sections"] for p in s["paragraphs"]}
    blocks, previous_heading, previous_page = [], [], None
    for section in bulletin["sections"]:
        heading = section.get("heading") or []
        shared = 0
        while (shared < min(len(heading), len(previous_heading))
               and heading[shared] == previous_heading[shared]):
            shared += 1
        paragraphs = []
        for paragraph in section["paragraphs"]:
            page = paragraph.get("page")
            paragraphs.append({"id": paragraph["id"], "page": page,
                               "new_page": page is not None and page != previous_page,
                               "html": highlight(paragraph["text"], marker),
                               "citation": citation(bulletin["issue"], page),
                               "ocr": paragraph.get("ocr")})
            if page is not None:
                previous_page = page
        # A page starting with the section is marked above its headings, not inside it.
        page_before = None
        if paragraphs and paragraphs[0]["new_page"]:
            page_before, paragraphs[0]["new_page"] = paragraphs[0]["page"], False
        blocks.append({
            "id": section["id"] if section["id"] not in paragraph_ids else None,
            "page_before": page_before,
            "headings": [{"level": min(depth + 2, 5), "html": highlight(text, marker)}
                         for depth, text in enumerate(heading)
                         if depth >= shared and not (
                             depth == len(heading) - 1 and depth > 0
                             and _repeats_paragraph(text, (section["paragraphs"] or [None])[0]))],
            "type": section.get("type"), "departments": section.get("departments") or [],
            "paragraphs": paragraphs,
        })
        previous_heading = heading
    return blocks


def search_back_url() -> str | None:
    """The search this view was opened from: a hit's link carries the search's parameters
    (urls.paragraph_link), so 返回检索结果 is that search again, filters, sort and page included."""
    pairs = [(n, v) for n, v in request.args.items(multi=True) if n in NAMES and v.strip()]
    return search_url(pairs) if pairs else None


@bp.get("/issues/<issue_id>")
def show(issue_id: str):
    bulletin = _lookup(issue_id)
    service = get_service()
    query = request.args.get("q", "")[: current_app.config["MAX_QUERY_CHARS"]]
    has_source = service.source_file(issue_id) is not None
    blocks = section_blocks(bulletin, service.marker(query))
    marks = sum(str(p["html"]).count("<mark>") for b in blocks for p in b["paragraphs"])
    previous, following = service.neighbours(issue_id)
    return render_template("issue.html", issue=bulletin["issue"], query=query, blocks=blocks,
                           marks=marks, has_source=has_source, back_url=search_back_url(),
                           previous=previous, following=following,
                           site=request.host_url.rstrip("/"),
                           damaged_pages=bulletin.get("damaged_pages") or [])


def _text_mimetype(path: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
        return "text/plain; charset=utf-8"
    except UnicodeDecodeError as error:
        if error.start > len(head) - 4:  # a character cut by the 64 KiB window
            return "text/plain; charset=utf-8"
        return "text/plain; charset=gb18030"


def _etag(path: str) -> str:
    """Werkzeug's own etag encodes the path as UTF-8, which a GBK file name cannot be."""
    st = os.stat(path)
    return f"{st.st_mtime}-{st.st_size}-{zlib.adler32(os.fsencode(path)) & 0xFFFFFFFF}"


@bp.get("/issues/<issue_id>/source")
def source(issue_id: str):
    if not ISSUE_ID.fullmatch(issue_id):
        abort(404)
    path = get_service().source_file(issue_id)
    if not path or not os.path.isfile(path):
        abort(404)
    mimetype = "application/pdf" if str(path).lower().endswith(".pdf") else _text_mimetype(path)
    # Shown inline, but saved under the issue's name (窗口工作周报2022年第40期.pdf), not the
    # archive's file name, which is often a hash or a date.
    bulletin = get_service().issue(issue_id) or {}
    name = download_name(bulletin.get("issue") or {}, path) if bulletin else readable_name(path)
    response = send_file(os.path.abspath(path), as_attachment=False, mimetype=mimetype,
                         download_name=name, conditional=True, etag=_etag(path))
    response.headers["Content-Type"] = mimetype  # send_file adds a second charset to a text type
    # the ASCII fallback Werkzeug derives from a Chinese name is a few stray digits: use the id
    suffix = os.path.splitext(name)[1]
    response.headers["Content-Disposition"] = (
        f"inline; filename=\"{issue_id}{suffix}\"; filename*=UTF-8''{quote(name, safe='')}")
    return response
