"""Headers every response carries, and the raw request made safe to parse.

No inline script or style anywhere, so the content policy is strict."""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, current_app, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
# The original PDF is shown by the browser's own viewer, which the page policy above would block
# (Chromium draws it in an embedded plugin frame: object-src 'none' leaves it blank). This one
# lets the viewer work and nothing else: no script, no form, no fetch, framed only by our pages.
PDF_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
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


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port, lower-cased: ``[::1]:8000`` → ``::1``."""
    host = host_header.strip().lower().rstrip(".")
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    if host.count(":") > 1:  # a bare IPv6 address (as written in the allowed list): no port
        return host
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() else host


def host_allowed(host_header: str | None, allowed) -> bool:
    if "*" in allowed:
        return True
    if not host_header:  # HTTP/1.0 without Host: links are built from the server's own address
        return True
    return host_name(host_header) in {host_name(a) for a in allowed}


def init_app(app: Flask) -> None:
    app.wsgi_app = ascii_query_string(app.wsgi_app)

    @app.before_request
    def refuse_unknown_hosts():
        """Links in the CSV and Werkzeug's redirects are built from the Host header: one naming a
        host we are not must not make us point people there."""
        if not host_allowed(request.headers.get("Host"), current_app.config["ALLOWED_HOSTS"]):
            from .errors import error_page

            return error_page(400, "这个网址的主机名不在本服务允许的名单中。",
                              "unknown host in the Host header; the server's administrator can add it "
                              "with `bulletin-search serve --allowed-host NAME`")

    @app.after_request
    def add_security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "same-origin")
        policy = (PDF_CONTENT_SECURITY_POLICY if response.mimetype == "application/pdf"
                  else CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
