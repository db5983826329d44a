"""GET /healthz: {"status": "ok", "issues": N, "sections": M} for monitoring."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..searching import get_service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 while searches are answered; 503 with the problem when the index cannot be read, so a
    monitor notices what the search page already tells its users."""
    service = get_service()
    health = service.health()
    if "problem" in health:
        health["problem"] = service.without_paths(health["problem"])
    return jsonify(health), 503 if health["status"] == "error" else 200
