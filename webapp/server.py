"""``bulletin-search serve``: the web front-end on waitress, a production WSGI server."""
from __future__ import annotations

import sys

from . import create_app


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve the app over ``index_dir`` until interrupted. Bound to loopback unless told otherwise."""
    from waitress import serve as waitress_serve

    app = create_app({"INDEX_DIR": index_dir})
    with app.app_context():
        # Open the index now, so a missing or broken one is reported at start, not on a first search.
        from .searching import get_service

        stats = get_service().stats()
    print(f"serving {stats['issues']} issues ({stats['sections']} sections) from {index_dir} "
          f"on http://{host}:{port}/ with {threads} threads", file=sys.stderr)
    waitress_serve(app, host=host, port=port, threads=threads, ident="bulletin-search",
                   # a search URL is short; anything huge is refused before it reaches Flask
                   max_request_header_size=64 * 1024, max_request_body_size=1024 * 1024)
