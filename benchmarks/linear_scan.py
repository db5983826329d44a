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
    section_id: str = ""


def scan_docs(bulletins: list[Bulletin]) -> list[ScanDoc]:
    return [
        ScanDoc(re.sub(r"\s+", "", section.text), tuple(section.departments), str(b.issue.year),
                section.type, b.issue.kind, b.issue.published.isoformat(), section.id)
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


def plain_search(docs: list[ScanDoc], params: list[tuple[str, str]], limit: int = 10) -> dict:
    """The least a scan must do for a reply: every word as typed by substring (no department
    aliases, no segmentation), the filters, department and year counts, the newest ``limit``
    hits; no snippets. The floor an index has to beat, where ``linear_search`` does the service's
    whole job."""
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    words = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', " ".join(values.get("q", [""])))]
    required = [w for w in words if w and w != "OR" and not w.startswith("-")]
    excluded = [w[1:] for w in words if w.startswith("-") and len(w) > 1]
    years = set(values.get("year", []))
    start, end = values.get("from", [""])[0], values.get("to", ["9999"])[0]
    hits = [d for d in docs
            if all(w in d.text for w in required) and not any(w in d.text for w in excluded)
            and (not years or d.year in years) and start <= d.published <= end]
    departments: Counter = Counter()
    for d in hits:
        departments.update(d.departments)
    return {"total": len(hits), "department": departments.most_common(),
            "year": Counter(d.year for d in hits).most_common(),
            "hits": sorted(hits, key=lambda d: d.published, reverse=True)[:limit]}


def ctrl_f_ids(docs: list[ScanDoc], params: list[tuple[str, str]]) -> set[str]:
    """The sections Ctrl+F finds for a query without exclusions: each word (or one of its OR
    alternatives) as typed, anywhere in the section, within the filters. An engine's matches
    must include all of them (recall 1.000)."""
    values: dict[str, list[str]] = {}
    for name, value in params:
        values.setdefault(name, []).append(value)
    groups: list[list[str]] = []
    words = re.findall(r'"[^"]*"|\S+', " ".join(values.get("q", [""])))
    i = 0
    while i < len(words):
        if words[i] == "OR":
            i += 1
            continue
        group = [words[i].strip('"')]
        while i + 2 < len(words) and words[i + 1] == "OR":
            group.append(words[i + 2].strip('"'))
            i += 2
        groups.append([w for w in group if w])
        i += 1
    filters = {name: set(values[name]) for name in ("year", "type", "kind") if name in values}
    wanted = {canonical_department(d) or d for d in values.get("department", [])}
    start, end = values.get("from", [""])[0], values.get("to", ["9999"])[0]
    return {d.section_id for d in docs
            if all(any(w in d.text for w in g) for g in groups if g)
            and all(getattr(d, name) in allowed for name, allowed in filters.items())
            and (not wanted or set(d.departments) & wanted) and start <= d.published <= end}
