"""Highlighting the query in the bulletin view, on escaped text.

The text is split around the matches of the query terms; every piece is escaped and only our own
``<mark>`` tags are added, so nothing from a bulletin can ever become markup.
"""
from __future__ import annotations

import html
import re
from typing import Callable

from markupsafe import Markup, escape


def highlight(text: str, spans_of: Callable[[str], list[tuple[int, int]]] | None) -> Markup:
    """The text escaped, with ``<mark>`` around the spans the service's marker finds in it."""
    if spans_of is None:
        return escape(text)
    out, start = [], 0
    for a, b in spans_of(text):
        if a < start or b <= a:
            continue
        out.append(escape(text[start:a]))
        out.append(Markup("<mark>%s</mark>") % text[a:b])
        start = b
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
