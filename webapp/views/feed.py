"""GET /feed.atom: an Atom feed of a search (the /api/search parameters), newest first, one entry
per matching section, linking to its paragraph. A clerk subscribes to ``应急厅`` in a feed reader
and sees each new issue that mentions the department."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, Response, request

from indexer.search.params import FILTERS, LABELS

from ..searching import get_service, request_pairs
from ..urls import paragraph_link, search_url
from .export import snippet_text

bp = Blueprint("feed", __name__)

FEED_ENTRIES = 50  # a reader polls; the newest sections are what it has not seen
CHINA = timezone(timedelta(hours=8))  # the bulletins are dated in Sichuan
AUTHOR = "四川省政府政务服务和公共资源交易服务中心"


def feed_pairs(pairs):
    """The search as a feed asks it: newest first, one page of entries, whatever the page said."""
    kept = [(n, v) for n, v in pairs if n not in ("sort", "page", "per_page")]
    per_page = next((v for n, v in pairs if n == "per_page"), None)
    return kept + [("sort", "newest"), ("per_page", per_page or str(FEED_ENTRIES))]


def feed_title(pairs) -> str:
    words = " ".join(v for n, v in pairs if n == "q" and v.strip())
    filters = "，".join(f"{LABELS[n]}：{v}" for n, v in pairs if n in FILTERS)
    what = "；".join(x for x in (f"“{words}”" if words else "", filters) if x) or "全部公报"
    return f"政务服务公报检索 · {what}"


def _dated(day: str) -> datetime:
    return datetime.combine(datetime.fromisoformat(day).date(), time(9, 0), CHINA)


def atom_bytes(reply: dict, pairs, site: str, self_url: str) -> bytes:
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(feed_title(pairs))
    fg.author({"name": AUTHOR})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    query = [(n, v) for n, v in pairs if n not in ("sort", "per_page")]
    fg.link(href=site + search_url(query), rel="alternate", type="text/html")
    fg.language("zh-CN")
    hits = reply["hits"]
    words = [(n, v) for n, v in pairs if n == "q"]  # the paragraph opens with the query marked
    fg.updated(_dated(hits[0]["published"]) if hits else datetime(2000, 1, 1, tzinfo=CHINA))
    # feedgen puts the entry added last first in the file: add the oldest first
    for hit in reversed(hits):
        entry = fg.add_entry()
        entry.id(f"{site}/issues/{hit['issue_id']}#{hit['section_id']}")
        heading = " > ".join(hit.get("heading") or []) or hit.get("type") or ""
        entry.title(f"{hit['issue_title']} · {heading}" if heading else hit["issue_title"])
        entry.link(href=site + paragraph_link(hit["url"], words), rel="alternate", type="text/html")
        entry.published(_dated(hit["published"]))
        entry.updated(_dated(hit["published"]))
        entry.summary(snippet_text(hit.get("snippet")))
        for term in ([hit["type"]] if hit.get("type") else []) + list(hit.get("departments") or []):
            entry.category(term=term)
    return fg.atom_str(pretty=True)


@bp.get("/feed.atom")
def feed():
    # a bad parameter reaches webapp.errors, which answers 400 with the page's Chinese message
    pairs = request_pairs()
    reply = get_service().search_params(feed_pairs(pairs))
    site = request.host_url.rstrip("/")
    body = atom_bytes(reply, pairs, site, site + request.full_path.rstrip("?"))
    return Response(body, mimetype="application/atom+xml")
