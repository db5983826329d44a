"""Plain-text renderings for the terminal: a parsed bulletin, and a search reply."""
from __future__ import annotations

import html
import re

from .model import Bulletin


def bulletin_as_text(bulletin: Bulletin) -> str:
    issue = bulletin.issue
    out = [
        f"{issue.title}  [{issue.id}]",
        f"kind {issue.kind}  number {issue.number}  total {issue.total_number if issue.total_number is not None else '-'}"
        f"  published {issue.published.isoformat()}  period {issue.period[0].isoformat()} – {issue.period[1].isoformat()}",
        f"source {issue.source_path}  sha256 {issue.sha256[:12]}…",
        "",
    ]
    for section in bulletin.sections:
        departments = "、".join(section.departments) or "-"
        out.append(f"== {section.id}  {' > '.join(section.heading)}")
        out.append(f"   type {section.type}  departments {departments}")
        for paragraph in section.paragraphs:
            page = f"p.{paragraph.page}" if paragraph.page is not None else "   "
            out.append(f"   [{page}] {paragraph.text}")
        out.append("")
    return "\n".join(out)


def lines_as_text(bulletin: Bulletin) -> str:
    """Every line of the file, in order, with the section it went to or the class it is."""
    out = ["== lines: where each went"]
    for placement in bulletin.lines:
        page = f"p.{placement.page}" if placement.page is not None else "   "
        where = placement.section or f"({placement.cls})"
        out.append(f"{placement.number:>4} {page:>5}  {where:<22} {placement.text}")
    return "\n".join(out) + "\n"


def _plain(snippet: str) -> str:
    """A snippet's HTML to terminal text: matches in 【】, entities decoded."""
    return html.unescape(re.sub(r"</?mark>", lambda m: "】" if m.group(0) == "</mark>" else "【", snippet))


def results_as_text(reply: dict) -> str:
    out = [f"{reply['total']} results for {reply['query']!r} (page {reply['page']}, {reply['took_ms']} ms)"]
    if reply.get("message"):
        out.append(reply["message"])
    if reply.get("did_you_mean"):
        out.append(f"did you mean: {reply['did_you_mean']}")
    for number, hit in enumerate(reply["hits"], start=(reply["page"] - 1) * reply["per_page"] + 1):
        departments = "、".join(hit["departments"]) or "-"
        page = f" 第{hit['page']}页" if hit.get("page") else ""
        out.append(f"{number:>3}. {hit['issue_title']} ({hit['published']}) {' > '.join(hit['heading'])}")
        out.append(f"     {hit['type']} | {departments} | {hit['url']}{page}")
        out.append(f"     {_plain(hit['snippet'])}")
    return "\n".join(out) + "\n"


def issues_as_text(issues: list[dict]) -> str:
    """The issue list, one line an issue: id, title and number, total, published, period, sections."""
    out = [f"{len(issues)} issues"]
    for item in issues:
        total = f"总第{item['total_number']}期" if item.get("total_number") else "-"
        period = " – ".join(item.get("period") or []) or "-"
        out.append(f"{item['id']:<10} {item['title']}  {total}  "
                   f"published {item['published']}  period {period}  {item['sections']} sections")
    return "\n".join(out) + "\n"
