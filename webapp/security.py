"""Headers every response carries, and the raw request made safe to parse.

No inline script or style anywhere, so the content policy is strict."""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
# Everything a query string may hold as is; any other byte is percent-encoded.
_QUERY_SAFE = "&=+%/;:,?@!$'()*~.-_[]|^`{}\"<>\\#"


def ascii_query_string(wsgi_app):
    """Percent-encode raw non-ASCII bytes in QUERY_STRING (a hand-made request can send them; a
    browser never does). Werkzeug would fail decoding raw non-UTF-8 bytes and answer 500; encoded,
    they are read leniently like any other bad percent-escape."""

    def app(environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            try:
                raw = query.encode("latin-1")  # WSGI carries the wire bytes as latin-1
            except UnicodeEncodeError:
                raw = query.encode("utf-8", "surrogatepass")
            environ["QUERY_STRING"] = quote(raw, safe=_QUERY_SAFE)
        return wsgi_app(environ, start_response)

    return app


def init_app(app: Flask) -> None:
    app.wsgi_app = ascii_query_string(app.wsgi_app)

    @app.after_request
    def add_security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # The original PDF is shown by the browser's own viewer, which a page policy would block.
        if response.mimetype != "application/pdf":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
