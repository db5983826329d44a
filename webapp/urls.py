"""Small pure helpers for the search page's links: a search is a list of (name, value) pairs, and
every link on the page is that list with one thing added, removed or replaced (Datasette's
``path_with_added_args`` habit). Changing what is searched for always goes back to page 1."""
from __future__ import annotations

from urllib.parse import urlencode

from indexer.search.params import MULTI_VALUED, NAMES

Pairs = list[tuple[str, str]]

# Parameters holding one value at most: choosing another replaces it.
SINGLE_VALUED = tuple(n for n in NAMES if n not in MULTI_VALUED)


def search_url(pairs: Pairs, path: str = "/") -> str:
    return f"{path}?{urlencode(pairs)}" if pairs else path


def without(pairs: Pairs, name: str, value: str | None = None) -> Pairs:
    """Pairs without ``name`` (only its ``value`` when given), back on page 1."""
    return [(n, v) for n, v in pairs
            if n != "page" and not (n == name and (value is None or v == value))]


def with_value(pairs: Pairs, name: str, value: str) -> Pairs:
    """Pairs with ``name=value`` added (replacing it for single-valued names), back on page 1."""
    if name in SINGLE_VALUED:
        return without(pairs, name) + [(name, value)]
    return without(pairs, name, value) + [(name, value)]


def toggled(pairs: Pairs, name: str, value: str, selected: bool) -> Pairs:
    return without(pairs, name, value) if selected else with_value(pairs, name, value)


def on_page(pairs: Pairs, page: int) -> Pairs:
    return [(n, v) for n, v in pairs if n != "page"] + ([("page", str(page))] if page > 1 else [])


def paragraph_url(url: str, query: str) -> str:
    """A hit's ``/issues/<id>#<paragraph>`` with ``?q=`` added so the bulletin view highlights it."""
    if not query.strip():
        return url
    path, hash_mark, fragment = url.partition("#")
    return f"{path}?{urlencode([('q', query)])}{hash_mark}{fragment}"


def paragraph_link(url: str, pairs: Pairs) -> str:
    """A hit's ``/issues/<id>#<paragraph>`` carrying the whole search it came from (query, every
    filter, sort, page), so the bulletin view highlights the query and its 返回检索结果 goes back
    to exactly that search."""
    kept = [(n, v) for n, v in pairs if str(v).strip()]
    if not kept:
        return url
    path, hash_mark, fragment = url.partition("#")
    return f"{path}?{urlencode(kept)}{hash_mark}{fragment}"
