"""GET /healthz: {"status": "ok", "issues": N, "sections": M} for monitoring."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..searching import get_service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    stats = get_service().stats()
    return jsonify(status="ok", issues=stats["issues"], sections=stats["sections"])
