"""The web front-end: thin views over the one search service (indexer.search.service).

``create_app`` is the one place settings are read: the defaults in ``SETTINGS``, then the
environment for the index folder, then the test's mapping.
"""
from __future__ import annotations

import os

from flask import Flask

from indexer.search.params import MAX_QUERY_CHARS
from indexer.search.service import EXPORT_LIMIT
from indexer.search.store import default_index_dir

# Named settings with their defaults and what they are for (Datasette habit).
SETTINGS: dict[str, tuple[object, str]] = {
    "INDEX_DIR": (None, "folder of the search index (default: $BULLETIN_INDEX_DIR or index_data)"),
    "MAX_QUERY_STRING": (4096, "longer query strings are refused politely with 400 (bytes)"),
    "MAX_QUERY_CHARS": (MAX_QUERY_CHARS, "longer search texts are refused politely with 400 (characters)"),
    "EXPORT_LIMIT": (EXPORT_LIMIT, "most rows one CSV export holds"),
    "ALLOWED_HOSTS": (("localhost", "127.0.0.1", "::1"),
                      "host names the app answers to; a request naming another gets 400, so no link "
                      "or redirect is ever built from a forged Host header. `serve` adds its --host "
                      "and each --allowed-host, $BULLETIN_ALLOWED_HOSTS (comma-separated) adds more; "
                      "\"*\" allows any (only behind a proxy that checks the host itself)"),
}


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping({name: default for name, (default, _help) in SETTINGS.items()})
    app.config["INDEX_DIR"] = default_index_dir()
    if test_config:
        app.config.from_mapping(test_config)
    extra_hosts = [h for h in os.environ.get("BULLETIN_ALLOWED_HOSTS", "").split(",") if h.strip()]
    app.config["ALLOWED_HOSTS"] = tuple(app.config["ALLOWED_HOSTS"]) + tuple(extra_hosts)
    app.json.ensure_ascii = False  # Chinese stays readable in the JSON replies
    app.json.sort_keys = False

    from . import errors, searching, security
    from .highlight import snippet_html
    from .views import api, browse, export, feed, health, issues, search, stats

    app.add_template_filter(snippet_html)
    searching.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for blueprint in (search.bp, api.bp, browse.bp, issues.bp, export.bp, feed.bp, health.bp, stats.bp):
        app.register_blueprint(blueprint)
    return app
