"""The one search service of the app, and turning a request into its parameters.

The service (indexer.search.service) is opened once per app, lazily, and reopens a newly swapped-in
index by itself; the views never see the index folder or any path.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app, request

from indexer.search.errors import BadParameter
from indexer.search.params import NAMES


class RequestRefused(BadParameter):
    """A request the web layer turns away before searching (too long); ``chinese`` is the
    sentence the page shows, ``str()`` the API's message."""

    def __init__(self, name: str, problem: str, chinese: str):
        super().__init__(name, problem)
        self.chinese = chinese


class _ServiceHolder:
    def __init__(self, index_dir: str, max_query_chars: int):
        self.index_dir = index_dir
        self.max_query_chars = max_query_chars
        self._service = None
        self._lock = threading.Lock()

    def get(self):
        if self._service is None:
            with self._lock:
                if self._service is None:
                    from indexer.search.service import open_service

                    self._service = open_service(self.index_dir, self.max_query_chars)
        return self._service


def init_app(app: Flask) -> None:
    app.extensions["bulletin_search"] = _ServiceHolder(app.config["INDEX_DIR"],
                                                       app.config["MAX_QUERY_CHARS"])


def get_service():
    return current_app.extensions["bulletin_search"].get()


def request_pairs() -> list[tuple[str, str]]:
    """The search parameters of this request as (name, value) pairs, in order.

    Empty values are dropped (an HTML form sends ``from=`` for an untouched date box), unknown names
    ignored. Oversized query strings and search texts are refused with RequestRefused.
    """
    limit = current_app.config["MAX_QUERY_STRING"]
    if len(request.query_string) > limit:
        raise RequestRefused(
            "query string", f"too long: {len(request.query_string)} bytes, at most {limit}",
            f"请求过长（超过 {limit} 字节），请缩短检索词或减少筛选条件。",
        )
    pairs = [(name, value) for name, value in request.args.items(multi=True)
             if name in NAMES and (value.strip() or name == "q")]
    max_chars = current_app.config["MAX_QUERY_CHARS"]
    for name, value in pairs:
        if name == "q" and len(value) > max_chars:
            raise RequestRefused(
                "q", f"too long ({len(value)} characters, at most {max_chars})",
                f"检索词过长（{len(value)} 个字），请控制在 {max_chars} 个字以内。",
            )
    return pairs
