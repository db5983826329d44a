"""GET /api/search: exactly the reply docs/interface.md describes; a bad parameter is a 400 with {"error": …}
(webapp.errors turns it into that reply)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from indexer.search.service import public_reply

from ..searching import get_service, request_pairs

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    service = get_service()
    reply = service.search_params(request_pairs())
    if reply.get("notice"):
        reply["notice"] = service.without_paths(reply["notice"])
    return jsonify(public_reply(reply))
