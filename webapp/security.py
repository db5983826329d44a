"""Headers every response carries. No inline script or style anywhere, so the policy is strict."""
from __future__ import annotations

from flask import Flask

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # The original PDF is shown by the browser's own viewer, which a page policy would block.
        if response.mimetype != "application/pdf":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
