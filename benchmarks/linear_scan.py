"""The baseline: answering a query by scanning every parsed section's text, as Ctrl+F over a folder
of bulletins amounts to. It honours the same words, filters, facet counts, sort and paging as the
service, so that the two are timed doing the same job.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from indexer.parsing.departments import canonical_department, written_forms
from indexer.parsing.model import Bulletin


@dataclass
class ScanDoc:
    text: str  # whitespace removed, as Ctrl+F over extracted text sees it
    departments: tuple[str, ...]
    year: str
    type: str
    kind: str
    published: str


def scan_docs(bulletins: list[Bulletin]) -> list[ScanDoc]:
    return [
        ScanDoc(re.sub(r"\s+", "", section.text), tuple(section.departments), str(b.issue.year),
                section.type, b.issue.kind, b.issue.published.isoformat())
        for b in bulletins for section in b.sections
    ]


def _terms(query: str) -> tuple[list[list[str]], list[str]]:
    """Required alternatives (each a list of forms, one must occur) and excluded words."""
    required: list[list[str]] = []
    excluded: list[str] = []
    words = re.findall(r'"[^"]*"|\S+', query)
    index = 0
    while index < len(words):
        word = words[index].strip('"')
        if words[index] == "OR" or not word:
            index += 1
            continue
        if word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
            index += 1
            continue
        forms = written_forms(canonical_department(word)) if canonical_department(word) else [word]
        while index + 2 < len(words) and words[index + 1] == "OR":
            forms.append(words[index + 2].strip('"'))
            index += 2
        required.append(forms)
        index += 1
    return required, excluded


def linear_search(docs: list[ScanDoc], params: list[tuple[str, str]], per_page: int = 20) -> dict:
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    required, excluded = _terms(" ".join(values.get("q", [""])))
    filters = {name: set(values[name]) for name in ("department", "year", "type", "kind") if name in values}
    if "department" in filters:
        filters["department"] = {canonical_department(d) or d for d in filters["department"]}
    start, end = values.get("from", [""])[0], values.get("to", ["9999"])[0]

    def matches_query(doc: ScanDoc) -> bool:
        return (all(any(form in doc.text for form in forms) for forms in required)
                and not any(word in doc.text for word in excluded))

    def passes(doc: ScanDoc, skip: str = "") -> bool:
        return all(
            name == skip or (set(doc.departments) & allowed if name == "department" else getattr(doc, name) in allowed)
            for name, allowed in filters.items()
        ) and start <= doc.published <= end

    matched = [doc for doc in docs if matches_query(doc)]
    facets = {}
    for name in ("department", "year", "type", "kind"):
        counts: Counter = Counter()
        for doc in matched:
            if passes(doc, skip=name):
                counts.update(doc.departments if name == "department" else [getattr(doc, name)])
        facets[name] = counts.most_common()
    hits = [doc for doc in matched if passes(doc)]
    hits.sort(key=lambda d: d.published, reverse=values.get("sort", ["newest"])[0] != "oldest")
    page = int(values.get("page", ["1"])[0])
    shown = hits[(page - 1) * per_page: page * per_page]
    snippets = []
    for doc in shown:
        first = next((form for forms in required for form in forms if form in doc.text), "")
        at = doc.text.find(first) if first else 0
        snippet = html.escape(doc.text[max(0, at - 40): at + 80])
        snippets.append(snippet.replace(html.escape(first), f"<mark>{html.escape(first)}</mark>") if first else snippet)
    return {"total": len(hits), "facets": facets, "snippets": snippets}
