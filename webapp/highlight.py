"""Highlighting the query in the bulletin view, on escaped text.

The text is split around the matches of the query terms; every piece is escaped and only our own
``<mark>`` tags are added, so nothing from a bulletin can ever become markup.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from indexer.departments import canonical_department, written_forms

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def _flatten(segments) -> list[str]:
    out: list[str] = []
    if isinstance(segments, str):
        return [segments]
    for item in segments or []:
        if isinstance(item, dict):
            if not item.get("excluded"):
                out += _flatten(item.get("segments") or item.get("word") or [])
        elif isinstance(item, (list, tuple)):
            out += _flatten(item)
        elif item is not None:
            out.append(str(item))
    return out


def query_terms(query: str, segments=None) -> list[str]:
    """The strings to mark for a query: its words and phrases, the segments the search engine made
    of them, and every written form of a department it names. Excluded words (``-word``) and the
    operators are left out; single characters only when typed alone."""
    words, excluded = [], set()
    for phrase, word in _TOKEN.findall(query or ""):
        term = phrase if phrase else word
        if word in ("OR", "AND", "NOT", "-"):
            continue
        if word.startswith("-") and len(word) > 1:
            excluded.add(word[1:])
            continue
        if term.strip():
            words.append(term.strip())
    terms = set(words)
    terms |= {s for s in _flatten(segments) if len(s) > 1 and s not in excluded}
    for word in list(terms):
        canonical = canonical_department(word)
        if canonical:
            terms |= set(written_forms(canonical))
    terms -= excluded
    return sorted((t for t in terms if t.strip()), key=len, reverse=True)


def term_pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                      re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> Markup:
    if pattern is None:
        return escape(text)
    out, start = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out.append(escape(text[start:match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        start = match.end()
    out.append(escape(text[start:]))
    return Markup("").join(out)


_MARK_TAG = re.compile(r"(</?mark>)")


def snippet_html(snippet: str) -> Markup:
    """The service's snippet (escaped text with ``<mark>``) made safe whatever it holds: the text
    between the tags is unescaped and escaped again (a no-op for well-escaped text), so only
    ``<mark>`` and ``</mark>`` can ever survive as markup."""
    parts = []
    for piece in _MARK_TAG.split(snippet or ""):
        if piece in ("<mark>", "</mark>"):
            parts.append(Markup(piece))
        else:
            parts.append(escape(html.unescape(piece)))
    return Markup("").join(parts)
